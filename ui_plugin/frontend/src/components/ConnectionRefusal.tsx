import { useConnection, useStore, type Connection, type FinalConnectionState } from "@xyflow/react";
import { useTranslation } from "react-i18next";
import { refusal, type Refusal } from "../connections";
import { useEditor } from "../store";

const HINT_WIDTH = 300; // px, as in Canvas.css

type Ends = Pick<FinalConnectionState, "fromHandle" | "toHandle">;

/** The connection a drag from one handle to another asks for, whichever end it started from. */
function asked({ fromHandle, toHandle }: Ends): Connection | null {
  if (!fromHandle || !toHandle || fromHandle.type === toHandle.type) return null; // output to output: no edge to explain
  const [source, target] = fromHandle.type === "source" ? [fromHandle, toHandle] : [toHandle, fromHandle];
  return { source: source.nodeId, sourceHandle: source.id ?? null, target: target.nodeId, targetHandle: target.id ?? null };
}

/** Why the canvas refuses the connection a drag ended on (or hovers), or null. */
export function refusalOf(state: Ends): Refusal | null {
  const connection = asked(state);
  const { nodes, edges } = useEditor.getState();
  return connection ? refusal(connection, nodes, edges) : null;
}

/** While a connection is dragged over a handle that refuses it, the reason follows the pointer. */
export function ConnectionHint() {
  const { t } = useTranslation();
  const hint = useConnection((c) => {
    if (!c.inProgress || !c.toHandle || c.isValid) return null;
    const why = refusalOf(c);
    return why ? { why, x: c.pointer.x, y: c.pointer.y } : null;
  });
  const paneWidth = useStore((s) => s.width);
  if (!hint) return null;
  // Near the right edge the message sits left of the pointer, so it is never cut off.
  const flip = hint.x > paneWidth - HINT_WIDTH - 20;
  const style = { top: hint.y + 14, left: flip ? hint.x - 14 : hint.x + 14, transform: flip ? "translateX(-100%)" : undefined };
  return (
    <div className="connection-hint" data-testid="connection-hint" style={style}>
      {t(hint.why.key, hint.why.values)}
    </div>
  );
}
