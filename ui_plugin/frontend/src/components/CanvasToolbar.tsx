import { Panel, useReactFlow } from "@xyflow/react";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { layeredPositions } from "../layout";
import { useEditor, useHistory } from "../store";
import { NodeSearch } from "./NodeSearch";

/** Arrange every node with elkjs (one undo step), then fit them in view. */
export async function arrange(fitView: () => Promise<boolean>): Promise<void> {
  const { nodes, edges, moveNodes } = useEditor.getState();
  if (nodes.length === 0) return;
  moveNodes(await layeredPositions(nodes, edges));
  requestAnimationFrame(() => void fitView()); // after React Flow has the new positions
}

/** Undo, redo, zoom, fit, arrange and node search, over the canvas's top-left corner. */
export function CanvasToolbar() {
  const { t } = useTranslation();
  const { canUndo, canRedo } = useHistory();
  const { undo, redo } = useEditor.getState();
  const { zoomIn, zoomOut, fitView } = useReactFlow();
  const [arranging, setArranging] = useState(false);

  const onArrange = async () => {
    setArranging(true);
    try {
      await arrange(fitView);
    } finally {
      setArranging(false);
    }
  };

  const button = (testid: string, label: string, text: string, onClick: () => void, disabled = false) => (
    <button type="button" data-testid={testid} aria-label={label} title={label} disabled={disabled} onClick={onClick}>
      {text}
    </button>
  );

  return (
    <Panel position="top-left" className="canvas-toolbar" role="toolbar" aria-label={t("canvas2.toolbar")}>
      {button("undo", t("canvas2.undo"), "↶", undo, !canUndo)}
      {button("redo", t("canvas2.redo"), "↷", redo, !canRedo)}
      <span className="canvas-toolbar-gap" />
      {button("zoom-out", t("canvas2.zoomOut"), "−", () => void zoomOut())}
      {button("zoom-in", t("canvas2.zoomIn"), "+", () => void zoomIn())}
      {button("fit-view", t("canvas2.fit"), "⤢", () => void fitView())}
      <button type="button" data-testid="arrange" title={t("canvas2.layoutHint")} disabled={arranging} onClick={() => void onArrange()}>
        {t("canvas2.layout")}
      </button>
      <span className="canvas-toolbar-gap" />
      <NodeSearch />
    </Panel>
  );
}
