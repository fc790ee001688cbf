// What undo/redo remembers: the pipeline's own fields, its nodes (ids, positions, specs) and edges.
// Selection, measuring and a drag in progress are React Flow's bookkeeping, never a step.
import type { Edge } from "@xyflow/react";
import type { PipelineDocument } from "./api";
import type { JimuNode } from "./spec";

export interface Snapshot {
  settings: PipelineDocument | null;
  nodes: JimuNode[];
  edges: Edge[];
}

export const HISTORY_LIMIT = 100;

/** The parts of the editor state a step restores; nodes come back unselected. Their measured size
 * comes back too (it is no part of a step), so React Flow need not measure every node again. */
export function snapshot(state: Snapshot): Snapshot {
  return {
    settings: state.settings,
    nodes: state.nodes.map(({ id, type, position, data, measured }) => ({ id, type, position, data, measured })),
    edges: state.edges.map(({ id, source, sourceHandle, target, targetHandle }) => ({ id, source, sourceHandle, target, targetHandle })),
  };
}

/** Same pipeline? Node data is replaced, never mutated, on every edit, so comparing references is enough. */
export function samePipeline(a: Snapshot, b: Snapshot): boolean {
  if (a.settings !== b.settings || a.nodes.length !== b.nodes.length || a.edges.length !== b.edges.length) return false;
  for (let i = 0; i < a.nodes.length; i++) {
    const [m, n] = [a.nodes[i], b.nodes[i]];
    if (m.id !== n.id || m.data !== n.data || m.position.x !== n.position.x || m.position.y !== n.position.y) return false;
  }
  return a.edges.every((edge, i) => edge.id === b.edges[i].id);
}
