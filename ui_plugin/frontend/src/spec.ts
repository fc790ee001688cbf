// Between the stored pipeline document and React Flow's nodes and edges.
import type { Edge, Node } from "@xyflow/react";
import type { ComponentInfo, PipelineDocument } from "./api";

export interface NodeSpec {
  id: string;
  component: string;
  [field: string]: unknown;
}

export interface JimuNodeData extends Record<string, unknown> {
  spec: NodeSpec; // every field of the node as stored (params, overrides...), kept on save
  info?: ComponentInfo; // undefined when the catalog has no such component
}

export type JimuNode = Node<JimuNodeData, "component">;

interface EdgeSpec {
  from: string;
  to: string;
}
interface Position {
  x: number;
  y: number;
}

// jimu.refs.IDENTIFIER: node ids and port names.
const IDENTIFIER = /^[a-z][a-z0-9_]{0,62}$/;

export function isIdentifier(text: string): boolean {
  return IDENTIFIER.test(text);
}

/** An unused node id made from a component name: `sql`, then `sql_2`, `sql_3`... */
export function newNodeId(componentName: string, taken: Set<string>): string {
  let base = componentName.toLowerCase().replace(/[^a-z0-9_]/g, "_");
  if (!/^[a-z]/.test(base)) base = `n_${base}`;
  base = base.slice(0, 56);
  if (!taken.has(base) && IDENTIFIER.test(base)) return base;
  for (let i = 2; ; i++) {
    const candidate = `${base}_${i}`;
    if (!taken.has(candidate)) return candidate;
  }
}

/** `wanted`, or the first spot down and right of it no node starts at, so a new node never hides one. */
export function freeSpot(wanted: Position, nodes: { position: Position }[]): Position {
  const STEP = 40;
  let spot = wanted;
  while (nodes.some((n) => Math.abs(n.position.x - spot.x) < STEP / 2 && Math.abs(n.position.y - spot.y) < STEP / 2)) {
    spot = { x: spot.x + STEP, y: spot.y + STEP };
  }
  return spot;
}

export function edgeId(source: string, sourcePort: string, target: string, targetPort: string): string {
  return `${source}.${sourcePort}->${target}.${targetPort}`;
}

function splitRef(ref: string): [string, string] {
  const dot = ref.indexOf(".");
  return dot < 0 ? [ref, ""] : [ref.slice(0, dot), ref.slice(dot + 1)];
}

export function toFlow(document: PipelineDocument, components: Map<string, ComponentInfo>): { nodes: JimuNode[]; edges: Edge[] } {
  const editor = (document.editor ?? {}) as { positions?: Record<string, Position> };
  const positions = editor.positions ?? {};
  const specs = (Array.isArray(document.nodes) ? document.nodes : []) as NodeSpec[];
  const nodes: JimuNode[] = specs.map((spec, index) => ({
    id: spec.id,
    type: "component",
    position: positions[spec.id] ?? { x: 80 + 260 * index, y: 120 },
    data: { spec, info: components.get(spec.component) },
  }));
  const edgeSpecs = (Array.isArray(document.edges) ? document.edges : []) as EdgeSpec[];
  const edges: Edge[] = edgeSpecs.map(({ from, to }) => {
    const [source, sourceHandle] = splitRef(from);
    const [target, targetHandle] = splitRef(to);
    return { id: edgeId(source, sourceHandle, target, targetHandle), source, sourceHandle, target, targetHandle };
  });
  return { nodes, edges };
}

/** The document to save: what was loaded, with the canvas's nodes, edges and positions. */
export function fromFlow(document: PipelineDocument, nodes: JimuNode[], edges: Edge[]): PipelineDocument {
  const positions: Record<string, Position> = {};
  for (const node of nodes) positions[node.id] = { x: Math.round(node.position.x), y: Math.round(node.position.y) };
  const editor = { ...((document.editor ?? {}) as Record<string, unknown>), positions };
  return {
    ...document,
    nodes: nodes.map((node) => ({ ...node.data.spec, id: node.id })),
    edges: edges.map((edge) => ({
      from: `${edge.source}.${edge.sourceHandle}`,
      to: `${edge.target}.${edge.targetHandle}`,
    })),
    editor,
  };
}

/** A pipeline id like `orders_copy`, `orders_copy_2`... that no pipeline has yet (at most 63 characters). */
export function copyId(id: string, taken: Set<string>): string {
  const base = `${id.slice(0, 50)}_copy`;
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) if (!taken.has(`${base}_${n}`)) return `${base}_${n}`;
}
