// Copy, cut, paste and duplicate on the open pipeline (the clipboard format is in clipboard.ts).
import type { Rect, XYPosition } from "@xyflow/react";
import { clipOf, pasted, readClip, writeClip, type Clip } from "./clipboard";
import { DEFAULT_SIZE } from "./layout";
import { useEditor } from "./store";

// Each paste of the same clip lands a step further down and right, so pastes never stack exactly.
const STEP = 40;
let lastClip = "";
let pastes = 0;

function inside(point: XYPosition, area: Rect): boolean {
  return point.x >= area.x && point.y >= area.y && point.x <= area.x + area.width && point.y <= area.y + area.height;
}

/** A step down and right of where the nodes were copied; centred in `view` if that is out of it. */
function place(clip: Clip, times: number, view?: Rect): void {
  const { nodes, byRef, insertNodes } = useEditor.getState();
  let origin = { x: clip.origin.x + STEP * times, y: clip.origin.y + STEP * times };
  if (view && !inside(origin, view)) {
    const width = Math.max(...clip.nodes.map((n) => n.at.x)) + DEFAULT_SIZE.width;
    const height = Math.max(...clip.nodes.map((n) => n.at.y)) + DEFAULT_SIZE.height;
    origin = { x: view.x + Math.max(20, (view.width - width) / 2), y: view.y + Math.max(20, (view.height - height) / 2) };
  }
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

/** Paste the clipboard; `view` is the part of the canvas in sight, in flow coordinates. */
export function paste(view?: Rect): void {
  const clip = readClip();
  if (!clip) return;
  const text = JSON.stringify(clip);
  pastes = text === lastClip ? pastes + 1 : 1;
  lastClip = text;
  place(clip, pastes, view);
}

/** Copies of the selected nodes (and the edges between them), leaving the clipboard alone. */
export function duplicateSelection(): void {
  const { nodes, edges } = useEditor.getState();
  const clip = clipOf(nodes, edges);
  if (clip) place(clip, 1);
}
