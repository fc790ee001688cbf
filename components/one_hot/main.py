"""One-hot encode categorical columns into <column>_<value> true/false columns."""

from __future__ import annotations

import pandas as pd


def check_params(params: dict, frame: pd.DataFrame) -> tuple[list[str], bool, int]:
    columns = params.get("columns")
    if not columns or not isinstance(columns, list) or not all(isinstance(c, str) for c in columns):
        raise ValueError(f"param 'columns': {columns!r} is not a list of column names; write e.g. [\"color\"]")
    for name in columns:
        if name not in frame.columns:
            raise ValueError(
                f"param 'columns': the input table has no column {name!r} "
                f"(columns: {', '.join(map(str, frame.columns))}); fix or remove the name"
            )
    if len(set(columns)) != len(columns):
        raise ValueError("param 'columns': a column is named twice; name each once")
    limit = params.get("max_categories", 50)
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise ValueError(f"param 'max_categories': {limit!r} is not a positive integer; use e.g. 50")
    drop_first = params.get("drop_first", False)
    if not isinstance(drop_first, bool):
        raise ValueError(f"param 'drop_first': {drop_first!r} is not true or false")
    return columns, drop_first, limit


def encode(series: pd.Series, drop_first: bool, limit: int) -> dict[str, pd.Series]:
    values = sorted(series.dropna().unique())
    if len(values) > limit:
        raise ValueError(
            f"param 'max_categories': column {series.name!r} has {len(values)} distinct values, more than "
            f"{limit}; raise max_categories, or group rare values first (it may be an id, not a category)"
        )
    if drop_first:
        values = values[1:]
    return {f"{series.name}_{value}": (series == value).fillna(False).astype(bool) for value in values}


def run(ctx) -> None:
    frame = ctx.read_table("table")
    columns, drop_first, limit = check_params(ctx.params, frame)
    kept = [c for c in frame.columns if c not in columns]
    encoded: dict[str, pd.Series] = {}
    for name in columns:
        for new, dummy in encode(frame[name], drop_first, limit).items():
            if new in kept or new in encoded:
                raise ValueError(
                    f"param 'columns': encoding {name!r} makes a column {new!r}, which the table already has; "
                    "rename that column first"
                )
            encoded[new] = dummy
    result = pd.concat([frame[kept], pd.DataFrame(encoded, index=frame.index)], axis=1)
    ctx.log(f"encoded {len(columns)} column(s) into {len(encoded)} column(s)")
    ctx.write_table("table", result)
