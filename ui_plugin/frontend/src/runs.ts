// The run being watched: its record, node states (they drive the node colours), its log, and the
// pipeline's run history. Filled from GET /api/runs/{id} and its SSE event stream.
import { create } from "zustand";
import { ApiError } from "./api";
import { eventsUrl, FINAL_RUN_STATES, listRuns, readRun, type RunEvent, type RunRecord } from "./runApi";
import { useEditor } from "./store";

export type NodeRunState = "queued" | "running" | "success" | "failed" | "skipped" | "upstream_failed" | "not_run";

// Airflow's in-between task states, as the canvas shows them.
const SHOWN_AS: Record<string, NodeRunState> = {
  scheduled: "queued",
  up_for_retry: "running",
  up_for_reschedule: "running",
  restarting: "running",
  deferred: "running",
  removed: "skipped",
};
const NODE_STATES = new Set<string>(["queued", "running", "success", "failed", "skipped", "upstream_failed", "not_run"]);

export function nodeRunState(state: string): NodeRunState {
  return NODE_STATES.has(state) ? (state as NodeRunState) : (SHOWN_AS[state] ?? "queued");
}

/** One line of the run log: a state change or a line a node printed. */
export interface LogLine {
  id: number; // its place in the log (the stream's synthetic last event has no event id of its own)
  time: number | null;
  node: string | null; // null: the run itself
  kind: "run" | "node" | "log";
  state: string | null; // the state a run or node event reports (shown in the UI's language)
  text: string; // the printed line, or what the event adds to its state
}

const MAX_LINES = 5000; // the oldest lines go first: a chatty node never slows the page down

interface RunWatchState {
  runId: string | null;
  run: RunRecord | null;
  nodeStates: Record<string, NodeRunState>;
  lines: LogLine[];
  history: RunRecord[];
  error: string | null; // why the last action failed, shown in the run pane
  setNodeStates: (states: Record<string, NodeRunState>) => void;
  /** Follow a run: read its record, then its events from the first (the log is rebuilt). */
  watch: (runId: string) => Promise<void>;
  /** Stop following; the canvas loses its colours. */
  unwatch: () => void;
  loadHistory: () => Promise<void>;
  setError: (error: unknown) => void;
}

let source: EventSource | null = null; // the stream of the watched run

function closeSource(): void {
  source?.close();
  source = null;
}

function statesOf(run: RunRecord): Record<string, NodeRunState> {
  return Object.fromEntries(Object.entries(run.nodes).map(([node, record]) => [node, nodeRunState(record.state)]));
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The watch after one event: pure, so the order of events alone decides what is shown. */
export function applyEvent(
  state: Pick<RunWatchState, "run" | "nodeStates" | "lines">,
  event: RunEvent,
): Pick<RunWatchState, "run" | "nodeStates" | "lines"> {
  const id = (state.lines.at(-1)?.id ?? 0) + 1;
  const time = event.time ?? null;
  let { run, nodeStates } = state;
  let line: LogLine;
  if (event.type === "log") {
    line = { id, time, node: event.node, kind: "log", state: null, text: event.line };
  } else if (event.type === "node") {
    const { type: _type, node, time: _time, ...facts } = event;
    nodeStates = { ...nodeStates, [node]: nodeRunState(event.state) };
    if (run) run = { ...run, nodes: { ...run.nodes, [node]: { ...run.nodes[node], ...facts } } };
    // A running node reports 0 s: only an ended one's time says something.
    const took = event.state !== "running" && event.seconds != null ? `${event.seconds.toFixed(2)} s` : null;
    const detail = [took, event.error, event.reason].filter(Boolean);
    line = { id, time, node, kind: "node", state: event.state, text: detail.join(" · ") };
  } else {
    const { type: _type, time: _time, ...facts } = event;
    // The event's time starts the clock the pane counts up from (the record is read again at the end).
    const started = run?.started ?? (event.state === "running" ? time : null);
    if (run) run = { ...run, ...(facts as Partial<RunRecord>), started };
    line = { id, time, node: null, kind: "run", state: event.state, text: event.error ?? "" };
  }
  const lines = state.lines.length >= MAX_LINES ? [...state.lines.slice(1 - MAX_LINES), line] : [...state.lines, line];
  return { run, nodeStates, lines };
}

export const useRunWatch = create<RunWatchState>((set, get) => ({
  runId: null,
  run: null,
  nodeStates: {},
  lines: [],
  history: [],
  error: null,
  setNodeStates: (nodeStates) => set({ nodeStates }),
  setError: (error) => set({ error: error === null ? null : messageOf(error) }),

  watch: async (runId) => {
    closeSource();
    set({ runId, run: null, nodeStates: {}, lines: [], error: null });
    let run: RunRecord;
    try {
      run = await readRun(runId);
    } catch (error) {
      if (get().runId === runId) set({ error: messageOf(error) });
      return;
    }
    if (get().runId !== runId) return; // another run was chosen meanwhile
    set({ run, nodeStates: statesOf(run) });

    const stream = new EventSource(eventsUrl(runId));
    source = stream;
    const onEvent = (message: MessageEvent<string>) => {
      if (source !== stream) return;
      const event = JSON.parse(message.data) as RunEvent;
      set(applyEvent(get(), event));
      if (event.type === "run" && FINAL_RUN_STATES.has(event.state)) {
        // The server ends the stream after the last event; EventSource would reconnect for ever.
        closeSource();
        void settle(runId);
      }
    };
    for (const type of ["run", "node", "log"]) stream.addEventListener(type, onEvent as EventListener);
  },

  unwatch: () => {
    closeSource();
    set({ runId: null, run: null, nodeStates: {}, lines: [], error: null });
  },

  loadHistory: async () => {
    const pipeline = useEditor.getState().open?.document.id;
    if (!pipeline) return set({ history: [] });
    try {
      const history = await listRuns(pipeline);
      if (useEditor.getState().open?.document.id === pipeline) set({ history });
    } catch (error) {
      set({ error: messageOf(error) });
    }
  },
}));

/** After the last event: the record as the run left it (final node states, duration), and the history. */
async function settle(runId: string): Promise<void> {
  const watch = useRunWatch.getState();
  void watch.loadHistory();
  try {
    const run = await readRun(runId);
    if (useRunWatch.getState().runId === runId) useRunWatch.setState({ run, nodeStates: statesOf(run) });
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 404)) watch.setError(error);
  }
}

// Another pipeline opened: the watched run and the history were the last one's.
useEditor.subscribe((now, before) => {
  const id = now.open?.document.id;
  if (id === before.open?.document.id) return;
  useRunWatch.getState().unwatch();
  useRunWatch.setState({ history: [] });
  if (id) void useRunWatch.getState().loadHistory();
});

export function useNodeRunState(node: string): NodeRunState | undefined {
  return useRunWatch((s) => s.nodeStates[node]);
}
