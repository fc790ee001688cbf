"""Rescale numeric columns (z-score or min-max) and write the statistics that reproduce it."""

from __future__ import annotations

import pandas as pd
from pandas.api import types

METHODS = ("zscore", "minmax")


def is_numeric(series: pd.Series) -> bool:
    return types.is_numeric_dtype(series) and not types.is_bool_dtype(series)


def list_param(params: dict, name: str) -> list[str] | None:
    value = params.get(name)
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"param {name!r}: {value!r} is not a list of column names; write e.g. [\"age\", \"income\"]")
    return value


def chosen_columns(frame: pd.DataFrame, params: dict) -> list[str]:
    """The columns to rescale: `columns` (or every numeric one) minus `exclude`, all checked."""
    known = ", ".join(map(str, frame.columns))
    exclude = list_param(params, "exclude") or []
    for name in exclude:
        if name not in frame.columns:
            raise ValueError(
                f"param 'exclude': the input table has no column {name!r} (columns: {known}); fix or remove the name"
            )
    columns = list_param(params, "columns")
    if columns is None:
        columns = [c for c in frame.columns if is_numeric(frame[c])]
    else:
        for name in columns:
            if name not in frame.columns:
                raise ValueError(
                    f"param 'columns': the input table has no column {name!r} (columns: {known}); fix or remove the name"
                )
            if not is_numeric(frame[name]):
                raise ValueError(
                    f"param 'columns': column {name!r} is {frame[name].dtype}, not numeric; "
                    "remove it, or encode it first (one_hot)"
                )
    chosen = [c for c in columns if c not in exclude]
    if not chosen:
        raise ValueError("param 'columns': no numeric column is left to rescale; name them in columns or shorten exclude")
    return chosen


def column_stats(series: pd.Series, method: str) -> dict[str, float]:
    values = series.astype("float64")
    if method == "zscore":
        mean, std = values.mean(), values.std(ddof=0)
        # As scikit-learn: a constant column is centered, not divided by zero.
        return {"mean": mean, "std": std, "center": mean, "scale": std if std > 0 else 1.0}
    low, high = values.min(), values.max()
    return {"min": low, "max": high, "center": low, "scale": high - low if high > low else 1.0}


def run(ctx) -> None:
    method = ctx.params.get("method", "zscore")
    if method not in METHODS:
        raise ValueError(f"param 'method': {method!r} is unknown; use one of {', '.join(METHODS)}")
    frame = ctx.read_table("table")
    columns = chosen_columns(frame, ctx.params)
    stats = {}
    for name in columns:
        if frame[name].notna().sum() == 0:
            raise ValueError(
                f"param 'columns': column {name!r} has no values to compute statistics from; "
                "add it to exclude or impute it first"
            )
        stats[name] = {k: float(v) for k, v in column_stats(frame[name], method).items()}
        frame[name] = (frame[name].astype("float64") - stats[name]["center"]) / stats[name]["scale"]
    ctx.log(f"rescaled {len(columns)} column(s) with {method}: {', '.join(map(str, columns))}")
    ctx.write_table("table", frame)
    ctx.write_metrics("stats", {"method": method, "ddof": 0, "columns": stats})
