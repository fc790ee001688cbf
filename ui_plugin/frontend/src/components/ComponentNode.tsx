import { Handle, Position, type NodeProps } from "@xyflow/react";
import { memo } from "react";
import type { Port } from "../api";
import { useNodeRunState } from "../runs";
import type { JimuNode } from "../spec";
import { useNodeProblemCount } from "../validation";

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
  const problems = useNodeProblemCount(id);
  const runState = useNodeRunState(id);
  const classes = ["jimu-node", selected && "selected", problems > 0 && "has-problems", runState && `run-${runState}`];
  return (
    <div className={classes.filter(Boolean).join(" ")} data-testid="node" data-node={id} data-run-state={runState}>
      <div className="jimu-node-header">
        <span className="jimu-node-title">{(spec.title as string) || info?.title || spec.component}</span>
        {problems > 0 && (
          <span className="jimu-node-badge" data-testid="node-problems" title={String(problems)}>
            {problems}
          </span>
        )}
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
