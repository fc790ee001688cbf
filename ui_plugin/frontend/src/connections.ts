// Which connections the canvas accepts; the same rules the validator applies (jimu/validate/rules_graph.py),
// checked while the user drags, so a wrong edge is refused on the spot with the reason.
import type { Connection, Edge } from "@xyflow/react";
import type { Port } from "./api";
import type { JimuNode } from "./spec";

/** Why a connection is refused: a message key (`canvas2.refuse.*`) and its values. */
export interface Refusal {
  key: string;
  values: Record<string, string>;
}

function port(node: JimuNode | undefined, side: "inputs" | "outputs", name: string | null | undefined): Port | undefined {
  return node?.data.info?.[side].find((p) => p.name === name);
}

/** Does `to` lie downstream of `from` along `edges`? Then an edge to -> from would close a cycle. */
function reaches(from: string, to: string, edges: Edge[]): boolean {
  const downstream = new Map<string, string[]>();
  for (const edge of edges) downstream.set(edge.source, [...(downstream.get(edge.source) ?? []), edge.target]);
  const seen = new Set<string>([from]);
  const queue = [from];
  while (queue.length) {
    const node = queue.pop()!;
    if (node === to) return true;
    for (const next of downstream.get(node) ?? []) {
      if (!seen.has(next)) {
        seen.add(next);
        queue.push(next);
      }
    }
  }
  return false;
}

/** Why `connection` cannot be made on this canvas, or null when it can. */
export function refusal(connection: Connection | Edge, nodes: JimuNode[], edges: Edge[]): Refusal | null {
  const { source, sourceHandle, target, targetHandle } = connection;
  if (source === target) return { key: "canvas2.refuse.sameNode", values: { node: source } };
  const sourceNode = nodes.find((n) => n.id === source);
  const targetNode = nodes.find((n) => n.id === target);
  const output = port(sourceNode, "outputs", sourceHandle);
  const input = port(targetNode, "inputs", targetHandle);
  // A component the catalog does not know has no ports to check; the validator reports it.
  if (output && input && output.type !== input.type) {
    return {
      key: "canvas2.refuse.type",
      values: { outputType: output.type, output: output.name, inputType: input.type, input: input.name },
    };
  }
  const wired = edges.filter((e) => e.target === target && e.targetHandle === targetHandle);
  if (input && !input.multiple && wired.length > 0) {
    return { key: "canvas2.refuse.single", values: { input: `${target}.${targetHandle}`, from: `${wired[0].source}.${wired[0].sourceHandle}` } };
  }
  if (wired.some((e) => e.source === source)) {
    return { key: "canvas2.refuse.twice", values: { input: `${target}.${targetHandle}`, node: source } };
  }
  if (reaches(target, source, edges)) return { key: "canvas2.refuse.cycle", values: { source, target } };
  return null;
}
