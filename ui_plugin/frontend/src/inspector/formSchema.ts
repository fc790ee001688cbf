// Turning the spec's JSON Schemas into what a form shows, and form data back into a spec's fields.
import type { UiSchema } from "@rjsf/utils";
import type { JsonSchema } from "./schemas";

type Schema = Record<string, unknown>;

function isObject(value: unknown): value is Schema {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * The schema with every `anyOf: [X, {type: null}]` (pydantic's `X | None`) read as X: a form shows the
 * field itself, not a choice between "Option 1" and "Option 2"; an empty field stays unset.
 */
export function withoutNullOptions(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(withoutNullOptions);
  if (!isObject(schema)) return schema;
  const out: Schema = {};
  for (const [key, value] of Object.entries(schema)) out[key] = key === "enum" || key === "default" || key === "const" ? value : withoutNullOptions(value);
  const options = out.anyOf;
  if (Array.isArray(options) && options.length === 2) {
    const kept = options.filter((o) => !(isObject(o) && o.type === "null"));
    if (kept.length === 1 && isObject(kept[0])) {
      const { anyOf: _anyOf, ...rest } = out;
      const merged: Schema = { ...(kept[0] as Schema), ...rest };
      if (merged.default === null) delete merged.default;
      return merged;
    }
  }
  return out;
}

/** A root schema the browser's validator compiles: no `$schema` dialect URL or `$id` to resolve. */
export function formRoot(schema: JsonSchema, omit: string[] = []): JsonSchema {
  // The panel has its own heading: the model's name ("PipelineSpec") and docstring are not shown.
  const { $schema: _dialect, $id: _id, title: _title, description: _description, ...rest } = withoutNullOptions(schema) as Schema;
  const properties = { ...((rest.properties as Schema) ?? {}) };
  for (const key of omit) delete properties[key];
  const required = Array.isArray(rest.required) ? rest.required.filter((k) => !omit.includes(k as string)) : undefined;
  return { ...rest, properties, ...(required ? { required } : {}) };
}

function resolved(schema: unknown, root: Schema): Schema {
  if (!isObject(schema)) return {};
  const ref = schema.$ref;
  if (typeof ref === "string" && ref.startsWith("#/$defs/")) {
    const target = (root.$defs as Schema | undefined)?.[ref.slice("#/$defs/".length)];
    return { ...(isObject(target) ? target : {}), ...schema };
  }
  return schema;
}

/**
 * For the spec's own forms: each field's label from the message catalogue (`title(key)`; the schema's
 * title when it has none), and placeholders that show each scalar default in an empty field, for forms
 * that leave unset fields unset (node overrides inherit, pipeline settings keep the file small).
 */
export function specFieldUi(schema: unknown, root: Schema, title: (key: string) => string | undefined, depth = 0): UiSchema {
  const ui: UiSchema = {};
  const properties = resolved(schema, root).properties;
  if (!isObject(properties) || depth > 4) return ui;
  for (const [key, property] of Object.entries(properties)) {
    const field = resolved(property, root);
    const fallback = field.default;
    const entry: UiSchema = isObject(field.properties) ? specFieldUi(field, root, title, depth + 1) : {};
    if (["string", "number", "boolean"].includes(typeof fallback) && fallback !== "") entry["ui:placeholder"] = String(fallback);
    const label = title(key);
    if (label) entry["ui:title"] = label;
    ui[key] = entry;
  }
  return ui;
}

/** `b` over `a`, object by object: the uiSchema of one field gathered from several places. */
export function mergeUi(a: UiSchema, b: UiSchema): UiSchema {
  const out: UiSchema = { ...a };
  for (const [key, value] of Object.entries(b)) out[key] = isObject(value) && isObject(out[key]) ? mergeUi(out[key], value) : value;
  return out;
}

/** `value` without undefined, null, empty lists and empty objects: what a form left unset is not written. */
export function compact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(compact);
  if (!isObject(value)) return value;
  const out: Schema = {};
  for (const [key, item] of Object.entries(value)) {
    const kept = compact(item);
    const empty = (Array.isArray(kept) && kept.length === 0) || (isObject(kept) && Object.keys(kept).length === 0);
    if (kept === undefined || kept === null || empty) continue;
    out[key] = kept;
  }
  return out;
}

/** Equal as JSON: a form reporting what the store already holds is no edit. */
export function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** A `ui:order` of the wanted fields the schema has ("*": the rest), so a field gone from the spec breaks nothing. */
export function fieldOrder(schema: JsonSchema, wanted: string[]): string[] {
  const properties = isObject(schema.properties) ? schema.properties : {};
  return wanted.filter((key) => key === "*" || key in properties);
}
