import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { FINAL_RUN_STATES, rerun, stopRun, type RunRecord } from "../runApi";
import { formatSeconds } from "../runFormat";
import { useRunWatch } from "../runs";
import { fromFlow } from "../spec";
import { useEditor } from "../store";
import { StateDot } from "./RunLegend";

/** The watched run's state and duration, stop while it runs, rerun from each node that failed. */
export function RunSummary({ run }: { run: RunRecord }) {
  const { t } = useTranslation();
  const finished = FINAL_RUN_STATES.has(run.state);
  const seconds = useElapsed(run, finished);
  const [busy, setBusy] = useState(false);
  const failedNodes = Object.entries(run.nodes).filter(([, record]) => record.state === "failed").map(([node]) => node);

  const act = async (action: () => Promise<unknown>) => {
    setBusy(true);
    useRunWatch.getState().setError(null);
    try {
      await action();
    } catch (error) {
      useRunWatch.getState().setError(error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="run-summary" data-testid="run-summary" data-run={run.run_id}>
      <span className="run-state" data-testid="run-state" data-state={run.state} title={run.run_id}>
        <StateDot state={run.state} />
        {t(`runpane.state.${run.state}`)}
      </span>
      {seconds != null && (
        <span className="run-duration" data-testid="run-duration">
          {formatSeconds(seconds)}
        </span>
      )}
      {run.from_node && <span className="run-rerun-of">{t("runpane.rerunOf", { node: run.from_node })}</span>}
      {!finished && (
        <button type="button" data-testid="run-stop" disabled={busy} onClick={() => void act(() => stopRun(run.run_id))}>
          ■ {t("runpane.stop")}
        </button>
      )}
      {finished &&
        failedNodes.map((node) => (
          <button type="button" key={node} data-testid="run-rerun" data-node={node} disabled={busy} onClick={() => void act(() => rerunFrom(run.run_id, node))}>
            ↻ {t("runpane.rerunFrom", { node })}
          </button>
        ))}
    </div>
  );
}

/** Save unsaved changes, then run `node` and what is downstream of it again, with the pipeline as it is now. */
async function rerunFrom(runId: string, node: string): Promise<void> {
  if (useEditor.getState().dirty) {
    await useEditor.getState().save();
    if (useEditor.getState().dirty) return; // not saved: the status line says why
  }
  const { settings, nodes, edges } = useEditor.getState();
  if (!settings) return;
  const next = await rerun(runId, node, fromFlow(settings, nodes, edges));
  await useRunWatch.getState().watch(next);
  await useRunWatch.getState().loadHistory();
}

/** The run's duration: as recorded once it ended, counting up each second while it runs. */
export function useElapsed(run: RunRecord, finished: boolean): number | null {
  const [now, setNow] = useState(() => Date.now() / 1000);
  useEffect(() => {
    if (finished) return;
    const timer = window.setInterval(() => setNow(Date.now() / 1000), 1000);
    return () => window.clearInterval(timer);
  }, [finished]);
  if (run.seconds != null) return run.seconds;
  if (!run.started) return null;
  return Math.max(0, (finished && run.ended ? run.ended : now) - run.started);
}
