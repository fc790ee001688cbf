import { useEffect, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import * as api from "../api";
import { SchemaForm } from "../inspector/SchemaForm";
import { useAnyUpload } from "../datasets/shown";
import { isIdentifier } from "../spec";
import { useEditor } from "../store";
import { fieldProblems, instantiateTemplate, readTemplate, type TemplateDetail } from "../templatesApi";
import type { Problem } from "../validation";
import { datasetWidgets } from "./datasetWidgets";
import { PipelinePicture } from "./PipelinePicture";
import { ScheduleTemplate } from "./ScheduleTemplate";

interface Props {
  name: string;
  onBack: () => void;
  onDone: () => void;
  mayLeave: () => boolean;
  /** "Run now": the pipeline is saved; start it and show its run (a failure shows above the buttons). */
  onRun: (id: string) => Promise<void>;
}

/** A free pipeline id for a template: its name with the first unused `_1`, `_2`... */
export function freePipelineId(name: string, taken: Set<string>): string {
  const base = name.slice(0, 56);
  for (let n = 1; ; n++) if (!taken.has(`${base}_${n}`)) return `${base}_${n}`;
}

// The server's plain-words problems, shaped as the form's field notes expect (path `$.<field>`).
function asProblems(problems: { field: string; message: string }[]): Problem[] {
  return problems.map((p) => ({ code: "form", path: `$.${p.field}`, message: p.message, hint: "", node: null, field: null, severity: "error" }));
}

/** One template's form: the new pipeline's id and the template's fields; "Create" saves and opens the pipeline. */
export function TemplateForm({ name, onBack, onDone, mayLeave, onRun }: Props) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const pipelines = useEditor((s) => s.pipelines);
  const taken = new Set(pipelines.map((p) => p.id));
  const [detail, setDetail] = useState<TemplateDetail | null>(null);
  const [values, setValues] = useState<unknown>({});
  const [id, setId] = useState(() => freePipelineId(name, taken));
  const [problems, setProblems] = useState<Problem[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const widgets = useMemo(() => (detail ? datasetWidgets(detail.form) : {}), [detail]);
  const uploading = useAnyUpload(); // a pipeline made now would take the data chosen before the upload
  const [scheduling, setScheduling] = useState(false);

  useEffect(() => {
    let current = true;
    readTemplate(name, lang)
      .then((answer) => current && setDetail(answer))
      .catch((failure: unknown) => current && setError(failure instanceof Error ? failure.message : String(failure)));
    return () => {
      current = false;
    };
  }, [name, lang]);

  const create = async (run = false) => {
    if (!run && !mayLeave()) return; // a run leaves the canvas as it is
    setBusy(true);
    setError(null);
    try {
      await instantiateTemplate(name, id, values, lang);
      setProblems([]);
      useEditor.setState({ pipelines: await api.listPipelines() });
      if (run) return await onRun(id);
      await useEditor.getState().openPipeline(id);
      onDone();
    } catch (failure) {
      const wrong = fieldProblems(failure);
      setProblems(asProblems(wrong));
      // Problems with a field sit by it; anything else (a taken id) shows above the button.
      if (wrong.length === 0) setError(failure instanceof Error ? failure.message : String(failure));
    } finally {
      setBusy(false);
    }
  };

  const idProblem = !isIdentifier(id) ? t("templates.badId") : taken.has(id) ? t("templates.taken") : null;
  if (scheduling) return <ScheduleTemplate name={name} id={id} values={values} onBack={() => setScheduling(false)} onDone={onDone} />;

  return (
    // A div, not a form: rjsf draws its own <form> inside, and forms do not nest.
    <div className="template-form" data-testid="template-form" data-template={name}>
      <h2>{detail?.title ?? name}</h2>
      {detail && <p className="dialog-hint">{detail.description}</p>}
      {detail && (
        <div data-testid="template-preview">
          <PipelinePicture preview={detail.preview} />
        </div>
      )}
      <label className="template-id">
        {t("templates.pipelineId")}
        <input autoFocus data-testid="template-pipeline-id" className="mono" value={id} onChange={(event) => setId(event.target.value)} />
      </label>
      {idProblem && (
        <span className="dialog-hint" role="alert" data-testid="template-id-problem">
          {idProblem}
        </span>
      )}
      {detail && (
        <div className="template-fields inspector" data-testid="template-fields">
          <SchemaForm
            idPrefix="template"
            schema={detail.form}
            uiSchema={widgets}
            formData={values}
            context={{ prefix: "", problems }}
            fillDefaults
            onEdit={setValues}
          />
        </div>
      )}
      {error && (
        <p className="dialog-error" role="alert" data-testid="template-error">
          {error}
        </p>
      )}
      <div className="dialog-actions">
        <button type="button" data-testid="template-back" onClick={onBack}>
          {t("templates.back")}
        </button>
        <button type="button" data-testid="template-schedule" onClick={() => setScheduling(true)} disabled={!detail || uploading || idProblem !== null}>
          {t("schedule.button")}
        </button>
        <button type="button" data-testid="template-run-now" onClick={() => void create(true)} disabled={!detail || busy || uploading || idProblem !== null}>
          ▶ {t("templateRuns.runNow")}
        </button>
        <button type="button" className="primary" data-testid="template-create" onClick={() => void create()} disabled={!detail || busy || uploading || idProblem !== null}>
          {t("templates.create")}
        </button>
      </div>
    </div>
  );
}
