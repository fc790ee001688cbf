import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { listRuns, startRun, type RunRecord } from "../runApi";
import { formatSeconds } from "../runFormat";
import { listMadePipelines, type MadePipeline } from "../templatesApi";
import { StateDot } from "./RunLegend";
import "./MyTemplateRuns.css";

// The newest runs each pipeline lists; older ones stay in the editor's run history.
const SHOWN_RUNS = 5;

type Listed = MadePipeline & { runs: RunRecord[] };

interface Props {
  titles: Record<string, string>; // template name -> its title in the UI's language
  onOpenRun: (runId: string, pipeline: string, template: string) => void;
}

/** When a run started (or was asked for), with its date: runs of other days are listed too. */
function startedAt(run: RunRecord, language: string): string {
  const locale = language === "zh" ? "zh-CN" : "en-GB";
  return new Date((run.started ?? run.created) * 1000).toLocaleString(locale, { dateStyle: "medium", timeStyle: "short" });
}

/** "My pipelines": the workspace's pipelines made from templates, each with its newest runs and "Run again". */
export function MyTemplateRuns({ titles, onOpenRun }: Props) {
  const { t } = useTranslation();
  const [listed, setListed] = useState<Listed[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let current = true;
    listMadePipelines()
      .then((pipelines) => Promise.all(pipelines.map(async (pipeline) => ({ ...pipeline, runs: await listRuns(pipeline.id) }))))
      .then(
        (answer) => current && setListed(answer),
        (failure: unknown) => current && setError(failure instanceof Error ? failure.message : String(failure)),
      );
    return () => {
      current = false;
    };
  }, []);

  if (error)
    return (
      <p className="dialog-error" role="alert">
        {error}
      </p>
    );
  if (listed === null) return <p className="dialog-hint">{t("templates.loading")}</p>;
  if (listed.length === 0) return <p className="dialog-hint">{t("templateRuns.noPipelines")}</p>;
  return (
    <ul className="my-pipelines" data-testid="my-pipelines">
      {listed.map((pipeline) => (
        <li key={pipeline.id}>
          <MadePipelineRuns pipeline={pipeline} title={titles[pipeline.template.split("@")[0]]} onOpenRun={onOpenRun} />
        </li>
      ))}
    </ul>
  );
}

function MadePipelineRuns({ pipeline, title, onOpenRun }: { pipeline: Listed; title: string | undefined; onOpenRun: Props["onOpenRun"] }) {
  const { t, i18n } = useTranslation();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const open = (runId: string) => onOpenRun(runId, pipeline.id, pipeline.template);

  const runAgain = async () => {
    setBusy(true);
    setError(null);
    try {
      open(await startRun(pipeline.id, {}));
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
      setBusy(false);
    }
  };

  return (
    <section className="my-pipeline" data-testid="my-pipeline" data-pipeline={pipeline.id} data-template={pipeline.template}>
      <header>
        <strong>{title ?? pipeline.template}</strong>
        <span className="mono">{pipeline.id}</span>
        <button type="button" data-testid="my-run-again" disabled={busy} onClick={() => void runAgain()}>
          ▶ {t("templateRuns.runAgain")}
        </button>
      </header>
      {error && (
        <p className="dialog-error" role="alert">
          {error}
        </p>
      )}
      {pipeline.runs.length === 0 ? (
        <p className="dialog-hint">{t("templateRuns.notRunYet")}</p>
      ) : (
        <ol className="my-runs" aria-label={t("templateRuns.runsOf", { pipeline: pipeline.id })}>
          {pipeline.runs.slice(0, SHOWN_RUNS).map((run) => (
            <li key={run.run_id}>
              <button type="button" data-testid="my-run" data-run={run.run_id} data-state={run.state} title={run.run_id} onClick={() => open(run.run_id)}>
                <StateDot state={run.state} />
                <span className="my-run-state">{t(`runpane.state.${run.state}`)}</span>
                <span className="my-run-time">{startedAt(run, i18n.language)}</span>
                <span className="my-run-seconds">{run.seconds != null ? formatSeconds(run.seconds) : ""}</span>
              </button>
            </li>
          ))}
          {pipeline.runs.length > SHOWN_RUNS && (
            <li className="dialog-hint">{t("templateRuns.olderRuns", { count: pipeline.runs.length - SHOWN_RUNS })}</li>
          )}
        </ol>
      )}
    </section>
  );
}
