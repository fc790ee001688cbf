import {
  Background,
  MiniMap,
  ReactFlow,
  useConnection,
  useKeyPress,
  useReactFlow,
  useStore,
  type FinalConnectionState,
  type IsValidConnection,
  type Node,
  type NodeMouseHandler,
  type NodeTypes,
} from "@xyflow/react";
import { useCallback, useEffect, useState, type DragEvent, type RefObject } from "react";
import { useTranslation } from "react-i18next";
import { refusal, type Refusal } from "../connections";
import { useRunWatch } from "../runs";
import type { JimuNode } from "../spec";
import { useEditor } from "../store";
import { useUi } from "../ui";
import { useValidation } from "../validation";
import "./Canvas.css";
import { CanvasToolbar } from "./CanvasToolbar";
import { ComponentNode } from "./ComponentNode";
import { ConnectionHint, refusalOf } from "./ConnectionRefusal";
import { DRAG_TYPE } from "./Palette";
import { useCanvasKeys } from "./useCanvasKeys";

const NODE_TYPES: NodeTypes = { component: ComponentNode };
const REFUSAL_SHOWN_MS = 6000;
const MIN_DOTTED_ZOOM = 0.4;
// Box select with Shift-drag; add to the selection with Shift- or Ctrl-click.
const MULTI_SELECT_KEYS = ["Shift", "Control", "Meta"];

const RUN_COLOURS: Record<string, string> = {
  queued: "#cbd2d9",
  running: "#2f80ed",
  success: "#27ae60",
  failed: "#d64545",
  upstream_failed: "#f2994a",
  skipped: "#9aa5b1",
};

interface Props {
  wrapper: RefObject<HTMLDivElement | null>;
}

const isValidConnection: IsValidConnection = (connection) => {
  const { nodes, edges } = useEditor.getState();
  return refusal(connection, nodes, edges) === null;
};

/** Minimap colours: the run state if a run is watched, else red for a node with problems. */
function useMinimapColour(): (node: Node) => string {
  const nodeStates = useRunWatch((s) => s.nodeStates);
  const problems = useValidation((s) => s.problems);
  return useCallback(
    (node: Node) => {
      const state = nodeStates[node.id];
      if (state) return RUN_COLOURS[state] ?? "#9aa5b1";
      return problems.some((p) => p.node === node.id) ? "#d64545" : "#9aa5b1";
    },
    [nodeStates, problems],
  );
}

export function Canvas({ wrapper }: Props) {
  const { t } = useTranslation();
  const { open, fitOnOpen, nodes, edges, onNodesChange, onEdgesChange, onConnect, addNode } = useEditor();
  const { screenToFlowPosition } = useReactFlow();
  const [refused, setRefused] = useState<Refusal | null>(null);
  const minimapColour = useMinimapColour();
  // "output-table" while a connection is dragged from a table output: CSS dims the handles that cannot take it.
  const connecting = useConnection<JimuNode, string | undefined>((c) =>
    c.inProgress ? `${c.fromHandle.type === "source" ? "output" : "input"}-${portType(c.fromNode, c.fromHandle)}` : undefined,
  );
  // Zoomed far out the dots would be a pixel apart: costly to paint and no help, so they go.
  const dotted = useStore((s) => s.transform[2] >= MIN_DOTTED_ZOOM);
  // With Space held a drag pans the view even when it starts on a node (a draggable node stops panning).
  const spaceHeld = useKeyPress("Space");
  useCanvasKeys();

  useEffect(() => {
    if (!refused) return;
    const timer = window.setTimeout(() => setRefused(null), REFUSAL_SHOWN_MS);
    return () => window.clearTimeout(timer);
  }, [refused]);

  const onConnectEnd = useCallback((_event: MouseEvent | TouchEvent, state: FinalConnectionState) => {
    setRefused(state.isValid ? null : refusalOf(state));
  }, []);

  const onNodeDoubleClick: NodeMouseHandler = useCallback((_event, node) => useUi.getState().inspect(node.id), []);

  const onDragOver = useCallback((event: DragEvent) => {
    if (event.dataTransfer.types.includes(DRAG_TYPE)) {
      event.preventDefault(); // allows the drop
      event.dataTransfer.dropEffect = "move";
    }
  }, []);

  const onDrop = useCallback(
    (event: DragEvent) => {
      const ref = event.dataTransfer.getData(DRAG_TYPE);
      if (!ref) return;
      event.preventDefault();
      addNode(ref, screenToFlowPosition({ x: event.clientX, y: event.clientY }));
    },
    [addNode, screenToFlowPosition],
  );

  return (
    <main className="canvas" ref={wrapper} data-testid="canvas" data-connecting={connecting}>
      {open ? (
        <ReactFlow
          key={open.document.id}
          nodes={nodes}
          edges={edges}
          nodeTypes={NODE_TYPES}
          onNodesChange={onNodesChange}
          onEdgesChange={onEdgesChange}
          onConnect={onConnect}
          isValidConnection={isValidConnection}
          onConnectStart={() => setRefused(null)}
          onConnectEnd={onConnectEnd}
          onNodeDoubleClick={onNodeDoubleClick}
          onDrop={onDrop}
          onDragOver={onDragOver}
          deleteKeyCode={null}
          selectionKeyCode="Shift"
          multiSelectionKeyCode={MULTI_SELECT_KEYS}
          panActivationKeyCode="Space"
          nodesDraggable={!spaceHeld}
          zoomOnDoubleClick={false}
          fitView={fitOnOpen}
          fitViewOptions={{ maxZoom: 1 }}
          minZoom={0.05}
          onlyRenderVisibleElements // a 500-node pipeline opens in about half the time (benchmarks/bench_editor_open.py)
          proOptions={{ hideAttribution: true }}
        >
          {dotted && <Background />}
          <CanvasToolbar />
          <MiniMap pannable zoomable nodeColor={minimapColour} ariaLabel={t("canvas2.minimap")} data-testid="minimap" />
          <ConnectionHint />
          {refused && (
            <div className="connection-refused" role="alert" data-testid="connection-refused">
              {t("canvas2.refused", { reason: t(refused.key, refused.values) })}
            </div>
          )}
          {nodes.length === 0 && <div className="canvas-hint">{t("canvas.empty")}</div>}
        </ReactFlow>
      ) : (
        <div className="canvas-hint">{t("canvas.noPipeline")}</div>
      )}
    </main>
  );
}

function portType(node: JimuNode, handle: { id?: string | null; type: string }): string {
  const ports = handle.type === "source" ? node.data.info?.outputs : node.data.info?.inputs;
  return ports?.find((p) => p.name === handle.id)?.type ?? "other";
}
