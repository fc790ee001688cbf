import { useTranslation } from "react-i18next";
import type { RunRecord } from "../runApi";
import { formatClock, formatSeconds } from "../runFormat";
import { useRunWatch } from "../runs";
import { StateDot } from "./RunLegend";

/** This pipeline's runs, newest first; choosing one watches it (a finished one is shown as it ended). */
export function RunHistory() {
  const { t, i18n } = useTranslation();
  const history = useRunWatch((s) => s.history);
  const watched = useRunWatch((s) => s.runId);
  const watch = useRunWatch((s) => s.watch);

  return (
    <nav className="run-history" aria-label={t("runpane.history")}>
      <h3>{t("runpane.history")}</h3>
      {history.length === 0 && <p className="pane-empty">{t("runpane.noHistory")}</p>}
      <ol data-testid="run-history">
        {history.map((run: RunRecord) => (
          <li key={run.run_id}>
            <button
              type="button"
              data-testid="history-run"
              data-run={run.run_id}
              data-state={run.state}
              aria-current={run.run_id === watched ? "true" : undefined}
              title={run.run_id}
              onClick={() => void watch(run.run_id)}
            >
              <StateDot state={run.state} />
              <span className="history-time">{formatClock(run.created, i18n.language)}</span>
              <span className="history-state">{t(`runpane.state.${run.state}`)}</span>
              {run.seconds != null && <span className="history-seconds">{formatSeconds(run.seconds)}</span>}
              {run.from_node && <span className="history-rerun">{t("runpane.rerunOf", { node: run.from_node })}</span>}
            </button>
          </li>
        ))}
      </ol>
    </nav>
  );
}
