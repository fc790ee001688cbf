import type { RJSFSchema } from "@rjsf/utils";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { startRun } from "../runApi";
import { useRunWatch } from "../runs";
import { useEditor } from "../store";
import { useUi } from "../ui";
import { useValidation } from "../validation";
import { RunDialog } from "./RunDialog";
import "./RunControls.css";

/** The top bar's run button: saves first, asks for the param values, starts the run and watches it. */
export function RunControls() {
  const { t } = useTranslation();
  const open = useEditor((s) => s.open);
  const params = useEditor((s) => s.settings?.params) as Record<string, RJSFSchema> | undefined;
  const errors = useValidation((s) => s.problems.reduce((n, p) => (p.severity === "error" ? n + 1 : n), 0));
  const [asking, setAsking] = useState(false);
  const [starting, setStarting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const blocked = errors > 0;
  const why = blocked ? t("runpane.blocked", { count: errors }) : t("runpane.runHint");

  const ask = async () => {
    const editor = useEditor.getState();
    if (editor.dirty) {
      await editor.save();
      if (useEditor.getState().dirty) return; // not saved: the status line says why
    }
    setError(null);
    setAsking(true);
  };

  const start = async (values: Record<string, unknown>) => {
    const pipeline = useEditor.getState().open?.document.id;
    if (!pipeline) return;
    setStarting(true);
    try {
      const runId = await startRun(pipeline, values);
      setAsking(false);
      useUi.getState().showBottom("run");
      await useRunWatch.getState().watch(runId);
      void useRunWatch.getState().loadHistory();
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
    } finally {
      setStarting(false);
    }
  };

  return (
    <span className="run-controls" title={why}>
      <button
        type="button"
        data-testid="run"
        disabled={!open || blocked}
        aria-describedby={blocked ? "run-blocked" : undefined}
        onClick={() => void ask()}
      >
        ▶ {t("runpane.run")}
      </button>
      {open && blocked && (
        <span id="run-blocked" className="run-blocked" data-testid="run-blocked">
          {why}
        </span>
      )}
      {asking && open && (
        <RunDialog
          pipeline={open.document.id}
          params={params ?? {}}
          starting={starting}
          error={error}
          onStart={(values) => void start(values)}
          onClose={() => setAsking(false)}
        />
      )}
    </span>
  );
}
