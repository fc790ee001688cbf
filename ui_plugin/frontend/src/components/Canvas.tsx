import { Background, Controls, ReactFlow, useReactFlow, type NodeTypes } from "@xyflow/react";
import { useCallback, type DragEvent, type RefObject } from "react";
import { useTranslation } from "react-i18next";
import { useEditor } from "../store";
import { ComponentNode } from "./ComponentNode";
import { DRAG_TYPE } from "./Palette";

const NODE_TYPES: NodeTypes = { component: ComponentNode };

interface Props {
  wrapper: RefObject<HTMLDivElement | null>;
}

export function Canvas({ wrapper }: Props) {
  const { t } = useTranslation();
  const { open, fitOnOpen, nodes, edges, onNodesChange, onEdgesChange, onConnect, addNode } = useEditor();
  const { screenToFlowPosition } = useReactFlow();

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
    <main className="canvas" ref={wrapper} data-testid="canvas">
      {open ? (
        <ReactFlow
          key={open.document.id}
          nodes={nodes}
          edges={edges}
          nodeTypes={NODE_TYPES}
          onNodesChange={onNodesChange}
          onEdgesChange={onEdgesChange}
          onConnect={onConnect}
          onDrop={onDrop}
          onDragOver={onDragOver}
          deleteKeyCode={["Delete", "Backspace"]}
          fitView={fitOnOpen}
          fitViewOptions={{ maxZoom: 1 }}
          proOptions={{ hideAttribution: true }}
        >
          <Background />
          <Controls />
          {nodes.length === 0 && <div className="canvas-hint">{t("canvas.empty")}</div>}
        </ReactFlow>
      ) : (
        <div className="canvas-hint">{t("canvas.noPipeline")}</div>
      )}
    </main>
  );
}
