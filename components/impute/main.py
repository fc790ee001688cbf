"""Fill missing values with a column's mean, median, most frequent value or a constant."""

from __future__ import annotations

import pandas as pd
from pandas.api import types

STRATEGIES = ("mean", "median", "most_frequent", "constant")


def is_numeric(series: pd.Series) -> bool:
    return types.is_numeric_dtype(series) and not types.is_bool_dtype(series)


def chosen_columns(frame: pd.DataFrame, params: dict) -> list[str]:
    columns = params.get("columns")
    if columns is None:
        return [c for c in frame.columns if frame[c].isna().any()]
    if not isinstance(columns, list) or not all(isinstance(c, str) for c in columns):
        raise ValueError(f"param 'columns': {columns!r} is not a list of column names; write e.g. [\"age\"]")
    for name in columns:
        if name not in frame.columns:
            raise ValueError(
                f"param 'columns': the input table has no column {name!r} "
                f"(columns: {', '.join(map(str, frame.columns))}); fix or remove the name"
            )
    return columns


def fill_value_for(series: pd.Series, strategy: str, params: dict):
    name = series.name
    if strategy == "constant":
        if "fill_value" not in params or params["fill_value"] is None:
            raise ValueError("param 'fill_value': strategy 'constant' needs a fill_value; set it, e.g. 0 or \"unknown\"")
        value = params["fill_value"]
        if is_numeric(series) and (isinstance(value, (str, bool))):
            raise ValueError(
                f"param 'fill_value': {value!r} cannot fill numeric column {name!r}; give a number, "
                "or leave that column out of columns"
            )
        return value
    if strategy in ("mean", "median") and not is_numeric(series):
        raise ValueError(
            f"param 'strategy': {strategy} needs numeric columns, and {name!r} is {series.dtype}; "
            "use most_frequent or constant for it, or leave it out of columns"
        )
    present = series.dropna()
    if present.empty:
        raise ValueError(
            f"param 'columns': column {name!r} has no values to compute a {strategy} from; "
            "use strategy constant, or leave it out of columns"
        )
    if strategy == "mean":
        return float(present.astype("float64").mean())
    if strategy == "median":
        return float(present.astype("float64").median())
    return present.mode().iloc[0]  # mode() is sorted: the smallest of tied values, as SimpleImputer


def run(ctx) -> None:
    strategy = ctx.params.get("strategy", "mean")
    if strategy not in STRATEGIES:
        raise ValueError(f"param 'strategy': {strategy!r} is unknown; use one of {', '.join(STRATEGIES)}")
    frame = ctx.read_table("table")
    filled = {}
    for name in chosen_columns(frame, ctx.params):
        value = fill_value_for(frame[name], strategy, ctx.params)
        missing = int(frame[name].isna().sum())
        if missing:
            if is_numeric(frame[name]) and isinstance(value, float):
                frame[name] = frame[name].astype("float64")  # a mean does not fit an integer column
            frame[name] = frame[name].fillna(value)
        filled[name] = missing
    ctx.log(f"filled with {strategy}: " + (", ".join(f"{k} ({v} rows)" for k, v in filled.items()) or "nothing"))
    ctx.write_table("table", frame)
