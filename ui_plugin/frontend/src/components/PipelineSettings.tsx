import { lazy, Suspense, useRef, useState } from "react";
import { createPortal } from "react-dom";
import { useTranslation } from "react-i18next";
import { Loading } from "../inspector/Pending";
import { ProblemNotes } from "../inspector/ProblemNotes";
import { useFocusField } from "../inspector/useFocusField";
import { useEditor } from "../store";
import { fieldOf, useProblemsOf } from "../validation";
import "./Inspector.css";
import { PublishTemplateDialog } from "./PublishTemplateDialog";

// rjsf and Ajv load apart from the canvas (see Inspector).
const SettingsForm = lazy(() => import("../inspector/SettingsForm"));

/** The open pipeline's own fields, generated from GET /api/schema/pipeline: new spec fields appear by themselves. */
export function PipelineSettings() {
  const { t } = useTranslation();
  const settings = useEditor((s) => s.settings);
  const problems = useProblemsOf(null);
  const panel = useRef<HTMLDivElement>(null);
  useFocusField(panel, null);
  const [publishing, setPublishing] = useState(false);
  if (!settings) return null;
  // Problems of the document as a whole have no field to sit by.
  const general = problems.filter((p) => fieldOf(p) === null);
  return (
    <div className="pipeline-settings inspector" data-testid="pipeline-settings" ref={panel}>
      <h2>{t("panels.pipeline")}</h2>
      <button type="button" className="publish-open" data-testid="publish-template" onClick={() => setPublishing(true)}>
        {t("publish.button")}
      </button>
      {/* On <body>: the panel's form styles must not reach the dialog. */}
      {publishing && createPortal(<PublishTemplateDialog onClose={() => setPublishing(false)} />, document.body)}
      <ProblemNotes problems={general} />
      <Suspense fallback={<Loading />}>
        <SettingsForm settings={settings} />
      </Suspense>
    </div>
  );
}
