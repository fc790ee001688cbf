// The pipeline's settings as a form over the pipeline schema; schedule and params have their own fields.
import type { RJSFSchema, UiSchema } from "@rjsf/utils";
import { useMemo } from "react";
import type { PipelineDocument } from "../api";
import { useEditor } from "../store";
import { useProblemsOf } from "../validation";
import { compact, fieldOrder, formRoot, mergeUi, sameJson, specFieldUi } from "./formSchema";
import { useSpecTitle } from "./specTitles";
import { ParamsEditor } from "./ParamsEditor";
import { SchemaPending } from "./Pending";
import { ScheduleField } from "./ScheduleField";
import { SchemaForm } from "./SchemaForm";
import { usePipelineSchema } from "./schemas";

// The canvas edits these; `$schema` and `schema_version` describe the file, not the pipeline.
const NOT_SETTINGS = ["nodes", "edges", "editor", "$schema", "schema_version"];
const FIELDS = { schedule: ScheduleField, pipelineParams: ParamsEditor };

export default function SettingsForm({ settings }: { settings: PipelineDocument }) {
  const updateSettings = useEditor((s) => s.updateSettings);
  const title = useSpecTitle();
  const problems = useProblemsOf(null);
  const pipeline = usePipelineSchema();
  const schema = useMemo(() => (pipeline.value ? formRoot(pipeline.value, NOT_SETTINGS) : null), [pipeline.value]);
  const uiSchema = useMemo<UiSchema>(
    () =>
      mergeUi(schema ? specFieldUi(schema, schema, title) : {}, {
        "ui:order": schema ? fieldOrder(schema, ["id", "title", "description", "tags", "schedule", "*", "params"]) : ["*"],
        id: { "ui:readonly": true },
        // Where the pipeline came from: set by instantiating a template, never typed.
        template: { "ui:readonly": true },
        description: { "ui:widget": "textarea" },
        schedule: { "ui:field": "schedule" },
        params: { "ui:field": "pipelineParams" },
      }),
    [schema, title],
  );
  if (!schema) return <SchemaPending error={pipeline.error} />;
  const formData = Object.fromEntries(Object.entries(settings).filter(([key]) => !NOT_SETTINGS.includes(key)));

  const onEdit = (data: unknown) => {
    // Params are JSON Schemas written as they are (a null default or enum member means something there).
    const { params, ...rest } = data as Record<string, unknown>;
    const next = compact(rest) as Record<string, unknown>;
    if (params !== undefined && Object.keys(params as object).length > 0) next.params = params;
    // A field emptied in the form leaves the document: the store patches, so say it is gone.
    const patch: Record<string, unknown> = { ...next };
    for (const key of Object.keys(formData)) if (!(key in next) && key !== "id") patch[key] = undefined;
    if (!sameJson({ ...formData, ...patch }, formData)) updateSettings(patch);
  };

  return (
    <SchemaForm
      idPrefix="pipeline"
      schema={schema as RJSFSchema}
      uiSchema={uiSchema}
      formData={formData}
      context={{ prefix: "", problems }}
      fields={FIELDS}
      onEdit={onEdit}
    />
  );
}
