"""Describe each column of a table (missing, distinct, summary statistics) and chart its distribution."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from pandas.api import types

from jimu.runtime import chart_specs

PROFILE_COLUMNS = ["column", "type", "rows", "missing", "distinct", "mean", "std", "min", "max", "most_frequent"]


def is_numeric(series: pd.Series) -> bool:
    return types.is_numeric_dtype(series) and not types.is_bool_dtype(series)


def as_float(value: Any) -> float | None:
    return None if pd.isna(value) else float(value)


def describe(name: str, series: pd.Series) -> dict[str, Any]:
    """One row of the profile: counts for every column, statistics for numeric ones."""
    row = dict.fromkeys(PROFILE_COLUMNS)
    row.update(column=str(name), type=str(series.dtype), rows=len(series),
               missing=int(series.isna().sum()), distinct=int(series.nunique(dropna=True)))
    if is_numeric(series):
        values = series.astype(float)
        row.update(mean=as_float(values.mean()), std=as_float(values.std()),
                   min=as_float(values.min()), max=as_float(values.max()))
    else:
        counts = series.astype(str)[series.notna()].value_counts()
        row["most_frequent"] = str(counts.index[0]) if len(counts) else None
    return row


def distribution_chart(name: str, series: pd.Series, bins: int, top: int) -> dict[str, Any] | None:
    """A histogram of a numeric column's finite values, or the top values of another; None when it has none."""
    if is_numeric(series):
        values = series.to_numpy(dtype=float, na_value=np.nan)
        values = values[np.isfinite(values)]
        if len(values) == 0:
            return None
        counts, edges = np.histogram(values, bins=bins)
        return chart_specs.histogram_chart(str(name), counts, edges)
    counts = series[series.notna()].astype(str).value_counts()
    if len(counts) == 0:
        return None
    shown = counts.head(top)
    return chart_specs.top_values_chart(str(name), list(shown.items()), int(counts.sum() - shown.sum()))


def run(ctx) -> None:
    frame = ctx.read_table("table")
    bins, top, chart_columns = ctx.params["bins"], ctx.params["top_values"], ctx.params["chart_columns"]
    profile = pd.DataFrame([describe(name, frame[name]) for name in frame.columns], columns=PROFILE_COLUMNS)
    ctx.write_table("profile", profile)
    ctx.write_chart("profile", "missing_values", chart_specs.missing_values_chart(
        {str(name): int(frame[name].isna().sum()) for name in frame.columns}, len(frame)))
    for index, name in enumerate(frame.columns[:chart_columns]):
        chart = distribution_chart(name, frame[name], bins, top)
        if chart is None:
            ctx.log(f"column {name!r}: no values to chart")
            continue
        ctx.write_chart("profile", f"distribution_{index:03d}", chart)
    if len(frame.columns) > chart_columns:
        ctx.warn(f"distribution charts for the first {chart_columns} of {len(frame.columns)} columns; "
                 "raise param 'chart_columns' to chart more")
    ctx.log(f"profiled {len(frame.columns)} column(s) of {len(frame)} row(s)")
