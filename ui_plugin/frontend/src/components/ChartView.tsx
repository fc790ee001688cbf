import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import type { TFunction } from "i18next";
import type { Chart } from "../runApi";

type Spec = Record<string, unknown>;

// Axis and legend titles the built-in charts use (jimu.runtime.chart_specs) -> their message key.
const TITLE_KEYS: Record<string, string> = {
  Predicted: "predicted",
  Actual: "actual",
  Rows: "rows",
  "False positive rate": "fpr",
  "True positive rate": "tpr",
  Feature: "feature",
  Importance: "importance",
  Residual: "residual",
  Column: "column",
  Missing: "missing",
  Segment: "segment",
  "z-score": "z_score",
  "Anomaly score": "anomaly_score",
};

// The size each chart is drawn at in the run tab (specs ask for more; the pane grows to fit these).
const CHART_WIDTH = 260;
const CHART_HEIGHT = 200;

// Charts carry their numbers inline (jimu.runtime.charts refuses urls); this loader makes sure a
// spec can fetch nothing either way.
const NO_LOADS = {
  load: () => Promise.reject(new Error("charts load no data from elsewhere")),
  sanitize: () => Promise.reject(new Error("charts link nowhere")),
  http: () => Promise.reject(new Error("charts load no data from elsewhere")),
  file: () => Promise.reject(new Error("charts read no files")),
};

function kindOf(spec: Spec): { kind?: string; meta: Record<string, unknown> } {
  const meta = ((spec.usermeta as Spec | undefined)?.jimu ?? {}) as Record<string, unknown>;
  return { kind: typeof meta.kind === "string" ? meta.kind : undefined, meta };
}

/** The caption in the reader's language: by the chart's kind, else its own title, else its name. */
export function chartCaption(chart: Chart, t: TFunction): string {
  const { kind, meta } = kindOf(chart.spec);
  const fallback = typeof chart.spec.title === "string" ? chart.spec.title : chart.name;
  if (!kind) return fallback;
  const auc = typeof meta.auc === "number" ? meta.auc.toFixed(3) : "";
  return t(`charts.kind.${kind}`, { defaultValue: fallback, column: meta.column ?? "", auc });
}

/** The spec as drawn: no title (the caption says it), known axis titles translated. */
function localized(spec: Spec, t: TFunction): Spec {
  const translateEncoding = (encoding: unknown) => {
    if (!encoding || typeof encoding !== "object") return encoding;
    return Object.fromEntries(
      Object.entries(encoding as Spec).map(([channel, definition]) => {
        const title = (definition as Spec | null)?.title;
        if (typeof title === "string" && title in TITLE_KEYS) {
          return [channel, { ...(definition as Spec), title: t(`charts.axis.${TITLE_KEYS[title]}`) }];
        }
        return [channel, definition];
      }),
    );
  };
  const layer = Array.isArray(spec.layer)
    ? spec.layer.map((part: Spec) => ({ ...part, encoding: translateEncoding(part.encoding) }))
    : spec.layer;
  const drawn: Spec = { ...spec, encoding: translateEncoding(spec.encoding), layer };
  delete drawn.title;
  if (drawn.encoding === undefined) delete drawn.encoding;
  if (drawn.layer === undefined) delete drawn.layer;
  return drawn;
}

/** One chart of a node's output, drawn as SVG by vega-embed (loaded on first use, as its own chunk). */
export function ChartView({ chart }: { chart: Chart }) {
  const { t, i18n } = useTranslation();
  const target = useRef<HTMLDivElement>(null);
  const [error, setError] = useState<string | null>(null);
  const [drawn, setDrawn] = useState(false);
  const { kind } = kindOf(chart.spec);

  useEffect(() => {
    let finalize: (() => void) | undefined;
    let current = true;
    setDrawn(false);
    import("vega-embed")
      .then(({ default: embed }) =>
        target.current
          ? embed(target.current, localized(chart.spec, t) as never, {
              actions: false,
              renderer: "svg",
              width: CHART_WIDTH,
              height: CHART_HEIGHT,
              mode: "vega-lite",
              loader: NO_LOADS as never,
            })
          : undefined,
      )
      .then(
        (result) => {
          if (!result) return;
          if (current) {
            finalize = result.finalize;
            setDrawn(true);
          } else {
            result.finalize();
          }
        },
        (failure: unknown) => current && setError(failure instanceof Error ? failure.message : String(failure)),
      );
    return () => {
      current = false;
      finalize?.();
    };
  }, [chart, t, i18n.language]);

  return (
    <figure className="output-chart" data-testid="output-chart" data-chart={chart.name} data-kind={kind}
      data-drawn={drawn}>
      <figcaption>{chartCaption(chart, t)}</figcaption>
      {error ? <p className="run-error">{t("charts.failed", { error })}</p> : <div ref={target} />}
    </figure>
  );
}
