// Copy and paste of nodes, across pipelines and tabs: the clipboard is JSON in localStorage.
import type { Edge, XYPosition } from "@xyflow/react";
import type { ComponentInfo } from "./api";
import { edgeId, newNodeId, type JimuNode, type NodeSpec } from "./spec";

const STORED = "jimu.clipboard";

/** Copied nodes (specs, positions relative to the group's top-left) and the edges between them. */
export interface Clip {
  origin: XYPosition; // where the group's top-left was when copied
  nodes: { spec: NodeSpec; at: XYPosition }[];
  edges: { source: string; sourceHandle: string; target: string; targetHandle: string }[];
}

/** The selected nodes and the edges that run between two of them. */
export function clipOf(nodes: JimuNode[], edges: Edge[]): Clip | null {
  const chosen = nodes.filter((n) => n.selected);
  if (chosen.length === 0) return null;
  const origin = {
    x: Math.min(...chosen.map((n) => n.position.x)),
    y: Math.min(...chosen.map((n) => n.position.y)),
  };
  const ids = new Set(chosen.map((n) => n.id));
  return {
    origin,
    nodes: chosen.map((n) => ({ spec: { ...n.data.spec, id: n.id }, at: { x: n.position.x - origin.x, y: n.position.y - origin.y } })),
    edges: edges
      .filter((e) => ids.has(e.source) && ids.has(e.target))
      .map((e) => ({ source: e.source, sourceHandle: e.sourceHandle ?? "", target: e.target, targetHandle: e.targetHandle ?? "" })),
  };
}

export function writeClip(clip: Clip): void {
  localStorage.setItem(STORED, JSON.stringify(clip));
}

export function readClip(): Clip | null {
  try {
    const clip = JSON.parse(localStorage.getItem(STORED) ?? "null") as Clip | null;
    return clip && Array.isArray(clip.nodes) && Array.isArray(clip.edges) ? clip : null;
  } catch {
    return null; // another program's text: nothing to paste
  }
}

/** The clip as new, selected canvas nodes at `origin`; ids already `taken` get the next free `name_N`. */
export function pasted(
  clip: Clip,
  origin: XYPosition,
  taken: Set<string>,
  components: Map<string, ComponentInfo>,
): { nodes: JimuNode[]; edges: Edge[] } {
  const used = new Set(taken);
  const renamed = new Map<string, string>();
  const nodes: JimuNode[] = clip.nodes.map(({ spec, at }) => {
    const id = used.has(spec.id) ? newNodeId(spec.id.replace(/_\d+$/, ""), used) : spec.id;
    used.add(id);
    renamed.set(spec.id, id);
    return {
      id,
      type: "component",
      position: { x: origin.x + at.x, y: origin.y + at.y },
      selected: true,
      data: { spec: { ...spec, id }, info: components.get(spec.component) },
    };
  });
  const edges: Edge[] = clip.edges.flatMap(({ source, sourceHandle, target, targetHandle }) => {
    const [from, to] = [renamed.get(source), renamed.get(target)];
    if (!from || !to) return [];
    return [{ id: edgeId(from, sourceHandle, to, targetHandle), source: from, sourceHandle, target: to, targetHandle }];
  });
  return { nodes, edges };
}
