// The node's forms: its params from the component's schema, and its own settings from the spec's.
import type { RJSFSchema, UiSchema } from "@rjsf/utils";
import { useMemo } from "react";
import { useShallow } from "zustand/react/shallow";
import type { NodeSpec } from "../spec";
import { useEditor } from "../store";
import { useProblemsOf } from "../validation";
import { compact, fieldOrder, formRoot, mergeUi, sameJson, specFieldUi } from "./formSchema";
import { useSpecTitle } from "./specTitles";
import { OutputAssetsField } from "./OutputAssetsField";
import { SchemaPending } from "./Pending";
import { codeWidgets, SchemaForm, type FormContext } from "./SchemaForm";
import { useComponentDetail, usePipelineSchema, type JsonSchema } from "./schemas";

// What a node stores besides its params: the fields of NodeSpec in the pipeline schema.
const NOT_OVERRIDES = ["id", "component", "params"];
const OVERRIDE_FIELDS = { nodeAssets: OutputAssetsField };

function overridesSchema(pipeline: JsonSchema): JsonSchema | null {
  const defs = pipeline.$defs as Record<string, JsonSchema> | undefined;
  if (!defs?.NodeSpec) return null;
  return formRoot({ ...defs.NodeSpec, $defs: defs }, NOT_OVERRIDES);
}

/** Store the node's fields besides id and component (the store's action replaces them all), if changed. */
function storeFields(spec: NodeSpec, next: Record<string, unknown>): void {
  const { id, component: _component, ...stored } = spec;
  if (!sameJson(next, stored)) useEditor.getState().updateNodeSpec(id, next);
}

export function ParamsForm({ spec, paramNames }: { spec: NodeSpec; paramNames: string[] }) {
  const detail = useComponentDetail(spec.component);
  const problems = useProblemsOf(spec.id);
  const upstream = useEditor(useShallow((s) => s.edges.filter((e) => e.target === spec.id).map((e) => e.source)));
  const schema = useMemo(() => (detail.value ? (formRoot(detail.value.params) as RJSFSchema) : null), [detail.value]);
  const uiSchema = useMemo<UiSchema>(() => (schema ? codeWidgets(schema, "params") : {}), [schema]);
  if (!schema) return <SchemaPending error={detail.error} />;
  return (
    <SchemaForm
      idPrefix="params"
      schema={schema}
      uiSchema={uiSchema}
      formData={spec.params ?? {}}
      context={{ prefix: "params", problems, paramNames, tables: upstream }}
      fillDefaults
      onEdit={(params) => {
        const { id: _id, component: _component, ...stored } = spec;
        storeFields(spec, { ...stored, params });
      }}
    />
  );
}

/** What an empty override field means: the pipeline's defaults as set (the spec's show already). */
function inheritedPlaceholders(defaults: unknown): UiSchema {
  const set = (defaults ?? {}) as Record<string, unknown>;
  const shown = (value: unknown) => (["string", "number", "boolean"].includes(typeof value) ? { "ui:placeholder": String(value) } : {});
  const ui: UiSchema = { resources: {} };
  for (const [key, value] of Object.entries(set)) if (key !== "resources") ui[key] = shown(value);
  for (const [key, value] of Object.entries((set.resources ?? {}) as Record<string, unknown>)) ui.resources[key] = shown(value);
  return ui;
}

export function OverridesForm({ spec }: { spec: NodeSpec }) {
  const pipeline = usePipelineSchema();
  const problems = useProblemsOf(spec.id);
  const defaults = useEditor((s) => s.settings?.defaults);
  const outputs = useEditor(useShallow((s) => s.nodes.find((n) => n.id === spec.id)?.data.info?.outputs.map((p) => p.name)));
  const title = useSpecTitle();
  const schema = useMemo(() => (pipeline.value ? overridesSchema(pipeline.value) : null), [pipeline.value]);
  const uiSchema = useMemo<UiSchema>(
    () =>
      schema && pipeline.value
        ? [
            specFieldUi({ $ref: "#/$defs/Defaults" }, pipeline.value, title),
            inheritedPlaceholders(defaults),
            {
              "ui:order": fieldOrder(schema, ["title", "description", "retries", "retry_delay_seconds", "timeout_seconds", "trigger_rule", "*"]),
              description: { "ui:widget": "textarea" },
              assets: { "ui:field": "nodeAssets" },
            },
          ].reduce(mergeUi, specFieldUi(schema, schema, title))
        : {},
    [schema, pipeline.value, defaults, title],
  );
  if (!schema) return <SchemaPending error={pipeline.error} />;
  const { id: _id, component: _component, params, ...overrides } = spec;
  return (
    <SchemaForm
      idPrefix="node"
      schema={schema as RJSFSchema}
      uiSchema={uiSchema}
      formData={overrides}
      context={{ prefix: "", problems, outputs, node: spec.id } as FormContext}
      fields={OVERRIDE_FIELDS}
      onEdit={(data) => storeFields(spec, { ...(compact(data) as Record<string, unknown>), params })}
    />
  );
}
