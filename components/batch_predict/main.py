"""Add a model's predictions (and class probabilities) to a table."""

from __future__ import annotations

from jimu.runtime.models import feature_frame


def run(ctx) -> None:
    estimator, card = ctx.read_model("model")
    frame = ctx.read_table("table")
    x = feature_frame(frame, card)
    added = {"prediction": estimator.predict(x) if len(frame) else []}
    if card.get("task", "classification") == "classification" and hasattr(estimator, "predict_proba"):
        proba = estimator.predict_proba(x) if len(frame) else None
        for i, cls in enumerate(estimator.classes_):
            added[f"probability_{cls}"] = proba[:, i] if proba is not None else []
    clashes = [name for name in added if name in frame.columns]
    if clashes:
        raise ValueError(
            f"input 'table' already has columns {clashes}, which this node adds; drop or rename them first"
        )
    result = frame.assign(**added)
    ctx.write_table("table", result)
    ctx.log(f"predicted {len(result)} rows")
