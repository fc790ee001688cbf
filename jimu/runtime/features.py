"""Numeric feature columns chosen by a component's `features` and `exclude` params (cluster, detect_anomalies)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from pandas.api import types

from jimu.runtime.context import FatalError


def is_numeric(series: pd.Series) -> bool:
    """Numbers a model can use: not yes/no columns, which pandas counts as numeric."""
    return types.is_numeric_dtype(series) and not types.is_bool_dtype(series)


def _names(params: dict[str, Any], name: str) -> list[str] | None:
    value = params.get(name)
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise FatalError(f"param {name!r}: {value!r} is not a list of column names; write e.g. [\"age\", \"income\"]")
    return value


def _check_known(frame: pd.DataFrame, param: str, names: list[str]) -> None:
    unknown = [n for n in names if n not in frame.columns]
    if unknown:
        raise FatalError(f"param {param!r}: the input table has no column {unknown[0]!r} "
                         f"(its columns: {', '.join(map(str, frame.columns))}); fix or remove the name")


def feature_columns(frame: pd.DataFrame, params: dict[str, Any]) -> list[str]:
    """`features` (default: every numeric column) minus `exclude`; FatalError naming the param when one is wrong."""
    exclude = _names(params, "exclude") or []
    _check_known(frame, "exclude", exclude)
    features = _names(params, "features")
    if features is None:
        features = [c for c in frame.columns if is_numeric(frame[c])]
    else:
        _check_known(frame, "features", features)
        for name in features:
            if not is_numeric(frame[name]):
                raise FatalError(f"param 'features': column {name!r} is {frame[name].dtype}, not numbers; "
                                 "remove it, or encode it first (one_hot)")
    chosen = [c for c in features if c not in exclude]
    if not chosen:
        raise FatalError("param 'features': no numeric column is left to use; name the columns in 'features' "
                         "or shorten 'exclude'")
    return chosen


def complete_rows(frame: pd.DataFrame, features: list[str]) -> np.ndarray:
    """A mask of the rows with a finite value in every feature: the only ones a model can place."""
    values = frame[features].to_numpy(dtype=float, na_value=np.nan)
    return np.isfinite(values).all(axis=1)


def check_new_columns(frame: pd.DataFrame, names: list[str]) -> None:
    """The columns a component adds must not overwrite the input's own."""
    taken = [n for n in names if n in frame.columns]
    if taken:
        raise FatalError(f"the input table already has a column {taken[0]!r}, which this component adds; "
                         "rename or drop it first (sql: SELECT * EXCLUDE (...))")
