import { useTranslation } from "react-i18next";
import type { JimuNode } from "../spec";

/** The selected node's fields: id, params form, code editors, overrides. */
export function Inspector({ node }: { node: JimuNode }) {
  const { t } = useTranslation();
  return (
    <div className="inspector" data-testid="inspector" data-node={node.id}>
      <h2>{t("panels.node")}</h2>
      <div className="inspector-id">{node.id}</div>
      <div className="jimu-node-ref">{node.data.spec.component}</div>
    </div>
  );
}
