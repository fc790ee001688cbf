import { useEditor } from "../store";
import { Inspector } from "./Inspector";
import { PipelineSettings } from "./PipelineSettings";

/** The right-hand panel: the one selected node, else the pipeline's settings. Fixed width: no layout jump. */
export function SidePanel() {
  const selected = useEditor((s) => {
    const chosen = s.nodes.filter((n) => n.selected);
    return chosen.length === 1 ? chosen[0] : null;
  });
  const open = useEditor((s) => s.open);
  if (!open) return null;
  return <aside className="side-panel">{selected ? <Inspector key={selected.id} node={selected} /> : <PipelineSettings />}</aside>;
}
