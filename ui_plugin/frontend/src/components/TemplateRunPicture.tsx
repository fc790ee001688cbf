import { Handle, Position, ReactFlow, ReactFlowProvider, type Edge, type Node, type NodeProps } from "@xyflow/react";
import { memo, useMemo } from "react";
import { useTranslation } from "react-i18next";
import type { NodeRunState } from "../runs";
import type { PlacedNode, TemplateDetail } from "../templatesApi";
import "./RunStates.css";

type StepData = { title: string; state: NodeRunState | undefined };
type StepNode = Node<StepData, "step">;

// Where a node never placed on the template's canvas goes: in a row, one canvas column apart.
const COLUMN = 240;
// React Flow's default smallest zoom (0.5) would cut a wide template off at both ends.
const MIN_ZOOM = 0.1;

/** One step of the picture: its title, coloured by its state in the run. */
const Step = memo(function Step({ id, data }: NodeProps<StepNode>) {
  const { t } = useTranslation();
  const state = data.state ?? "queued";
  return (
    <div className={`template-step jimu-node run-${state}`} data-testid="template-step" data-node={id} data-run-state={state}
      title={`${data.title}: ${t(`runpane.state.${state}`)}`}>
      <Handle type="target" position={Position.Left} isConnectable={false} />
      <span className="template-step-title">{data.title}</span>
      <Handle type="source" position={Position.Right} isConnectable={false} />
    </div>
  );
});

const NODE_TYPES = { step: Step };

function layout(preview: TemplateDetail["preview"], states: Record<string, NodeRunState>): { nodes: StepNode[]; edges: Edge[] } {
  const nodes = (preview.nodes as PlacedNode[]).map((node, index) => ({
    id: node.id,
    type: "step" as const,
    position: { x: node.x ?? index * COLUMN, y: node.y ?? 0 },
    data: { title: node.title, state: states[node.id] },
  }));
  // Two edges between the same nodes (two ports) draw as one arrow.
  const pairs = [...new Set(preview.edges.map((edge) => `${edge.from}\u0000${edge.to}`))];
  const edges = pairs.map((pair) => {
    const [source, target] = pair.split("\u0000");
    return { id: `${source}->${target}`, source, target, markerEnd: { type: "arrowclosed" as const } };
  });
  return { nodes, edges };
}

/** The template's pipeline as a small read-only picture: its steps where its canvas put them, with arrows. */
export function TemplateRunPicture({ preview, states }: { preview: TemplateDetail["preview"]; states: Record<string, NodeRunState> }) {
  const { t } = useTranslation();
  const { nodes, edges } = useMemo(() => layout(preview, states), [preview, states]);
  return (
    // Its own provider: without one this flow would share (and overwrite) the editor canvas's store.
    <ReactFlowProvider>
      <div className="template-picture" data-testid="template-picture" role="img" aria-label={t("templateRuns.picture")}>
        <ReactFlow
          nodes={nodes}
          edges={edges}
          nodeTypes={NODE_TYPES}
          fitView
          fitViewOptions={{ padding: 0.06, minZoom: MIN_ZOOM }}
          minZoom={MIN_ZOOM}
          nodesDraggable={false}
          nodesConnectable={false}
          nodesFocusable={false}
          edgesFocusable={false}
          elementsSelectable={false}
          panOnDrag={false}
          zoomOnScroll={false}
          zoomOnPinch={false}
          zoomOnDoubleClick={false}
          preventScrolling={false}
          proOptions={{ hideAttribution: true }}
        />
      </div>
    </ReactFlowProvider>
  );
}
