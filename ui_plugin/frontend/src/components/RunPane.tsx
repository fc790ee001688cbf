import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { useRunWatch } from "../runs";
import { useEditor } from "../store";
import { OutputPreview } from "./OutputPreview";
import { RunHistory } from "./RunHistory";
import { RunLegend } from "./RunLegend";
import { RunLog } from "./RunLog";
import { RunSummary } from "./RunSummary";
import "./RunPane.css";

/** The run tab of the bottom pane: history, the watched run, its log, a node's log and outputs. */
export function RunPane() {
  const { t } = useTranslation();
  const run = useRunWatch((s) => s.run);
  const error = useRunWatch((s) => s.error);
  const [picked, setPicked] = useState<string | null>(null);
  const selected = useEditor((s) => {
    const chosen = s.nodes.filter((n) => n.selected);
    return chosen.length === 1 ? chosen[0].id : null;
  });
  const ports = useEditor((s) => s.nodes.find((n) => n.id === picked)?.data.info?.outputs.map((p) => p.name).join(" ") ?? "");

  useEffect(() => {
    void useRunWatch.getState().loadHistory();
  }, []);

  // Selecting a node on the canvas shows its part of the run.
  const inRun = selected !== null && run !== null && selected in run.nodes;
  useEffect(() => {
    if (inRun) setPicked(selected);
  }, [inRun, selected]);

  const node = picked && run && picked in run.nodes ? picked : null;
  const record = node && run ? run.nodes[node] : null;
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
        {!run ? (
          <p className="pane-empty">{t("runpane.noRun")}</p>
        ) : (
          <>
            <RunSummary run={run} />
            <div className="run-body">
              <div className="run-column">
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
                <RunLog node={node} record={record} />
              </div>
              <div className="run-column">
                {node && record ? (
                  <OutputPreview runId={run.run_id} node={node} record={record} ports={ports ? ports.split(" ") : []} />
                ) : (
                  <p className="pane-empty">{t("runpane.pickNode")}</p>
                )}
              </div>
            </div>
          </>
        )}
      </section>
    </div>
  );
}
