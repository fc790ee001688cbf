import type { RJSFSchema, UiSchema } from "@rjsf/utils";
import { useMemo, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { useShallow } from "zustand/react/shallow";
import { compact, defaultPlaceholders, fieldOrder, formRoot, sameJson } from "../inspector/formSchema";
import { ProblemNotes } from "../inspector/ProblemNotes";
import { codeWidgets, SchemaForm, SchemaPending } from "../inspector/SchemaForm";
import { useComponentDetail, usePipelineSchema, type JsonSchema } from "../inspector/schemas";
import { useFocusField } from "../inspector/useFocusField";
import type { JimuNode, NodeSpec } from "../spec";
import { useEditor } from "../store";
import { fieldOf, useProblemsOf } from "../validation";
import "./Inspector.css";

// What a node stores besides its params: the fields of NodeSpec in the pipeline schema.
const NOT_OVERRIDES = ["id", "component", "params"];

function overridesSchema(pipeline: JsonSchema): JsonSchema | null {
  const defs = pipeline.$defs as Record<string, JsonSchema> | undefined;
  if (!defs?.NodeSpec) return null;
  return formRoot({ ...defs.NodeSpec, $defs: defs }, NOT_OVERRIDES);
}

/** The selected node's fields: id, params form, code editors, overrides. */
export function Inspector({ node }: { node: JimuNode }) {
  const { t } = useTranslation();
  const spec = node.data.spec;
  const problems = useProblemsOf(node.id);
  const paramNames = useEditor(useShallow((s) => Object.keys((s.settings?.params as Record<string, unknown> | undefined) ?? {})));
  const panel = useRef<HTMLDivElement>(null);
  useFocusField(panel, node.id);

  // Problems no form field shows: about the node as a whole, its id or its component.
  const general = problems.filter((p) => {
    const field = fieldOf(p);
    return field === null || field === "id" || field === "component";
  });

  return (
    <div className="inspector" data-testid="inspector" data-node={node.id} ref={panel}>
      <h2>{t("panels.node")}</h2>
      <RenameField id={node.id} />
      <div className="jimu-node-ref" data-field="component">
        {spec.component}
      </div>
      <ProblemNotes problems={general} />
      <section className="inspector-section" aria-label={t("inspector.params")}>
        <h3>{t("inspector.params")}</h3>
        <ParamsForm spec={spec} paramNames={paramNames} />
      </section>
      <section className="inspector-section" aria-label={t("inspector.overrides")}>
        <h3>{t("inspector.overrides")}</h3>
        <p className="inspector-help">{t("inspector.overridesHelp")}</p>
        <OverridesForm spec={spec} />
      </section>
    </div>
  );
}

function RenameField({ id }: { id: string }) {
  const { t } = useTranslation();
  const renameNode = useEditor((s) => s.renameNode);
  const [text, setText] = useState(id);
  const [error, setError] = useState<string | null>(null);
  const commit = () => {
    const why = renameNode(id, text.trim());
    setError(why);
  };
  return (
    <div className="form-field" data-field="id">
      <label className="form-label" htmlFor="inspector-node-id">
        {t("inspector.nodeId")}
      </label>
      <input
        id="inspector-node-id"
        data-testid="node-id"
        className="inspector-id"
        value={text}
        spellCheck={false}
        aria-invalid={error !== null}
        aria-describedby={error ? "inspector-node-id-error" : undefined}
        onChange={(event) => {
          setText(event.target.value);
          setError(null);
        }}
        onBlur={commit}
        onKeyDown={(event) => {
          if (event.key === "Enter") commit();
          if (event.key === "Escape") {
            setText(id);
            setError(null);
          }
        }}
      />
      {error && (
        <p className="field-problem error" id="inspector-node-id-error" role="alert" data-testid="rename-error">
          {t(error)}
        </p>
      )}
    </div>
  );
}

/** Store the node's fields besides id and component (the store's action replaces them all), if changed. */
function storeFields(spec: NodeSpec, next: Record<string, unknown>): void {
  const { id, component: _component, ...stored } = spec;
  if (!sameJson(next, stored)) useEditor.getState().updateNodeSpec(id, next);
}

function ParamsForm({ spec, paramNames }: { spec: NodeSpec; paramNames: string[] }) {
  const detail = useComponentDetail(spec.component);
  const problems = useProblemsOf(spec.id);
  const schema = useMemo(() => (detail.value ? (formRoot(detail.value.params) as RJSFSchema) : null), [detail.value]);
  const uiSchema = useMemo<UiSchema>(() => (schema ? codeWidgets(schema, "params") : {}), [schema]);
  if (!schema) return <SchemaPending error={detail.error} />;
  return (
    <SchemaForm
      idPrefix="params"
      schema={schema}
      uiSchema={uiSchema}
      formData={spec.params ?? {}}
      context={{ prefix: "params", problems, paramNames }}
      fillDefaults
      onEdit={(params) => {
        const { id: _id, component: _component, ...stored } = spec;
        storeFields(spec, { ...stored, params });
      }}
    />
  );
}

/** What an empty override field means: the pipeline's defaults (as set, else as the spec says). */
function inheritedPlaceholders(pipeline: JsonSchema, defaults: unknown): UiSchema {
  const fromSpec = defaultPlaceholders({ $ref: "#/$defs/Defaults" }, pipeline);
  const set = (defaults ?? {}) as Record<string, unknown>;
  const resources = (set.resources ?? {}) as Record<string, unknown>;
  const shown = (value: unknown) => (["string", "number", "boolean"].includes(typeof value) ? { "ui:placeholder": String(value) } : {});
  const ui: UiSchema = { ...fromSpec, resources: { ...(fromSpec.resources as UiSchema) } };
  for (const [key, value] of Object.entries(set)) if (key !== "resources") ui[key] = { ...ui[key], ...shown(value) };
  for (const [key, value] of Object.entries(resources)) ui.resources[key] = { ...ui.resources[key], ...shown(value) };
  return ui;
}

function OverridesForm({ spec }: { spec: NodeSpec }) {
  const pipeline = usePipelineSchema();
  const problems = useProblemsOf(spec.id);
  const defaults = useEditor((s) => s.settings?.defaults);
  const schema = useMemo(() => (pipeline.value ? overridesSchema(pipeline.value) : null), [pipeline.value]);
  const uiSchema = useMemo<UiSchema>(
    () =>
      schema && pipeline.value
        ? {
            ...defaultPlaceholders(schema, schema),
            ...inheritedPlaceholders(pipeline.value, defaults),
            "ui:order": fieldOrder(schema, ["title", "description", "retries", "retry_delay_seconds", "timeout_seconds", "trigger_rule", "*"]),
            description: { "ui:widget": "textarea" },
          }
        : {},
    [schema, pipeline.value, defaults],
  );
  if (!schema) return <SchemaPending error={pipeline.error} />;
  const { id: _id, component: _component, params, ...overrides } = spec;
  return (
    <SchemaForm
      idPrefix="node"
      schema={schema as RJSFSchema}
      uiSchema={uiSchema}
      formData={overrides}
      context={{ prefix: "", problems }}
      onEdit={(data) => storeFields(spec, { ...(compact(data) as Record<string, unknown>), params })}
    />
  );
}
