import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { readOutput, type NodeRecord, type OutputPreview as Preview } from "../runApi";
import { ChartView } from "./ChartView";

const PREVIEW_ROWS = 20;

interface Props {
  runId: string;
  node: string;
  record: NodeRecord;
  ports: string[]; // the node's output ports, as its component declares them
}

/** A node's output in a run it succeeded in: the first rows of a table (columns, types, row count), or metrics;
 * and the charts stored beside them, drawn. */
export function OutputPreview({ runId, node, record, ports }: Props) {
  const { t } = useTranslation();
  // The ports the node wrote (rows or metrics recorded) first; the declared ones otherwise.
  const written = [...Object.keys(record.rows ?? {}), ...Object.keys(record.metrics ?? {})];
  const choices = written.length > 0 ? [...new Set(written)] : ports;
  const [port, setPort] = useState<string | null>(null);
  const shown = port && choices.includes(port) ? port : (choices[0] ?? null);
  const [preview, setPreview] = useState<{ key: string; preview?: Preview; error?: string } | null>(null);
  const key = `${runId}/${node}/${shown}`;

  useEffect(() => {
    if (!shown) return;
    let current = true;
    readOutput(runId, node, shown, PREVIEW_ROWS).then(
      (answer) => current && setPreview({ key, preview: answer }),
      (error: unknown) => current && setPreview({ key, error: error instanceof Error ? error.message : String(error) }),
    );
    return () => {
      current = false;
    };
  }, [runId, node, shown, key]);

  if (!shown) return <p className="pane-empty">{t("runpane.noOutputs", { node })}</p>;
  const loaded = preview?.key === key ? preview : null;
  return (
    <div className="output-preview" data-testid="output-preview" data-node={node} data-port={shown}>
      <div className="output-ports" role="group" aria-label={t("runpane.outputs")}>
        {choices.map((name) => (
          <button type="button" key={name} aria-pressed={name === shown} onClick={() => setPort(name)}>
            {name}
          </button>
        ))}
        {loaded?.preview?.kind === "table" && loaded.preview.row_count != null && (
          <span className="output-count" data-testid="output-row-count" data-rows={loaded.preview.row_count}>
            {t("runpane.rowCount", { count: loaded.preview.row_count, shown: loaded.preview.rows.length })}
          </span>
        )}
      </div>
      {!loaded && <p className="pane-empty">{t("runpane.loading")}</p>}
      {loaded?.error && <p className="run-error">{loaded.error}</p>}
      {loaded?.preview && (
        <div className="output-body">
          {loaded.preview.kind === "table" && <TableGrid preview={loaded.preview} />}
          {loaded.preview.kind === "metrics" && <MetricsTable metrics={loaded.preview.metrics ?? {}} />}
          {(loaded.preview.charts?.length ?? 0) > 0 && (
            <div className="output-charts" data-testid="output-charts" aria-label={t("charts.charts")}>
              {loaded.preview.charts?.map((chart) => <ChartView key={`${key}/${chart.name}`} chart={chart} />)}
            </div>
          )}
        </div>
      )}
    </div>
  );
}

function cell(value: unknown): string {
  if (value === null || value === undefined) return "∅"; // null: not the text "null"
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}

export function TableGrid({ preview }: { preview: Preview }) {
  return (
    <table className="output-grid" data-testid="output-grid">
      <thead>
        <tr>
          {preview.columns.map((column) => (
            <th key={column.name} scope="col" data-column={column.name} data-type={column.type}>
              <span className="column-name">{column.name}</span>
              <span className="column-type">{column.type}</span>
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {preview.rows.map((row, index) => (
          <tr key={index}>
            {preview.columns.map((column) => (
              <td key={column.name} className={row[column.name] === null ? "null" : undefined}>
                {cell(row[column.name])}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function MetricsTable({ metrics }: { metrics: Record<string, unknown> }) {
  const { t } = useTranslation();
  return (
    <table className="output-grid metrics" data-testid="output-metrics">
      <thead>
        <tr>
          <th scope="col">{t("runpane.metric")}</th>
          <th scope="col">{t("runpane.value")}</th>
        </tr>
      </thead>
      <tbody>
        {Object.entries(metrics).map(([name, value]) => (
          <tr key={name}>
            <th scope="row">{name}</th>
            <td>{cell(value)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
