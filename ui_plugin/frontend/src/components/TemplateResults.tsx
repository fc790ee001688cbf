import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { ApiError } from "../api";
import { readOutput, type OutputPreview, type RunRecord } from "../runApi";
import { ChartView } from "./ChartView";
import { TableGrid } from "./OutputPreview";

// A table's first rows are a glimpse; the editor's run tab shows more.
const FIRST_ROWS = 5;

interface Output {
  node: string;
  port: string;
  preview: OutputPreview;
}

interface Props {
  run: RunRecord;
  titles: Record<string, string>; // node id -> its title in the template
  order: string[]; // node ids as the template lists them: the results read in the pipeline's order
}

/** Every output a node that succeeded wrote: tables (rows recorded) and metrics, in the pipeline's order. */
function writtenPorts(run: RunRecord, order: string[]): { node: string; port: string }[] {
  const nodes = [...order.filter((node) => node in run.nodes), ...Object.keys(run.nodes).filter((node) => !order.includes(node))];
  return nodes.flatMap((node) => {
    const record = run.nodes[node];
    if (record.state !== "success") return [];
    const ports = new Set([...Object.keys(record.metrics ?? {}), ...Object.keys(record.rows ?? {})]);
    return [...ports].map((port) => ({ node, port }));
  });
}

/** How a metric reads: whole numbers as they are, others to four decimals, in the UI's language. */
export function formatMetric(value: number, language: string): string {
  return value.toLocaleString(language === "zh" ? "zh-CN" : "en-US", { maximumFractionDigits: 4, useGrouping: false });
}

/** A finished run's results: metrics as large numbers, every chart drawn, and the first rows of each table. */
export function TemplateResults({ run, titles, order }: Props) {
  const { t } = useTranslation();
  const [outputs, setOutputs] = useState<Output[] | null>(null);
  const [failures, setFailures] = useState<string[]>([]);

  // Read again only when the run or what it wrote changes, not on each re-read of its record.
  const written = JSON.stringify(writtenPorts(run, order));
  const runId = run.run_id;
  useEffect(() => {
    let current = true;
    const ports = JSON.parse(written) as { node: string; port: string }[];
    Promise.allSettled(ports.map(({ node, port }) => readOutput(runId, node, port, FIRST_ROWS))).then((answers) => {
      if (!current) return;
      setOutputs(answers.flatMap((answer, i) => (answer.status === "fulfilled" ? [{ ...ports[i], preview: answer.value }] : [])));
      // A port that holds neither a table nor metrics (a model, a file) has no preview (404): it is left out.
      const unread = answers.flatMap((answer, i) =>
        answer.status === "rejected" && !(answer.reason instanceof ApiError && answer.reason.status === 404) ? [ports[i]] : [],
      );
      setFailures(unread.map(({ node, port }) => `${node}.${port}`));
    });
    return () => {
      current = false;
    };
  }, [runId, written]);

  if (outputs === null) return <p className="dialog-hint">{t("templateRuns.loadingResults")}</p>;
  const metrics = outputs.filter((output) => output.preview.kind === "metrics");
  const tables = outputs.filter((output) => output.preview.kind === "table");
  const charts = outputs.flatMap((output) => (output.preview.charts ?? []).map((chart) => ({ ...output, chart })));
  const titleOf = (node: string) => titles[node] ?? node;

  return (
    <section className="template-results" data-testid="template-results" aria-label={t("templateRuns.results")}>
      <h3>{t("templateRuns.results")}</h3>
      {outputs.length === 0 && <p className="dialog-hint">{t("templateRuns.noResults")}</p>}
      {failures.length > 0 && <p className="dialog-error">{t("templateRuns.unreadable", { outputs: failures.join(", ") })}</p>}
      {metrics.map((output) => (
        <MetricTiles key={`${output.node}.${output.port}`} output={output} title={titleOf(output.node)} />
      ))}
      {charts.length > 0 && (
        <div className="template-charts" data-testid="template-charts">
          {charts.map(({ node, port, chart }) => (
            <div key={`${node}.${port}.${chart.name}`} className="template-chart" data-node={node}>
              <ChartView chart={chart} />
            </div>
          ))}
        </div>
      )}
      {tables.map((output, index) => (
        // The last table is the pipeline's end result: open; the others one click away.
        <details key={`${output.node}.${output.port}`} className="template-table" data-testid="template-table" data-node={output.node}
          data-port={output.port} open={index === tables.length - 1}>
          <summary>
            {titleOf(output.node)} · {output.port}
            {output.preview.row_count != null && ` · ${t("templateRuns.rows", { count: output.preview.row_count })}`}
          </summary>
          <TableGrid preview={output.preview} />
        </details>
      ))}
    </section>
  );
}

/** One metrics output: each number it holds, large, under the step's title. Lists (a confusion matrix) are charts. */
function MetricTiles({ output, title }: { output: Output; title: string }) {
  const { t, i18n } = useTranslation();
  const numbers = Object.entries(output.preview.metrics ?? {}).filter(
    (entry): entry is [string, number] => typeof entry[1] === "number" && Number.isFinite(entry[1]),
  );
  if (numbers.length === 0) return null;
  return (
    <div className="template-metrics" data-testid="template-metrics" data-node={output.node} data-port={output.port}>
      <h4>{title}</h4>
      <dl>
        {numbers.map(([name, value]) => (
          <div key={name} className="template-metric" data-testid="metric" data-metric={name} data-value={value}>
            <dt>{t(`templateRuns.metric.${name}`, { defaultValue: name })}</dt>
            <dd>{formatMetric(value, i18n.language)}</dd>
          </div>
        ))}
      </dl>
    </div>
  );
}
