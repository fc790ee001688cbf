import type { RJSFSchema, UiSchema } from "@rjsf/utils";
import { useMemo, useRef } from "react";
import { useTranslation } from "react-i18next";
import { compact, defaultPlaceholders, fieldOrder, formRoot, sameJson } from "../inspector/formSchema";
import { ParamsEditor } from "../inspector/ParamsEditor";
import { ProblemNotes } from "../inspector/ProblemNotes";
import { ScheduleField } from "../inspector/ScheduleField";
import { SchemaForm, SchemaPending } from "../inspector/SchemaForm";
import { usePipelineSchema } from "../inspector/schemas";
import { useFocusField } from "../inspector/useFocusField";
import { useEditor } from "../store";
import { fieldOf, useProblemsOf } from "../validation";
import "./Inspector.css";

// The canvas edits these; `$schema` and `schema_version` describe the file, not the pipeline.
const NOT_SETTINGS = ["nodes", "edges", "editor", "$schema", "schema_version"];
const FIELDS = { schedule: ScheduleField, pipelineParams: ParamsEditor };

/** The open pipeline's own fields, generated from GET /api/schema/pipeline: new spec fields appear by themselves. */
export function PipelineSettings() {
  const { t } = useTranslation();
  const settings = useEditor((s) => s.settings);
  const updateSettings = useEditor((s) => s.updateSettings);
  const problems = useProblemsOf(null);
  const pipeline = usePipelineSchema();
  const panel = useRef<HTMLDivElement>(null);
  useFocusField(panel, null);

  const schema = useMemo(() => (pipeline.value ? formRoot(pipeline.value, NOT_SETTINGS) : null), [pipeline.value]);
  const uiSchema = useMemo<UiSchema>(
    () => ({
      ...(schema ? defaultPlaceholders(schema, schema) : {}),
      "ui:order": schema ? fieldOrder(schema, ["id", "title", "description", "tags", "schedule", "*", "params"]) : ["*"],
      id: { "ui:readonly": true },
      description: { "ui:widget": "textarea" },
      schedule: { "ui:field": "schedule" },
      params: { "ui:field": "pipelineParams" },
    }),
    [schema],
  );
  if (!settings) return null;
  const formData = Object.fromEntries(Object.entries(settings).filter(([key]) => !NOT_SETTINGS.includes(key)));
  // Problems of the document as a whole have no field to sit by.
  const general = problems.filter((p) => fieldOf(p) === null);

  const onEdit = (data: unknown) => {
    const next = compact(data) as Record<string, unknown>;
    // A field emptied in the form leaves the document: the store patches, so say it is gone.
    const patch: Record<string, unknown> = { ...next };
    for (const key of Object.keys(formData)) if (!(key in next) && key !== "id") patch[key] = undefined;
    if (!sameJson({ ...formData, ...patch }, formData)) updateSettings(patch);
  };

  return (
    <div className="pipeline-settings inspector" data-testid="pipeline-settings" ref={panel}>
      <h2>{t("panels.pipeline")}</h2>
      <ProblemNotes problems={general} />
      {schema ? (
        <SchemaForm
          idPrefix="pipeline"
          schema={schema as RJSFSchema}
          uiSchema={uiSchema}
          formData={formData}
          context={{ prefix: "", problems }}
          fields={FIELDS}
          onEdit={onEdit}
        />
      ) : (
        <SchemaPending error={pipeline.error} />
      )}
    </div>
  );
}
