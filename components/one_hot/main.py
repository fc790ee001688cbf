"""One-hot encode categorical columns into <column>_<value> true/false (or 1/0) columns."""

from __future__ import annotations

import pandas as pd
from pandas.api import types


def _column_list(params: dict, name: str, example: str) -> list[str] | None:
    value = params.get(name)
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(c, str) for c in value):
        raise ValueError(f"param {name!r}: {value!r} is not a list of column names; write e.g. [\"{example}\"]")
    if len(set(value)) != len(value):
        raise ValueError(f"param {name!r}: a column is named twice; name each once")
    return value


def _check_known(frame: pd.DataFrame, param: str, names: list[str]) -> None:
    for name in names:
        if name not in frame.columns:
            raise ValueError(
                f"param {param!r}: the input table has no column {name!r} "
                f"(columns: {', '.join(map(str, frame.columns))}); fix or remove the name"
            )


def is_text(series: pd.Series) -> bool:
    return types.is_string_dtype(series) or types.is_object_dtype(series)


def chosen_columns(params: dict, frame: pd.DataFrame) -> list[str]:
    """`columns`, or every text column; minus `exclude`."""
    exclude = _column_list(params, "exclude", "label") or []
    _check_known(frame, "exclude", exclude)
    columns = _column_list(params, "columns", "color")
    if columns is None:
        columns = [c for c in frame.columns if is_text(frame[c])]
    elif not columns:
        raise ValueError("param 'columns': [] names no column; name the columns to encode, or leave it out")
    else:
        _check_known(frame, "columns", columns)
    return [c for c in columns if c not in exclude]


def check_options(params: dict) -> tuple[bool, int, bool]:
    limit = params.get("max_categories", 50)
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise ValueError(f"param 'max_categories': {limit!r} is not a positive integer; use e.g. 50")
    flags = {name: params.get(name, False) for name in ("drop_first", "as_numbers")}
    for name, value in flags.items():
        if not isinstance(value, bool):
            raise ValueError(f"param {name!r}: {value!r} is not true or false")
    return flags["drop_first"], limit, flags["as_numbers"]


def encode(series: pd.Series, drop_first: bool, limit: int, named: bool) -> dict[str, pd.Series]:
    values = sorted(series.dropna().unique())
    if len(values) > limit:
        hint = ("raise max_categories, or group rare values first (it may be an id, not a category)" if named else
                "it looks like an id or free text, not a category: remove it from the data, or raise max_categories")
        raise ValueError(
            f"param 'max_categories': column {series.name!r} has {len(values)} distinct values, more than {limit}; {hint}"
        )
    if drop_first:
        values = values[1:]
    return {f"{series.name}_{value}": (series == value).fillna(False).astype(bool) for value in values}


def run(ctx) -> None:
    frame = ctx.read_table("table")
    columns = chosen_columns(ctx.params, frame)
    drop_first, limit, as_numbers = check_options(ctx.params)
    kept = [c for c in frame.columns if c not in columns]
    encoded: dict[str, pd.Series] = {}
    for name in columns:
        for new, dummy in encode(frame[name], drop_first, limit, "columns" in ctx.params).items():
            if new in kept or new in encoded:
                raise ValueError(
                    f"param 'columns': encoding {name!r} makes a column {new!r}, which the table already has; "
                    "rename that column first"
                )
            encoded[new] = dummy.astype("int64") if as_numbers else dummy
    result = pd.concat([frame[kept], pd.DataFrame(encoded, index=frame.index)], axis=1)
    if as_numbers:  # a yes/no column is one-hot already: only its type changes
        exclude = ctx.params.get("exclude") or []
        for name in [c for c in kept if c not in exclude and types.is_bool_dtype(result[c])]:
            result[name] = result[name].astype("int64")
    ctx.log(f"encoded {len(columns)} column(s) into {len(encoded)} column(s)"
            + (f": {', '.join(map(str, columns))}" if columns else ""))
    ctx.write_table("table", result)
