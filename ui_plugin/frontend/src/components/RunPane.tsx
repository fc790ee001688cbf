import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import type { RunRecord } from "../runApi";
import { useRunWatch } from "../runs";
import { useEditor } from "../store";
import { OutputPreview } from "./OutputPreview";
import { RunHistory } from "./RunHistory";
import { RunLegend } from "./RunLegend";
import { RunLog } from "./RunLog";
import { RunSummary } from "./RunSummary";
import "./RunPane.css";

type NodeView = "output" | "log";

/** The run tab of the bottom pane: history, the watched run, its log, a node's log and outputs. */
export function RunPane() {
  const { t } = useTranslation();
  const run = useRunWatch((s) => s.run);
  const error = useRunWatch((s) => s.error);

  useEffect(() => {
    void useRunWatch.getState().loadHistory();
  }, []);

  return (
    <div className="run-pane" data-testid="run-pane">
      <div className="run-side">
        <RunHistory />
        <RunLegend />
      </div>
      <section className="run-main" aria-label={t("runpane.watched")}>
        {error && (
          <p className="run-error" role="alert" data-testid="run-error">
            {error}
          </p>
        )}
        {run ? <WatchedRun run={run} /> : <p className="pane-empty">{t("runpane.noRun")}</p>}
      </section>
    </div>
  );
}

/** One run: its summary, then the whole log, or a chosen node's output preview or log. */
function WatchedRun({ run }: { run: RunRecord }) {
  const { t } = useTranslation();
  const [picked, setPicked] = useState<string | null>(null);
  const [view, setView] = useState<NodeView>("output");
  const selected = useEditor((s) => {
    const chosen = s.nodes.filter((n) => n.selected);
    return chosen.length === 1 ? chosen[0].id : null;
  });
  const ports = useEditor((s) => s.nodes.find((n) => n.id === picked)?.data.info?.outputs.map((p) => p.name).join(" ") ?? "");

  // Selecting a node on the canvas shows its part of the run.
  const inRun = selected !== null && selected in run.nodes;
  useEffect(() => {
    if (inRun) setPicked(selected);
  }, [inRun, selected]);

  const node = picked && picked in run.nodes ? picked : null;
  const record = node ? run.nodes[node] : null;
  const succeeded = record?.state === "success"; // only a node that succeeded has outputs to show
  const shown: NodeView = succeeded ? view : "log";
  return (
    <>
      <RunSummary run={run} />
      <div className="run-toolbar">
        <label className="run-node-picker">
          {t("runpane.show")}
          <select data-testid="node-picker" value={node ?? ""} onChange={(event) => setPicked(event.target.value || null)}>
            <option value="">{t("runpane.runLog")}</option>
            {Object.entries(run.nodes).map(([id, entry]) => (
              <option key={id} value={id}>
                {`${id} — ${t(`runpane.state.${entry.state}`, { defaultValue: entry.state })}`}
              </option>
            ))}
          </select>
        </label>
        {succeeded && (
          <div className="run-views" role="group" aria-label={t("runpane.show")}>
            {(["output", "log"] as const).map((name) => (
              <button type="button" key={name} data-testid={`node-view-${name}`} aria-pressed={shown === name} onClick={() => setView(name)}>
                {t(`runpane.view.${name}`)}
              </button>
            ))}
          </div>
        )}
        {!node && <span className="run-node-hint">{t("runpane.pickNode")}</span>}
      </div>
      {node && record && shown === "output" ? (
        <OutputPreview runId={run.run_id} node={node} record={record} ports={ports ? ports.split(" ") : []} />
      ) : (
        <RunLog node={node} record={record} />
      )}
    </>
  );
}
