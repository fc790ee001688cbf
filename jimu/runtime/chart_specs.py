"""Vega-Lite specs for the charts the built-in components write, from numbers computed elsewhere.

Each builder takes plain numbers and returns a spec whose `data.values` holds exactly them, so a
test can read them back. `usermeta.jimu.kind` names the chart's kind, so the editor can caption
it in the reader's language; axis titles are English words the editor translates too.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

# Scatter charts show at most this many points, evenly spaced through the rows (all when fewer).
MAX_POINTS = 2000
WIDTH = 320


def spec(kind: str, title: str, values: list[dict[str, Any]], **rest: Any) -> dict[str, Any]:
    meta = rest.pop("meta", {})
    return {"title": title, "usermeta": {"jimu": {"kind": kind, **meta}}, "width": WIDTH,
            "data": {"values": values}, **rest}


def finite_or_none(value: float) -> float | None:
    """JSON carries no infinity: roc_curve's first threshold is inf, for example."""
    value = float(value)
    return value if math.isfinite(value) else None


def confusion_matrix_chart(matrix: Sequence[Sequence[int]], labels: Sequence[Any]) -> dict[str, Any]:
    """Cells of rows by actual (y) and predicted (x) class, coloured by count, with the count written in."""
    names = [str(label) for label in labels]
    values = [{"actual": names[i], "predicted": names[j], "count": int(count)}
              for i, row in enumerate(matrix) for j, count in enumerate(row)]
    middle = max((v["count"] for v in values), default=0) / 2
    return spec(
        "confusion_matrix", "Confusion matrix", values, height=WIDTH,
        encoding={
            "x": {"field": "predicted", "type": "nominal", "sort": names, "title": "Predicted",
                  "axis": {"labelAngle": 0}},
            "y": {"field": "actual", "type": "nominal", "sort": names, "title": "Actual"},
        },
        layer=[
            {"mark": "rect", "encoding": {"color": {"field": "count", "type": "quantitative", "title": "Rows",
                                                    "scale": {"scheme": "blues"}}}},
            {"mark": {"type": "text", "fontSize": 14},
             "encoding": {"text": {"field": "count", "type": "quantitative"},
                          "color": {"condition": {"test": f"datum.count > {middle}", "value": "white"},
                                    "value": "black"}}},
        ],
    )


def roc_curve_chart(fpr: Sequence[float], tpr: Sequence[float], thresholds: Sequence[float],
                    auc: float, positive: Any) -> dict[str, Any]:
    """The ROC curve of the positive class, with the chance diagonal; at most MAX_POINTS of its points, ends kept."""
    keep = np.unique(np.linspace(0, len(fpr) - 1, min(len(fpr), MAX_POINTS)).round().astype(int))
    values = [{"fpr": float(fpr[i]), "tpr": float(tpr[i]), "threshold": finite_or_none(thresholds[i])} for i in keep]
    unit = {"type": "quantitative", "scale": {"domain": [0, 1]}}
    return spec(
        "roc_curve", f"ROC curve (AUC {auc:.3f})", values, height=WIDTH,
        meta={"auc": auc, "positive": positive, "points": len(fpr), "points_shown": len(values)},
        encoding={"x": {"field": "fpr", **unit, "title": "False positive rate"},
                  "y": {"field": "tpr", **unit, "title": "True positive rate"}},
        layer=[
            {"mark": {"type": "line", "point": True, "interpolate": "step-after"},
             "encoding": {"tooltip": [{"field": "fpr"}, {"field": "tpr"}, {"field": "threshold"}]}},
            _diagonal("fpr", "tpr", 0, 1),
        ],
    )


def feature_importance_chart(features: Sequence[str], importances: Sequence[float], source: str) -> dict[str, Any]:
    """Bars of each feature's importance, largest first."""
    values = sorted(({"feature": str(f), "importance": float(i)} for f, i in zip(features, importances, strict=True)),
                    key=lambda row: -row["importance"])
    return spec(
        "feature_importance", "Feature importance", values, meta={"source": source},
        mark="bar",
        encoding={"y": {"field": "feature", "type": "nominal", "sort": "-x", "title": "Feature"},
                  "x": {"field": "importance", "type": "quantitative", "title": "Importance"}},
    )


def points(*columns: Sequence[float]) -> tuple[list[int], list[list[float]]]:
    """At most MAX_POINTS rows, evenly spaced: the row indices and each column at them."""
    count = len(columns[0])
    step = max(1, math.ceil(count / MAX_POINTS))
    return list(range(0, count, step)), [np.asarray(column, dtype=float)[::step].tolist() for column in columns]


def predicted_vs_actual_chart(actual: Sequence[float], predicted: Sequence[float]) -> dict[str, Any]:
    """One point per row at (actual, predicted), with the line where they are equal."""
    rows, (a, p) = points(actual, predicted)
    values = [{"row": r, "actual": x, "predicted": y} for r, x, y in zip(rows, a, p, strict=True)]
    low, high = min(a + p, default=0.0), max(a + p, default=1.0)
    return spec(
        "predicted_vs_actual", "Predicted vs actual", values, height=WIDTH,
        meta={"rows": len(actual), "rows_shown": len(rows)},
        encoding={"x": {"field": "actual", "type": "quantitative", "title": "Actual", "scale": {"zero": False}},
                  "y": {"field": "predicted", "type": "quantitative", "title": "Predicted", "scale": {"zero": False}}},
        layer=[{"mark": {"type": "point", "opacity": 0.6}}, _diagonal("actual", "predicted", low, high)],
    )


def residuals_chart(actual: Sequence[float], predicted: Sequence[float]) -> dict[str, Any]:
    """One point per row at (predicted, actual - predicted), with the zero line."""
    rows, (a, p) = points(actual, predicted)
    values = [{"row": r, "predicted": y, "residual": x - y} for r, x, y in zip(rows, a, p, strict=True)]
    return spec(
        "residuals", "Residuals", values, height=WIDTH, meta={"rows": len(actual), "rows_shown": len(rows)},
        layer=[
            {"mark": {"type": "point", "opacity": 0.6},
             "encoding": {"x": {"field": "predicted", "type": "quantitative", "title": "Predicted",
                                "scale": {"zero": False}},
                          "y": {"field": "residual", "type": "quantitative", "title": "Residual"}}},
            {"mark": {"type": "rule", "color": "gray", "strokeDash": [4, 4]}, "data": {"values": [{}]},
             "encoding": {"y": {"datum": 0}}},
        ],
    )


def histogram_chart(column: str, counts: Sequence[int], edges: Sequence[float]) -> dict[str, Any]:
    """Bars of rows per bin of a numeric column (numpy.histogram's counts and edges)."""
    values = [{"bin_start": float(edges[i]), "bin_end": float(edges[i + 1]), "count": int(c)}
              for i, c in enumerate(counts)]
    return spec(
        "histogram", column, values, meta={"column": column},
        mark="bar",
        encoding={"x": {"field": "bin_start", "type": "quantitative", "bin": {"binned": True}, "title": column},
                  "x2": {"field": "bin_end"},
                  "y": {"field": "count", "type": "quantitative", "title": "Rows"}},
    )


def top_values_chart(column: str, counts: Sequence[tuple[str, int]], others: int) -> dict[str, Any]:
    """Bars of the most frequent values of a column, most frequent first."""
    values = [{"value": value, "count": int(count)} for value, count in counts]
    return spec(
        "top_values", column, values, meta={"column": column, "other_rows": others},
        mark="bar",
        encoding={"y": {"field": "value", "type": "nominal", "sort": "-x", "title": column},
                  "x": {"field": "count", "type": "quantitative", "title": "Rows"}},
    )


def missing_values_chart(missing: dict[str, int], rows: int) -> dict[str, Any]:
    """Bars of the missing values in each column, in the table's column order."""
    values = [{"column": name, "missing": int(count)} for name, count in missing.items()]
    return spec(
        "missing_values", "Missing values", values, meta={"rows": rows},
        mark="bar",
        encoding={"y": {"field": "column", "type": "nominal", "sort": None, "title": "Column"},
                  "x": {"field": "missing", "type": "quantitative", "title": "Missing",
                        "scale": {"domainMin": 0}}},
    )


def _diagonal(x: str, y: str, low: float, high: float) -> dict[str, Any]:
    """The dashed line where y equals x, over the parent's encoding (same fields, so the same axis titles)."""
    return {"mark": {"type": "line", "color": "gray", "strokeDash": [4, 4]},
            "data": {"values": [{x: low, y: low}, {x: high, y: high}]}}
