import { useEffect, useMemo, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { FINAL_RUN_STATES, startRun, type RunRecord } from "../runApi";
import { formatSeconds } from "../runFormat";
import type { NodeRunState } from "../runs";
import { useFollowedRun } from "../templateRunWatch";
import { readTemplateRef, type TemplateDetail } from "../templatesApi";
import { RunLegend, StateDot } from "./RunLegend";
import { stepTitle } from "./PipelinePicture";
import { useElapsed } from "./RunSummary";
import { TemplateResults } from "./TemplateResults";
import { TemplateRunPicture } from "./TemplateRunPicture";
import "./TemplateRun.css";

// "n of m steps done" counts the steps that did their work (a skipped one had none to do), not those that failed.
const DONE: ReadonlySet<NodeRunState> = new Set(["success", "skipped"]);
// How much of a failed step's log the page shows: its end says why.
const LOG_LINES = 12;

interface Props {
  runId: string;
  pipeline: string;
  template: string; // name@version the pipeline was made from (or a name: the newest version)
  onBack: () => void;
  onOpenPipeline: () => void;
  onRunStarted: (runId: string) => void;
}

function useTemplateDetail(ref: string, lang: string): { detail: TemplateDetail | null; error: string | null } {
  const [answer, setAnswer] = useState<{ detail: TemplateDetail | null; error: string | null }>({ detail: null, error: null });
  useEffect(() => {
    let current = true;
    readTemplateRef(ref, lang).then(
      (detail) => current && setAnswer({ detail, error: null }),
      (failure: unknown) => current && setAnswer({ detail: null, error: failure instanceof Error ? failure.message : String(failure) }),
    );
    return () => {
      current = false;
    };
  }, [ref, lang]);
  return answer;
}

/** A template's run: the pipeline as a picture coloured by each step's state, progress, stop, why it failed,
 * and once finished its results. */
export function TemplateRun({ runId, pipeline, template, onBack, onOpenPipeline, onRunStarted }: Props) {
  const { t, i18n } = useTranslation();
  const { detail, error: detailError } = useTemplateDetail(template, i18n.language);
  const { run, nodeStates, error, stop } = useFollowedRun(runId);
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<string | null>(null);
  // Steps named in the UI's language, as the gallery's picture names them.
  const preview = useMemo(
    () => detail && { ...detail.preview, nodes: detail.preview.nodes.map((node) => ({ ...node, title: stepTitle(node, i18n.language, t) })) },
    [detail, i18n.language, t],
  );
  const titles = useMemo(() => Object.fromEntries((preview?.nodes ?? []).map((node) => [node.id, node.title])), [preview]);
  const order = useMemo(() => (detail?.preview.nodes ?? []).map((node) => node.id), [detail]);
  const finished = run !== null && FINAL_RUN_STATES.has(run.state);
  const heading = useRef<HTMLHeadingElement>(null);
  // The button that led here is gone: the keyboard starts again from the page's title.
  useEffect(() => heading.current?.focus(), []);

  const runAgain = async () => {
    setBusy(true);
    setActionError(null);
    try {
      onRunStarted(await startRun(pipeline, {}));
    } catch (failure) {
      setActionError(failure instanceof Error ? failure.message : String(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="template-run" data-testid="template-run" data-run={runId} data-pipeline={pipeline} data-state={run?.state}>
      <h2 ref={heading} tabIndex={-1}>
        {detail?.title ?? template}
      </h2>
      <p className="dialog-hint">
        {t("templateRuns.runOf")} <span className="mono">{pipeline}</span>
      </p>
      {/* Empty boxes of the same size until the run and the template are read: nothing jumps when they are. */}
      {run ? <Progress run={run} states={nodeStates} finished={finished} onStop={stop} /> : <div className="template-progress" />}
      {preview ? <TemplateRunPicture preview={preview} states={nodeStates} /> : <div className="template-picture" />}
      <RunLegend />
      {[error, detailError, actionError].filter(Boolean).map((message) => (
        <p key={message} className="dialog-error" role="alert">
          {message}
        </p>
      ))}
      {run && finished && <Failure run={run} titles={titles} />}
      {run && finished && <TemplateResults run={run} titles={titles} order={order} />}
      <div className="dialog-actions">
        <button type="button" data-testid="template-run-back" onClick={onBack}>
          {t("templateRuns.back")}
        </button>
        <button type="button" data-testid="template-run-again" disabled={!finished || busy} onClick={() => void runAgain()}>
          {t("templateRuns.runAgain")}
        </button>
        <button type="button" className="primary" data-testid="template-open-pipeline" onClick={onOpenPipeline}>
          {t("templateRuns.openPipeline")}
        </button>
      </div>
    </div>
  );
}

/** The run's state, "n of m steps done", the time it has taken, and Stop while it runs. */
function Progress({ run, states, finished, onStop }: { run: RunRecord; states: Record<string, NodeRunState>; finished: boolean; onStop: () => Promise<void> }) {
  const { t } = useTranslation();
  const seconds = useElapsed(run, finished);
  const [stopping, setStopping] = useState(false);
  const steps = Object.keys(run.nodes);
  const done = steps.filter((node) => states[node] && DONE.has(states[node])).length;
  return (
    <div className="template-progress" data-testid="template-progress">
      <span className="template-run-state" data-testid="template-run-state" data-state={run.state}>
        <StateDot state={run.state} />
        {t(`runpane.state.${run.state}`)}
      </span>
      <span data-testid="template-steps-done" data-done={done} data-steps={steps.length}>
        {t("templateRuns.stepsDone", { done, count: steps.length })}
      </span>
      {seconds != null && (
        <span className="template-elapsed" data-testid="template-elapsed">
          {formatSeconds(seconds)}
        </span>
      )}
      {!finished && (
        <button
          type="button"
          data-testid="template-run-stop"
          disabled={stopping}
          onClick={() => {
            setStopping(true);
            void onStop().finally(() => setStopping(false));
          }}
        >
          ■ {t("templateRuns.stop")}
        </button>
      )}
    </div>
  );
}

/** A step's error as a person reads it: the step is named above it and its log shown below, so the runner's
 * "node 'x' (component@1.0.0) failed ...:" lead, the log's path and the log copied into the error go. */
function plainError(error: string): string {
  const cause = error.split("\n--- last lines")[0].split("; log: ")[0];
  return cause.replace(/^node '[^']+' \([^)]*\) failed[^:]*: /, "");
}

/** Why a finished run did not succeed: each failed step's title, its error, and the end of its log. */
function Failure({ run, titles }: { run: RunRecord; titles: Record<string, string> }) {
  const { t } = useTranslation();
  const failed = Object.entries(run.nodes).filter(([, record]) => record.state === "failed");
  if (run.state === "success") return null;
  if (failed.length === 0) {
    return (
      <p className="dialog-error" role="alert" data-testid="template-run-failure">
        {run.state === "stopped" ? t("templateRuns.stopped") : (run.error ?? t("templateRuns.failed"))}
      </p>
    );
  }
  return (
    <div className="template-failure" role="alert" data-testid="template-run-failure">
      {failed.map(([node, record]) => (
        <section key={node} data-node={node}>
          <h3>{t("templateRuns.stepFailed", { step: titles[node] ?? node })}</h3>
          <p data-testid="template-step-error">{record.error ? plainError(record.error) : t("templateRuns.failed")}</p>
          {record.log_tail && (
            <>
              <h4>{t("templateRuns.lastLog")}</h4>
              <pre data-testid="template-step-log">{record.log_tail.trimEnd().split("\n").slice(-LOG_LINES).join("\n")}</pre>
            </>
          )}
        </section>
      ))}
    </div>
  );
}
