"""Run a user's Python function over upstream DataFrames; its result is the output table."""

from __future__ import annotations

import pandas as pd


def load_function(code: str, name: str):
    namespace: dict = {"__name__": "jimu_user_code"}
    exec(compile(code, "<node code>", "exec"), namespace)  # the node's code is the point here
    func = namespace.get(name)
    if not callable(func):
        raise NameError(f"the code defines no function {name!r}")
    return func


def run(ctx) -> None:
    func = load_function(ctx.params["code"], ctx.params.get("function", "transform"))
    result = func(ctx.read_tables("tables"), dict(ctx.params.get("args", {})))
    if not isinstance(result, pd.DataFrame):
        raise TypeError(f"the function returned {type(result).__name__}, not a pandas DataFrame")
    ctx.write_table("table", result)
