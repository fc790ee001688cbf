// Auto-layout with elkjs (layered, left to right). elkjs is large, so it loads on first use, as its own chunk.
import type { Edge, XYPosition } from "@xyflow/react";
import type { JimuNode } from "./spec";

// A node React Flow has not measured yet (off screen, or just added) is laid out at the usual node size.
export const DEFAULT_SIZE = { width: 220, height: 90 };

const OPTIONS = {
  "elk.algorithm": "layered",
  "elk.direction": "RIGHT",
  "elk.layered.spacing.nodeNodeBetweenLayers": "80",
  "elk.spacing.nodeNode": "40",
  "elk.layered.nodePlacement.strategy": "BRANDES_KOEPF",
};

/** New top-left positions for every node: ranks run left to right along the edges. */
export async function layeredPositions(nodes: JimuNode[], edges: Edge[]): Promise<Map<string, XYPosition>> {
  const { default: ELK } = await import("elkjs/lib/elk.bundled.js");
  const elk = new ELK();
  const graph = await elk.layout({
    id: "root",
    layoutOptions: OPTIONS,
    children: nodes.map((node) => ({
      id: node.id,
      width: node.measured?.width ?? DEFAULT_SIZE.width,
      height: node.measured?.height ?? DEFAULT_SIZE.height,
    })),
    edges: edges.map((edge) => ({ id: edge.id, sources: [edge.source], targets: [edge.target] })),
  });
  return new Map((graph.children ?? []).map((child) => [child.id, { x: child.x ?? 0, y: child.y ?? 0 }]));
}
