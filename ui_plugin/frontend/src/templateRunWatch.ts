// A run followed on the template run page: its record and node states, from GET /api/runs/{id} and
// its event stream. Kept apart from runs.ts's store, which colours the canvas's open pipeline: a
// template's run must not paint the nodes of whatever pipeline is open behind the gallery.
import { useEffect, useState } from "react";
import { eventsUrl, FINAL_RUN_STATES, readRun, stopRun, type RunEvent, type RunRecord } from "./runApi";
import { applyEvent, nodeRunState, type LogLine, type NodeRunState } from "./runs";

interface Followed {
  run: RunRecord | null;
  nodeStates: Record<string, NodeRunState>;
  lines: LogLine[];
  error: string | null;
}

const NOTHING_YET: Followed = { run: null, nodeStates: {}, lines: [], error: null };

function recorded(run: RunRecord): Followed {
  const nodeStates = Object.fromEntries(Object.entries(run.nodes).map(([node, record]) => [node, nodeRunState(record.state)]));
  return { run, nodeStates, lines: [], error: null };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The run as it goes: its record first, then each event; read once more after the last (durations, logs). */
export function useFollowedRun(runId: string): Followed & { stop: () => Promise<void> } {
  const [followed, setFollowed] = useState<Followed>(NOTHING_YET);

  useEffect(() => {
    let current = true;
    let stream: EventSource | null = null;
    const fail = (error: unknown) => current && setFollowed((now) => ({ ...now, error: messageOf(error) }));
    const settle = () => readRun(runId).then((run) => current && setFollowed(recorded(run)), fail);

    setFollowed(NOTHING_YET);
    readRun(runId).then((run) => {
      if (!current) return;
      setFollowed(recorded(run));
      if (FINAL_RUN_STATES.has(run.state)) return; // a finished run's record says everything
      const events = new EventSource(eventsUrl(runId));
      stream = events;
      const onEvent = (message: MessageEvent<string>) => {
        if (!current) return;
        const event = JSON.parse(message.data) as RunEvent;
        setFollowed((now) => ({ ...now, ...applyEvent(now, event) }));
        if (event.type === "run" && FINAL_RUN_STATES.has(event.state)) {
          events.close(); // the server ends the stream; EventSource would reconnect for ever
          void settle();
        }
      };
      for (const type of ["run", "node", "log"]) events.addEventListener(type, onEvent as EventListener);
    }, fail);
    return () => {
      current = false;
      stream?.close();
    };
  }, [runId]);

  const stop = async () => {
    try {
      await stopRun(runId); // the stream then reports the stopped run
    } catch (error) {
      setFollowed((now) => ({ ...now, error: messageOf(error) }));
    }
  };
  return { ...followed, stop };
}
