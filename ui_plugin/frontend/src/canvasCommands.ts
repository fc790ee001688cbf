// Copy, cut, paste and duplicate on the open pipeline (the clipboard format is in clipboard.ts).
import { clipOf, pasted, readClip, writeClip, type Clip } from "./clipboard";
import { useEditor } from "./store";

// Each paste of the same clip lands a step further down and right, so pastes never stack exactly.
const STEP = 40;
let lastClip = "";
let pastes = 0;

function place(clip: Clip, times: number): void {
  const { nodes, byRef, insertNodes } = useEditor.getState();
  const origin = { x: clip.origin.x + STEP * times, y: clip.origin.y + STEP * times };
  const added = pasted(clip, origin, new Set(nodes.map((n) => n.id)), byRef);
  insertNodes(added.nodes, added.edges);
}

export function copySelection(): boolean {
  const { nodes, edges } = useEditor.getState();
  const clip = clipOf(nodes, edges);
  if (!clip) return false;
  writeClip(clip);
  return true;
}

export function cutSelection(): boolean {
  if (!copySelection()) return false;
  useEditor.getState().deleteSelection();
  return true;
}

export function paste(): void {
  const clip = readClip();
  if (!clip) return;
  const text = JSON.stringify(clip);
  pastes = text === lastClip ? pastes + 1 : 1;
  lastClip = text;
  place(clip, pastes);
}

/** Copies of the selected nodes (and the edges between them), leaving the clipboard alone. */
export function duplicateSelection(): void {
  const { nodes, edges } = useEditor.getState();
  const clip = clipOf(nodes, edges);
  if (clip) place(clip, 1);
}
