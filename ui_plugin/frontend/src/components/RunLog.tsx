import { useEffect, useMemo, useRef } from "react";
import { useTranslation } from "react-i18next";
import type { NodeRecord } from "../runApi";
import { formatClock } from "../runFormat";
import { useRunWatch } from "../runs";

interface Props {
  node: string | null; // null: the whole run's log
  record: NodeRecord | null; // the node's record, when a node is chosen
}

/** The run's log, live: its state changes and every line its nodes print; or one node's part of it. */
export function RunLog({ node, record }: Props) {
  const { t, i18n } = useTranslation();
  const all = useRunWatch((s) => s.lines);
  const lines = useMemo(() => (node ? all.filter((line) => line.node === node) : all), [all, node]);
  const box = useRef<HTMLOListElement>(null);
  const pinned = useRef(true); // follow new lines while the reader is at the bottom

  useEffect(() => {
    const element = box.current;
    if (element && pinned.current) element.scrollTop = element.scrollHeight;
  }, [lines]);

  // A node whose lines did not come as events (they are in its record) still shows its log's end.
  const tail = node && record?.log_tail && !lines.some((line) => line.kind === "log") ? record.log_tail : null;
  return (
    <div className="run-log-box">
      {record?.error && (
        <pre className="run-error" data-testid="node-error">
          {record.error}
        </pre>
      )}
      <ol
        ref={box}
        className="run-log"
        data-testid={node ? "node-log" : "run-log"}
        tabIndex={0}
        aria-label={node ? t("runpane.nodeLog", { node }) : t("runpane.runLog")}
        onScroll={(event) => {
          const element = event.currentTarget;
          pinned.current = element.scrollHeight - element.scrollTop - element.clientHeight < 24;
        }}
      >
        {lines.map((line) => (
          <li key={line.id} className={`log-kind-${line.kind}`}>
            <span className="log-time">{line.time ? formatClock(line.time, i18n.language) : ""}</span>
            {!node && line.node && <span className="log-node">{line.node}</span>}
            <span className="log-text">
              {line.state === null ? line.text : [`● ${t(`runpane.state.${line.state}`, { defaultValue: line.state })}`, line.text].filter(Boolean).join(" · ")}
            </span>
          </li>
        ))}
        {tail && <li className="log-kind-log"><span className="log-text">{tail}</span></li>}
      </ol>
    </div>
  );
}
