// Which form fields take data: `format: dataset` gets the upload widget, `format: column` the column list.
import type { RJSFSchema, UiSchema } from "@rjsf/utils";
import { ColumnField } from "./ColumnField";
import { DatasetField } from "./DatasetField";

const WIDGET_OF_FORMAT = { dataset: DatasetField, column: ColumnField } as const;

/** uiSchema entries that give each top-level dataset and column field its widget. */
export function datasetWidgets(schema: RJSFSchema): UiSchema {
  const ui: UiSchema = {};
  for (const [key, property] of Object.entries(schema.properties ?? {})) {
    const format = (property as { format?: unknown }).format;
    if (format === "dataset" || format === "column") ui[key] = { "ui:widget": WIDGET_OF_FORMAT[format] };
  }
  return ui;
}
