import { useTranslation } from "react-i18next";
import type { RunRecord } from "../runApi";
import { formatClock, formatSeconds } from "../runFormat";
import { useRunWatch } from "../runs";
import { StateDot } from "./RunLegend";

/** This pipeline's runs, newest first; choosing one watches it (a finished one is shown as it ended). */
export function RunHistory() {
  const { t } = useTranslation();
  const history = useRunWatch((s) => s.history);
  const live = useRunWatch((s) => s.run); // the watched run's entry follows its events

  return (
    <nav className="run-history" aria-label={t("runpane.history")}>
      <h3>{t("runpane.history")}</h3>
      {history.length === 0 && <p className="pane-empty">{t("runpane.noHistory")}</p>}
      <ol data-testid="run-history">
        {history.map((listed) => (
          <li key={listed.run_id}>
            <HistoryEntry run={live?.run_id === listed.run_id ? live : listed} watched={live?.run_id === listed.run_id} />
          </li>
        ))}
      </ol>
    </nav>
  );
}

function HistoryEntry({ run, watched }: { run: RunRecord; watched: boolean }) {
  const { t, i18n } = useTranslation();
  const watch = useRunWatch((s) => s.watch);
  return (
    <button
      type="button"
      data-testid="history-run"
      data-run={run.run_id}
      data-state={run.state}
      aria-current={watched ? "true" : undefined}
      title={run.run_id}
      onClick={() => void watch(run.run_id)}
    >
      <StateDot state={run.state} />
      <span className="history-time">{formatClock(run.created, i18n.language)}</span>
      <span className="history-state">{t(`runpane.state.${run.state}`)}</span>
      {run.seconds != null && <span className="history-seconds">{formatSeconds(run.seconds)}</span>}
      {run.from_node && <span className="history-rerun">{t("runpane.rerunOf", { node: run.from_node })}</span>}
    </button>
  );
}
