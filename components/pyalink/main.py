"""Run an Alink (PyAlink) batch job over the input table, locally in this process's own JVM.

Runs under Python 3.8 (PyAlink 1.6 supports 3.6-3.8 only): keep this file free of 3.9+ syntax.
"""

from __future__ import annotations

import os
from typing import Any

import pandas as pd

# Flink 1.13 reflects into JDK internals. Java 16+ refuses that unless the packages are opened;
# Java 9-15 only warns, and -XX:+IgnoreUnrecognizedVMOptions lets a Java 8 JVM skip the flags.
# java.lang and java.util are the ones a StandardScaler + LogisticRegression job needs on Java 17
# (without java.util the job fails silently: collectToDataframe finds no result); the others
# are opened for operators that touch buffers, reflection and concurrency internals.
ADD_OPENS = (
    "java.base/java.lang",
    "java.base/java.util",
    "java.base/java.nio",
    "java.base/java.lang.reflect",
    "java.base/java.util.concurrent",
    "java.base/java.util.concurrent.atomic",
    "java.base/java.io",
    "java.base/java.net",
    "java.base/sun.nio.ch",
)
JVM_OPTIONS = " ".join(["-XX:+IgnoreUnrecognizedVMOptions"] + [f"--add-opens={p}=ALL-UNNAMED" for p in ADD_OPENS])

# pandas dtype kind -> Alink column type
ALINK_TYPES = {"i": "long", "u": "long", "f": "double", "b": "boolean", "M": "timestamp"}

# Short keys a chain step may use, and the Alink param each one sets.
STEP_KEYS = {
    "columns": "selectedCols",
    "features": "featureCols",
    "label": "labelCol",
    "prediction": "predictionCol",
    "output_columns": "outputCols",
    "reserved": "reservedCols",
}
PREDICTION_COL = "prediction"


def java_tool_options(current: str) -> str:
    """JAVA_TOOL_OPTIONS with the Alink flags added (kept once, after what was already set)."""
    missing = [flag for flag in JVM_OPTIONS.split() if flag not in current.split()]
    return " ".join([current.strip(), *missing]).strip()


def schema_string(frame: pd.DataFrame) -> str:
    """Alink's schema string for a DataFrame: `name type, ...`."""
    return ", ".join(f"{name} {ALINK_TYPES.get(dtype.kind, 'string')}" for name, dtype in frame.dtypes.items())


def to_alink_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Timestamps without a zone (Alink has none) and strings for every non-typed column."""
    frame = frame.copy()
    for name, dtype in frame.dtypes.items():
        if dtype.kind == "M" and getattr(dtype, "tz", None) is not None:
            frame[name] = frame[name].dt.tz_convert("UTC").dt.tz_localize(None)
        elif dtype.kind not in ALINK_TYPES:
            frame[name] = frame[name].map(lambda v: v if v is None or pd.isna(v) else str(v))
    return frame


def build_stage(step: dict[str, Any]):
    """One pipeline stage from a chain step: {"op": "StandardScaler", "columns": [...], ...}."""
    import pyalink.alink.pipeline as alink_pipeline
    from pyalink.alink.pipeline.base import Estimator, Transformer

    step = dict(step)
    name = step.pop("op", None)
    cls = getattr(alink_pipeline, name, None) if isinstance(name, str) and not name.startswith("_") else None
    if not (isinstance(cls, type) and issubclass(cls, (Estimator, Transformer))):
        raise ValueError(f"chain step op {name!r} is not an Alink pipeline estimator or transformer")
    params = dict(step.pop("params", None) or {})
    for key, value in step.items():
        if key not in STEP_KEYS:
            raise ValueError(f"chain step {name}: unknown key {key!r} (use {sorted(STEP_KEYS)} or params)")
        params[STEP_KEYS[key]] = value
    stage = cls()
    if "labelCol" in params and "predictionCol" not in params and hasattr(stage, "setPredictionCol"):
        params["predictionCol"] = PREDICTION_COL
    for param, value in params.items():
        setter = getattr(stage, "set" + param[:1].upper() + param[1:], None)
        if setter is None:
            raise ValueError(f"chain step {name}: Alink has no param {param!r}")
        setter(value)
    return stage


def run_chain(source, chain: list[dict[str, Any]]):
    """Fit the chain on the input and transform the input with the fitted pipeline."""
    from pyalink.alink import Pipeline

    if not chain:
        raise ValueError("chain is empty")
    pipeline = Pipeline()
    for step in chain:
        pipeline.add(build_stage(step))
    return pipeline.fit(source).transform(source)


def run_script(source, code: str, args: dict[str, Any]):
    namespace: dict[str, Any] = {"__name__": "jimu_user_code"}
    exec(compile(code, "<node script>", "exec"), namespace)  # the node's code is the point here
    transform = namespace.get("transform")
    if not callable(transform):
        raise NameError("the script defines no function 'transform(source_op, params)'")
    return transform(source, dict(args))


def run(ctx) -> None:
    script, chain = ctx.params.get("script"), ctx.params.get("chain")
    if (script is None) == (chain is None):
        raise ValueError("set exactly one of params.script and params.chain")
    frame = ctx.read_table("table")
    ctx.log(f"{len(frame)} rows x {len(frame.columns)} columns in; starting a local Alink environment")
    os.environ["JAVA_TOOL_OPTIONS"] = java_tool_options(os.environ.get("JAVA_TOOL_OPTIONS", ""))

    from pyalink.alink import BatchOperator, collectToDataframes, resetEnv, useLocalEnv

    useLocalEnv(int(ctx.params.get("parallelism", 1)))
    try:
        source = BatchOperator.fromDataframe(to_alink_frame(frame), schemaStr=schema_string(frame))
        if chain is not None:
            result = run_chain(source, chain)
        else:
            result = run_script(source, script, ctx.params.get("args", {}))
        if not isinstance(result, BatchOperator):
            raise TypeError(f"the job returned {type(result).__name__}, not an Alink BatchOperator")
        frames = collectToDataframes(result)
        if not frames:  # PyAlink returns nothing when the Java side failed without raising
            raise RuntimeError("Alink returned no result: the Java job failed (see the JVM output above)")
        out = frames[0]
    finally:
        resetEnv()
    ctx.write_table("table", out)
