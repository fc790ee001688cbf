// Live validation: after each edit (debounced), POST /api/validate with the document on the canvas.
import { request } from "./api";
import { fromFlow } from "./spec";
import { useEditor } from "./store";
import { useValidation, type Problem } from "./validation";

const DEBOUNCE_MS = 300;

/** The document to check, as text; positions are left out, so moving a node asks nothing. */
function documentText(): string | null {
  const { settings, nodes, edges } = useEditor.getState();
  if (!settings) return null;
  const { editor: _layout, ...document } = fromFlow(settings, nodes, edges);
  return JSON.stringify(document);
}

/**
 * Watch the editor and keep `useValidation` filled; answers a function that stops watching.
 * A newer edit aborts the request in flight, and an answer older than the latest request is dropped.
 */
export function startLiveValidation(): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let inFlight: AbortController | null = null;
  let latest = 0;
  let checked: string | null = null; // the text of the last document asked about

  const check = async () => {
    const text = documentText();
    if (text === null || text === checked) return;
    checked = text;
    inFlight?.abort();
    const controller = new AbortController();
    inFlight = controller;
    const asked = ++latest;
    useValidation.getState().setChecking(true);
    try {
      const response = await request("validate", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: text,
        signal: controller.signal,
      });
      const answer = (await response.json()) as { issues: Problem[] };
      if (asked === latest) useValidation.getState().setProblems(answer.issues);
    } catch {
      // Aborted by a newer edit, or the server is unreachable: the next edit asks again.
      if (asked === latest) {
        useValidation.getState().setChecking(false);
        checked = null;
      }
    }
  };

  const stop = useEditor.subscribe((state, previous) => {
    if (state.open?.document.id !== previous.open?.document.id) {
      // Another pipeline: the last one's problems, and any answer still coming for it, are not this one's.
      inFlight?.abort();
      latest++;
      useValidation.getState().setProblems([]);
      checked = null;
    }
    if (state.settings === previous.settings && state.nodes === previous.nodes && state.edges === previous.edges) return;
    clearTimeout(timer);
    timer = setTimeout(() => void check(), DEBOUNCE_MS);
  });
  return () => {
    stop();
    clearTimeout(timer);
    inFlight?.abort();
  };
}
