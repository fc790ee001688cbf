import { useTranslation } from "react-i18next";
import type { DatasetPreview } from "../datasets/api";
import { typeInWords } from "../datasets/typeWords";

// Dates arrive as ISO timestamps ("2026-09-01T00:00:00.000"): shown as a person writes them.
function cellText(value: unknown, type: string): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string" && type === "date") return value.slice(0, 10);
  if (typeof value === "string" && type === "date-time") return value.replace("T", " ").replace(/\.0+$/, "");
  return String(value);
}

/** A dataset's first rows; each column's header says its name and its detected type in words. */
export function DatasetTable({ dataset }: { dataset: DatasetPreview }) {
  const { t } = useTranslation();
  const caption = t("datasets.previewCaption", { count: dataset.preview.length, rows: dataset.rows.toLocaleString() });
  return (
    // Focusable so a keyboard can scroll it; the caption names it for a screen reader.
    <div className="dataset-table-wrap" tabIndex={0} role="region" aria-label={caption}>
      <table className="dataset-table" data-testid="dataset-table">
        <caption>{caption}</caption>
        <thead>
          <tr>
            {dataset.columns.map((column) => (
              <th key={column.name} scope="col" data-column={column.name} data-type={column.type}>
                <span className="dataset-column-name">{column.name}</span>
                <span className="dataset-column-type">{typeInWords(column.type, t)}</span>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {dataset.preview.map((row, index) => (
            <tr key={index}>
              {dataset.columns.map((column) => (
                <td key={column.name}>{cellText(row[column.name], column.type)}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
