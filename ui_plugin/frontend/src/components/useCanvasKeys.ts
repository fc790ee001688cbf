// The canvas's keyboard shortcuts. None fires while the user types in a field or a code editor.
import { useReactFlow, type Rect, type XYPosition } from "@xyflow/react";
import { useEffect } from "react";
import { copySelection, cutSelection, duplicateSelection, paste } from "../canvasCommands";
import { useEditor } from "../store";

export function isTyping(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && target.closest("input, textarea, select, [contenteditable], .cm-editor") !== null;
}

/** The part of the canvas in sight, in flow coordinates. */
function inSight(toFlow: (point: XYPosition) => XYPosition): Rect | undefined {
  const pane = document.querySelector(".react-flow__pane")?.getBoundingClientRect();
  if (!pane) return undefined;
  const start = toFlow({ x: pane.left, y: pane.top });
  const end = toFlow({ x: pane.right, y: pane.bottom });
  return { x: start.x, y: start.y, width: end.x - start.x, height: end.y - start.y };
}

export function useCanvasKeys(): void {
  const { zoomIn, zoomOut, fitView, screenToFlowPosition } = useReactFlow();

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const editor = useEditor.getState();
      if (!editor.open || isTyping(event.target) || event.altKey) return;
      const key = event.key.toLowerCase();
      const command = event.ctrlKey || event.metaKey;
      // An action answering false did nothing, so the browser keeps the key (Ctrl+C on selected text).
      const actions: Record<string, () => unknown> = command
        ? {
            z: event.shiftKey ? editor.redo : editor.undo,
            y: editor.redo,
            c: copySelection,
            x: cutSelection,
            v: () => paste(inSight(screenToFlowPosition)),
            d: duplicateSelection,
          }
        : {
            delete: editor.deleteSelection,
            backspace: editor.deleteSelection,
            "+": () => void zoomIn(),
            "=": () => void zoomIn(),
            "-": () => void zoomOut(),
            "1": () => void fitView(),
          };
      const action = actions[key];
      if (!action || action() === false) return;
      event.preventDefault(); // Ctrl+D would bookmark the page, Backspace go back
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [zoomIn, zoomOut, fitView, screenToFlowPosition]);
}
