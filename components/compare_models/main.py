"""Champion/challenger: pass the new model on only if it beats the served one on the same held-out rows."""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn import metrics as skm

from jimu.runtime import FatalError, chart_specs
from jimu.runtime.models import copy_model, feature_frame
from jimu.runtime.served import ServedModelError, read_served_model


def _roc_auc(y, model, x) -> float:
    proba = model.predict_proba(x)
    if len(model.classes_) == 2:
        return skm.roc_auc_score(y, proba[:, 1])
    return skm.roc_auc_score(y, proba, multi_class="ovr", labels=model.classes_)


def _on_predictions(function):
    return lambda y, model, x: function(y, model.predict(x))


# metric -> (the task it scores, higher is better, score(y, model, x))
METRICS: dict[str, tuple[str, bool, Any]] = {
    "accuracy": ("classification", True, _on_predictions(skm.accuracy_score)),
    "f1_macro": ("classification", True,
                 _on_predictions(lambda y, p: skm.f1_score(y, p, average="macro", zero_division=0))),
    "precision_macro": ("classification", True,
                        _on_predictions(lambda y, p: skm.precision_score(y, p, average="macro", zero_division=0))),
    "recall_macro": ("classification", True,
                     _on_predictions(lambda y, p: skm.recall_score(y, p, average="macro", zero_division=0))),
    "roc_auc": ("classification", True, _roc_auc),
    "r2": ("regression", True, _on_predictions(skm.r2_score)),
    "mae": ("regression", False, _on_predictions(skm.mean_absolute_error)),
    "rmse": ("regression", False, _on_predictions(lambda y, p: np.sqrt(skm.mean_squared_error(y, p)))),
}


def score(metric: str, model: Any, card: dict[str, Any], frame, who: str) -> float:
    """`metric` of one model on the rows, each model reading its own feature columns."""
    try:
        x = feature_frame(frame, card)
    except ValueError as exc:
        raise FatalError(f"the {who}: {exc}") from None
    try:
        value = float(METRICS[metric][2](frame[card["label"]], model, x))
    except (ValueError, AttributeError) as exc:  # e.g. roc_auc of a model without probabilities
        raise FatalError(f"param 'metric': {metric} of the {who} cannot be computed on these rows: {exc}") from None
    if not np.isfinite(value):
        raise FatalError(f"param 'metric': {metric} of the {who} is undefined on these rows; choose another metric")
    return value


def check_challenger(metric: str, card: dict[str, Any], frame) -> None:
    task, label = card.get("task", "classification"), card.get("label")
    if METRICS[metric][0] != task:
        usable = ", ".join(name for name, (kind, _, _) in METRICS.items() if kind == task)
        raise FatalError(f"param 'metric': {metric} does not score a {task} model; use one of {usable}")
    if label not in frame.columns:
        raise FatalError(f"input 'table' has no label column {label!r}, which the challenger predicts; "
                         "compare on held-out rows that still carry it")
    if len(frame) == 0:
        raise FatalError("input 'table' has no rows; connect a non-empty held-out table")


def read_champion(deployment: str, challenger_card: dict[str, Any]) -> tuple[str, Any, dict[str, Any]] | None:
    """(uri, model, card) of the model `deployment` serves, None when nothing is served under that name."""
    try:
        served = read_served_model(deployment)
    except ServedModelError as exc:
        raise FatalError(f"param 'deployment': {exc}") from None
    if served is None:
        return None
    uri, model, card = served
    for key, default in (("task", "classification"), ("label", None)):
        if card.get(key, default) != challenger_card.get(key, default):
            raise FatalError(
                f"deployment {deployment!r} serves a model whose {key} is {card.get(key, default)!r}, "
                f"the challenger's is {challenger_card.get(key, default)!r}: they do not predict the same thing; "
                "compare with the deployment of the same target, or name a new deployment"
            )
    return uri, model, card


def comparison_chart(metric: str, scores: dict[str, float], higher_is_better: bool) -> dict[str, Any]:
    """One bar per model: its score on the held-out rows."""
    values = [{"model": who, "score": value} for who, value in scores.items()]
    better = "higher" if higher_is_better else "lower"
    return chart_specs.spec(
        "model_comparison", f"{metric} on the held-out rows ({better} is better)", values,
        meta={"metric": metric, "higher_is_better": higher_is_better}, mark="bar",
        encoding={"x": {"field": "model", "type": "nominal", "title": "Model", "sort": list(scores),
                        "axis": {"labelAngle": 0}},
                  "y": {"field": "score", "type": "quantitative", "title": metric}},
    )


def run(ctx) -> None:
    deployment, metric = ctx.params["deployment"], ctx.params["metric"]
    margin = ctx.params.get("margin", 0)
    if metric not in METRICS:
        raise FatalError(f"param 'metric': {metric!r} is not one of {', '.join(METRICS)}")
    if isinstance(margin, bool) or not isinstance(margin, int | float) or margin < 0:
        raise FatalError(f"param 'margin': {margin!r} is not a number of at least 0")
    higher_is_better = METRICS[metric][1]
    challenger, card = ctx.read_model("model")
    frame = ctx.read_table("table")
    check_challenger(metric, card, frame)
    scores = {"challenger": score(metric, challenger, card, frame, "challenger")}
    champion = read_champion(deployment, card)
    result: dict[str, Any] = {"metric": metric, "higher_is_better": higher_is_better, "rows": len(frame),
                              "margin": margin, "challenger": scores["challenger"]}
    if champion is not None:
        uri, model, champion_card = champion
        scores["champion"] = score(metric, model, champion_card, frame, f"champion (served as {deployment!r})")
        improvement = scores["challenger"] - scores["champion"]
        improvement = improvement if higher_is_better else -improvement
        result.update(champion=scores["champion"], improvement=improvement, champion_model_uri=uri)
    ctx.write_metrics("metrics", result)
    ctx.write_chart("metrics", "model_comparison", comparison_chart(metric, scores, higher_is_better))
    if champion is None:
        ctx.log(f"nothing is served as {deployment!r} yet: the challenger ({metric} {scores['challenger']:.6g}) "
                "is the first model to serve")
    elif improvement <= 0 or improvement < margin:
        ctx.skip_downstream(
            f"the challenger's {metric} {scores['challenger']:.6g} does not beat the champion's "
            f"{scores['champion']:.6g} (served as {deployment!r}, {'higher' if higher_is_better else 'lower'} "
            f"is better) by the margin {margin:g}: the champion stays in service"
        )
    else:
        ctx.log(f"the challenger's {metric} {scores['challenger']:.6g} beats the champion's "
                f"{scores['champion']:.6g} by {improvement:.6g} (margin {margin:g})")
    copy_model(ctx.input_uri("model"), ctx.output_uri("model"))
