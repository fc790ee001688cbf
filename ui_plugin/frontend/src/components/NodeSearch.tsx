import { useReactFlow } from "@xyflow/react";
import { useMemo, useState, type KeyboardEvent } from "react";
import { useTranslation } from "react-i18next";
import type { JimuNode } from "../spec";
import { useEditor } from "../store";

function titleOf(node: JimuNode): string {
  return (node.data.spec.title as string) || node.data.info?.title || "";
}

/** Finds nodes by id or title; Enter centres and selects the next match (Shift+Enter the previous). */
export function NodeSearch() {
  const { t } = useTranslation();
  const nodes = useEditor((s) => s.nodes);
  const [query, setQuery] = useState("");
  const [current, setCurrent] = useState(-1); // index into matches of the node shown, -1 before Enter
  const { setCenter, getZoom } = useReactFlow();

  const matches = useMemo(() => {
    const wanted = query.trim().toLowerCase();
    if (!wanted) return [];
    return nodes.filter((node) => node.id.toLowerCase().includes(wanted) || titleOf(node).toLowerCase().includes(wanted));
  }, [nodes, query]);

  const go = (step: number) => {
    if (matches.length === 0) return;
    const next = (current + step + matches.length) % matches.length;
    const node = matches[next];
    setCurrent(next);
    useEditor.getState().selectNode(node.id);
    const width = node.measured?.width ?? 220;
    const height = node.measured?.height ?? 90;
    void setCenter(node.position.x + width / 2, node.position.y + height / 2, { zoom: Math.max(getZoom(), 1) });
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === "Enter") {
      event.preventDefault();
      go(event.shiftKey ? -1 : 1);
    } else if (event.key === "Escape") {
      setQuery("");
      setCurrent(-1);
    }
  };

  return (
    <div className="node-search">
      <input
        type="search"
        data-testid="node-search"
        placeholder={t("canvas2.search")}
        aria-label={t("canvas2.search")}
        title={t("canvas2.searchHint")}
        value={query}
        onChange={(event) => {
          setQuery(event.target.value);
          setCurrent(-1);
        }}
        onKeyDown={onKeyDown}
      />
      {/* Always there, empty without a query, so the toolbar keeps its width. */}
      <span className="node-search-count" data-testid="node-search-count" aria-live="polite">
        {!query.trim()
          ? ""
          : matches.length === 0
            ? t("canvas2.noMatch")
            : t("canvas2.matches", { n: Math.max(current + 1, 1), m: matches.length })}
      </span>
    </div>
  );
}
