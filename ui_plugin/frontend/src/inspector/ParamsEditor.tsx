// The pipeline's params, each a small JSON Schema: type, default, min/max, enum, description.
import type { FieldProps } from "@rjsf/utils";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { isIdentifier } from "../spec";
import { fieldOf, useProblemsOf } from "../validation";
import { ProblemNotes } from "./ProblemNotes";

type ParamSchema = Record<string, unknown>;
type Params = Record<string, ParamSchema>;

const TYPES = ["string", "integer", "number", "boolean"] as const;
type ParamType = (typeof TYPES)[number];

function typeOf(schema: ParamSchema): ParamType {
  return TYPES.includes(schema.type as ParamType) ? (schema.type as ParamType) : "string";
}

/** Text typed for a value of `type`; undefined when it is no such value (or empty). */
function parsed(text: string, type: ParamType): unknown {
  const trimmed = text.trim();
  if (type === "string") return text;
  if (trimmed === "") return undefined;
  if (type === "boolean") return trimmed === "true" ? true : trimmed === "false" ? false : undefined;
  const number = Number(trimmed);
  if (!Number.isFinite(number) || (type === "integer" && !Number.isInteger(number))) return undefined;
  return number;
}

function text(value: unknown): string {
  return value === undefined || value === null ? "" : String(value);
}

/** A schema with `key` set to `value`, or without it when the value is undefined. */
function withKey(schema: ParamSchema, key: string, value: unknown): ParamSchema {
  const { [key]: _old, ...rest } = schema;
  return value === undefined ? rest : { ...rest, [key]: value };
}

// A typed field commits when it loses focus or on Enter, so half-typed numbers and lists are not rewritten.
function CommitInput(props: { label: string; value: string; testId: string; field: string; onCommit: (text: string) => void }) {
  return (
    <label className="param-cell" data-field={props.field}>
      <span>{props.label}</span>
      <input
        key={props.value}
        defaultValue={props.value}
        data-testid={props.testId}
        onBlur={(event) => event.target.value !== props.value && props.onCommit(event.target.value)}
        onKeyDown={(event) => event.key === "Enter" && (event.target as HTMLInputElement).blur()}
      />
    </label>
  );
}

function ParamRow({ name, schema, onRename, onChange, onRemove }: {
  name: string;
  schema: ParamSchema;
  onRename: (newName: string) => string | null;
  onChange: (schema: ParamSchema) => void;
  onRemove: () => void;
}) {
  const { t } = useTranslation();
  const [error, setError] = useState<string | null>(null);
  const problems = useProblemsOf(null).filter((p) => (fieldOf(p) ?? "").startsWith(`params.${name}`));
  const type = typeOf(schema);
  const numeric = type === "integer" || type === "number";
  const setType = (next: ParamType) => {
    // The old default and bounds may not fit the new type: keep only what still does.
    let changed: ParamSchema = { ...schema, type: next };
    for (const key of ["default", "minimum", "maximum"]) changed = withKey(changed, key, parsed(text(schema[key]), next));
    if (Array.isArray(schema.enum)) changed = withKey(changed, "enum", undefined);
    if (next === "boolean" && changed.default === undefined) changed.default = false;
    if (next === "string" && changed.default === undefined) changed.default = "";
    onChange(changed);
  };
  return (
    <fieldset className="param-row" data-field={`params.${name}`} data-testid="pipeline-param" data-param={name}>
      <legend className="visually-hidden">{name}</legend>
      <div className="param-line">
        <label className="param-cell">
          <span>{t("inspector.paramName")}</span>
          <input
            key={name}
            defaultValue={name}
            data-testid="param-name"
            spellCheck={false}
            aria-invalid={error !== null}
            onBlur={(event) => setError(event.target.value === name ? null : onRename(event.target.value.trim()))}
            onKeyDown={(event) => event.key === "Enter" && (event.target as HTMLInputElement).blur()}
          />
        </label>
        <label className="param-cell">
          <span>{t("inspector.paramType")}</span>
          <select value={type} data-testid="param-type" onChange={(event) => setType(event.target.value as ParamType)}>
            {TYPES.map((option) => (
              <option key={option} value={option}>
                {t(`inspector.type.${option}`)}
              </option>
            ))}
          </select>
        </label>
        <button type="button" className="param-remove" aria-label={t("inspector.removeParam", { name })} onClick={onRemove}>
          ✕
        </button>
      </div>
      {error && <p className="field-problem error" role="alert">{t(error)}</p>}
      <div className="param-line">
        {type === "boolean" ? (
          <label className="param-cell param-check">
            <input type="checkbox" checked={schema.default === true} onChange={(event) => onChange({ ...schema, default: event.target.checked })} />
            <span>{t("inspector.paramDefault")}</span>
          </label>
        ) : (
          <CommitInput label={t("inspector.paramDefault")} testId="param-default" field={`params.${name}.default`} value={text(schema.default)}
            onCommit={(value) => onChange(withKey(schema, "default", parsed(value, type)))} />
        )}
        {numeric &&
          (["minimum", "maximum"] as const).map((key) => (
            <CommitInput key={key} label={t(`inspector.${key}`)} testId={`param-${key}`} field={`params.${name}.${key}`} value={text(schema[key])}
              onCommit={(value) => onChange(withKey(schema, key, parsed(value, type)))} />
          ))}
      </div>
      {type !== "boolean" && (
        <CommitInput label={t("inspector.paramEnum")} testId="param-enum" field={`params.${name}.enum`}
          value={Array.isArray(schema.enum) ? schema.enum.map(text).join(", ") : ""}
          onCommit={(value) => {
            const items = value.split(",").map((item) => parsed(item.trim(), type)).filter((item) => item !== undefined && item !== "");
            onChange(withKey(schema, "enum", items.length ? items : undefined));
          }} />
      )}
      <CommitInput label={t("inspector.paramDescription")} testId="param-description" field={`params.${name}.description`} value={text(schema.description)}
        onCommit={(value) => onChange(withKey(schema, "description", value.trim() || undefined))} />
      <ProblemNotes problems={problems} />
    </fieldset>
  );
}

export function ParamsEditor({ formData, onChange, fieldPathId, schema }: FieldProps) {
  const { t } = useTranslation();
  const params: Params = (formData as Params | undefined) ?? {};
  const set = (next: Params) => onChange(next, fieldPathId.path, undefined, fieldPathId.$id);
  const replace = (name: string, newName: string, value: ParamSchema) =>
    set(Object.fromEntries(Object.entries(params).map(([k, v]) => (k === name ? [newName, value] : [k, v]))));
  const add = () => {
    let n = 1;
    while (`param_${n}` in params) n++;
    set({ ...params, [`param_${n}`]: { type: "string", default: "" } });
  };
  return (
    <div className="params-editor" data-field="params" data-testid="pipeline-params">
      <span className="form-label">{t("inspector.fields.params")}</span>
      {schema.description && <p className="inspector-help">{t("inspector.paramsHelp")}</p>}
      {Object.entries(params).map(([name, param]) => (
        <ParamRow
          key={name}
          name={name}
          schema={param}
          onChange={(value) => replace(name, name, value)}
          onRemove={() => set(Object.fromEntries(Object.entries(params).filter(([k]) => k !== name)))}
          onRename={(newName) => {
            if (!isIdentifier(newName)) return "rename.invalid";
            if (newName in params) return "inspector.paramTaken";
            replace(name, newName, param);
            return null;
          }}
        />
      ))}
      <button type="button" data-testid="add-param" onClick={add}>
        {t("inspector.addParam")}
      </button>
    </div>
  );
}
