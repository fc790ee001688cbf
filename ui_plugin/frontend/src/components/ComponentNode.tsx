import { Handle, Position, type NodeProps } from "@xyflow/react";
import { memo } from "react";
import type { Port } from "../api";
import type { JimuNode } from "../spec";

function PortRow({ port, kind }: { port: Port; kind: "input" | "output" }) {
  return (
    <div className={`port port-${kind} port-type-${port.type}`} title={`${port.name}: ${port.type}${port.description ? ` — ${port.description}` : ""}`}>
      <Handle
        type={kind === "input" ? "target" : "source"}
        position={kind === "input" ? Position.Left : Position.Right}
        id={port.name}
        className={`handle handle-${port.type}`}
      />
      <span className="port-label">{port.name}</span>
      <span className="port-type">{port.type}</span>
    </div>
  );
}

/** A node on the canvas: the component's title, name@version and a handle per port. */
export const ComponentNode = memo(function ComponentNode({ id, data, selected }: NodeProps<JimuNode>) {
  const { info, spec } = data;
  return (
    <div className={selected ? "jimu-node selected" : "jimu-node"} data-testid="node" data-node={id}>
      <div className="jimu-node-header">
        <span className="jimu-node-title">{(spec.title as string) || info?.title || spec.component}</span>
        <span className="jimu-node-id">{id}</span>
      </div>
      <div className="jimu-node-ref">{spec.component}</div>
      <div className="jimu-node-ports">
        <div className="jimu-node-inputs">
          {info?.inputs.map((port) => <PortRow key={port.name} port={port} kind="input" />)}
        </div>
        <div className="jimu-node-outputs">
          {info?.outputs.map((port) => <PortRow key={port.name} port={port} kind="output" />)}
        </div>
      </div>
    </div>
  );
});
