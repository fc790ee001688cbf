// The form widget of a `format: column` field: a choice among the columns of the dataset field it
// is bound to (`x-jimu-dataset`), following that field's data as the user uploads or picks another.
import type { WidgetProps } from "@rjsf/utils";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { useShownDatasets } from "../datasets/shown";
import { typeInWords } from "../datasets/typeWords";

export const DATASET_OF_COLUMN = "x-jimu-dataset";

export function ColumnField({ id, value, schema, onChange, disabled, readonly }: WidgetProps) {
  const { t } = useTranslation();
  const source = String((schema as Record<string, unknown>)[DATASET_OF_COLUMN] ?? "");
  const dataset = useShownDatasets((s) => s.byField[source]);
  const chosen = typeof value === "string" ? value : "";
  const [cleared, setCleared] = useState<string | null>(null);

  // A column the new data lacks is no answer: it is cleared, and the field says which one went.
  useEffect(() => {
    if (!dataset || chosen === "" || dataset.columns.some((c) => c.name === chosen)) return;
    setCleared(chosen);
    onChange("");
  }, [dataset, chosen, onChange]);

  return (
    <div className="column-field" data-testid="column-field">
      <select
        id={id}
        data-testid="column-select"
        value={dataset ? chosen : ""}
        disabled={disabled || readonly || !dataset}
        onChange={(event) => {
          setCleared(null);
          onChange(event.target.value);
        }}
      >
        <option value="">{dataset ? t("datasets.column.choose") : t("datasets.column.waiting")}</option>
        {dataset?.columns.map((column) => (
          <option key={column.name} value={column.name}>
            {t("datasets.column.option", { name: column.name, type: typeInWords(column.type, t) })}
          </option>
        ))}
      </select>
      {cleared !== null && chosen === "" && (
        <p className="column-cleared" role="status" data-testid="column-cleared">
          {t("datasets.column.cleared", { name: cleared })}
        </p>
      )}
    </div>
  );
}
