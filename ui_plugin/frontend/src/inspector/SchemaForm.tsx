// One rjsf form setup for every form of the side panel: the browser's validator, code editors for
// SQL and Python params, each field's problems under it, and the pipeline-param picker.
import Form, { type IChangeEvent } from "@rjsf/core";
import {
  getTemplate,
  getUiOptions,
  replaceStringParameters,
  type FieldTemplateProps,
  type RegistryWidgetsType,
  type RJSFSchema,
  type TranslatableString,
  type UiSchema,
  type WidgetProps,
} from "@rjsf/utils";
import { customizeValidator } from "@rjsf/validator-ajv8";
import type { ComponentType } from "react";
import { useTranslation } from "react-i18next";
import { fieldOf, type Problem } from "../validation";
import { CodeField, type CodeLanguage } from "./CodeField";
import { ParamPicker, paramReference } from "./ParamPicker";
import { ProblemNotes } from "./ProblemNotes";

// Formats the component specs use for the editor's sake; any text fits them here (the server checks).
const validator = customizeValidator({
  customFormats: { sql: () => true, python: () => true, "export-path": () => true },
});

/** What every field of a form knows: where it sits in the node or pipeline, and its problems. */
export interface FormContext {
  prefix: string; // the path of the form's data inside the node or pipeline: "params", ""
  problems: Problem[];
  paramNames?: string[]; // offered to top-level fields when set: they may take a pipeline param
  tables?: string[]; // what a SQL param may read: the upstream node ids
}

function fieldPath(context: FormContext, path: (string | number)[]): string {
  return [context.prefix, ...path.map(String)].filter((s) => s !== "").join(".");
}

/** The language of a code param (`format: sql` / `python`), or null for any other field. */
export function codeLanguage(schema: unknown): CodeLanguage | null {
  const format = (schema as { format?: unknown } | null)?.format;
  return format === "sql" || format === "python" ? format : null;
}

function FieldTemplate(props: FieldTemplateProps) {
  const { id, label, children, description, hidden, required, displayLabel, registry, uiSchema, schema, fieldPathId } = props;
  const { t } = useTranslation();
  const context = registry.formContext as FormContext;
  const options = getUiOptions(uiSchema);
  const Wrap = getTemplate<"WrapIfAdditionalTemplate">("WrapIfAdditionalTemplate", registry, options);
  if (hidden) return <div className="hidden">{children}</div>;
  const path = fieldPath(context, fieldPathId.path);
  const problems = context.problems.filter((p) => fieldOf(p) === path);
  // A top-level value (not code, not a list or object) may come from a pipeline param.
  const scalar = ["string", "number", "integer", "boolean"].includes(String(schema.type));
  const bindable = context.paramNames !== undefined && fieldPathId.path.length === 1 && scalar && codeLanguage(schema) === null;
  const bound = bindable ? paramReference(props.formData) : null;
  const checkbox = options.widget === "checkbox" || (schema.type === "boolean" && !options.widget);
  // A list's items are named by their place in the list, not "null_values-1".
  const item = typeof fieldPathId.path[fieldPathId.path.length - 1] === "number";
  return (
    <Wrap {...props}>
      <div className={problems.length ? "form-field has-problems" : "form-field"} data-field={path}>
        <div className="field-head">
          {(displayLabel || bound !== null || (checkbox && bindable)) && !item && (
            <label className="form-label" htmlFor={id}>
              {label}
              {required ? <span aria-hidden="true"> *</span> : null}
            </label>
          )}
          {bindable && (
            <ParamPicker
              id={id}
              names={context.paramNames ?? []}
              bound={bound}
              onPick={(value) => props.onChange(value, fieldPathId.path, undefined, id)}
            />
          )}
        </div>
        {bound !== null ? (
          <p className="param-bound" id={id}>
            {t("inspector.boundTo", { name: bound })}
          </p>
        ) : (
          children
        )}
        {displayLabel && description}
        <ProblemNotes problems={problems} />
      </div>
    </Wrap>
  );
}

function codeWidget(language: CodeLanguage): ComponentType<WidgetProps> {
  return function CodeWidget({ id, value, onChange, readonly, disabled, registry, label, uiSchema }: WidgetProps) {
    const context = registry.formContext as FormContext;
    const field = String(getUiOptions(uiSchema).field ?? "");
    const problems = context.problems.filter((p) => fieldOf(p) === field);
    return (
      <CodeField
        id={id}
        value={typeof value === "string" ? value : ""}
        language={language}
        problems={problems}
        tables={context.tables}
        label={label}
        readOnly={readonly || disabled}
        onChange={(text) => onChange(text === "" ? undefined : text)}
      />
    );
  };
}

const WIDGETS: RegistryWidgetsType = { sql: codeWidget("sql"), python: codeWidget("python") };

/** uiSchema entries that put each top-level code param in its editor. */
export function codeWidgets(schema: RJSFSchema, prefix: string): UiSchema {
  const ui: UiSchema = {};
  for (const [key, property] of Object.entries(schema.properties ?? {})) {
    const language = codeLanguage(property);
    if (language) ui[key] = { "ui:widget": language, "ui:options": { field: `${prefix}.${key}` } };
  }
  return ui;
}

interface Props {
  idPrefix: string;
  schema: RJSFSchema;
  uiSchema?: UiSchema;
  formData: unknown;
  context: FormContext;
  fields?: Record<string, ComponentType<any>>; // eslint-disable-line @typescript-eslint/no-explicit-any
  fillDefaults?: boolean; // show (and keep, on the first edit) each default; else defaults are placeholders
  onEdit: (data: unknown) => void;
}

/** A form over `schema`; `onEdit` hears the user's edits only, never defaults the form derives by itself. */
export function SchemaForm({ idPrefix, schema, uiSchema, formData, context, fields, fillDefaults, onEdit }: Props) {
  const { t } = useTranslation();
  const translate = (key: TranslatableString, params?: string[]) =>
    replaceStringParameters(t(`inspector.rjsf.${key}`, { defaultValue: key }), params);
  return (
    <Form
      idPrefix={idPrefix}
      schema={schema}
      uiSchema={{ ...uiSchema, "ui:submitButtonOptions": { norender: true } }}
      formData={formData}
      formContext={context}
      validator={validator}
      widgets={WIDGETS}
      fields={fields}
      templates={{ FieldTemplate }}
      translateString={translate}
      noHtml5Validate
      noValidate // the server validates: its problems sit by each field
      showErrorList={false}
      experimental_defaultFormStateBehavior={{ emptyObjectFields: fillDefaults ? "populateAllDefaults" : "skipDefaults" }}
      onChange={(event: IChangeEvent, id?: string) => id && onEdit(event.formData)}
      onSubmit={() => undefined}
    />
  );
}
