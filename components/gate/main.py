"""Pass a model on when a metric meets a threshold; otherwise skip everything downstream."""

from __future__ import annotations

import operator

from jimu.runtime import FatalError
from jimu.runtime.models import copy_model

OPS = {">=": operator.ge, ">": operator.gt, "<=": operator.le, "<": operator.lt, "==": operator.eq}
NEGATED = {">=": "<", ">": "<=", "<=": ">", "<": ">=", "==": "!="}


def is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def run(ctx) -> None:
    metric, threshold = ctx.params["metric"], ctx.params["threshold"]
    op = ctx.params.get("op", ">=")
    if op not in OPS:
        raise FatalError(f"param 'op': {op!r} is not one of {list(OPS)}")
    if not is_number(threshold):
        raise FatalError(f"param 'threshold' must be a number, not {threshold!r}")
    metrics = ctx.read_metrics("metrics")
    available = sorted(name for name, value in metrics.items() if is_number(value))
    if metric not in available:
        what = "is not a number" if metric in metrics else "is not in the metrics"
        raise FatalError(f"param 'metric': {metric!r} {what}; available metrics: {', '.join(available)}")
    value = metrics[metric]
    if not OPS[op](value, threshold):
        ctx.skip_downstream(
            f"{metric} {value:.6g} {NEGATED[op]} {threshold:g} (the gate requires {metric} {op} {threshold:g})"
        )
    copy_model(ctx.input_uri("model"), ctx.output_uri("model"))
    ctx.log(f"passed: {metric} {value:.6g} {op} {threshold:g}")
