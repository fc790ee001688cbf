"""Score a model on held-out rows with scikit-learn's metrics, and chart them (jimu.runtime.chart_specs)."""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
from sklearn import metrics as skm
from sklearn.exceptions import UndefinedMetricWarning

from jimu.runtime import chart_specs
from jimu.runtime.models import feature_frame


def json_list(values) -> list:
    return [v.item() if isinstance(v, np.generic) else v for v in values]


def classification_metrics(classes, y, predicted, proba, log) -> dict[str, Any]:
    """`proba`: predict_proba's answer (columns in `classes` order), None for a model without one (no roc_auc)."""
    labels = np.unique(np.concatenate([np.asarray(y), np.asarray(predicted)]))
    result: dict[str, Any] = {
        "rows": len(y),
        "accuracy": float(skm.accuracy_score(y, predicted)),
        "f1_macro": float(skm.f1_score(y, predicted, average="macro", zero_division=0)),
        "precision_macro": float(skm.precision_score(y, predicted, average="macro", zero_division=0)),
        "recall_macro": float(skm.recall_score(y, predicted, average="macro", zero_division=0)),
        "confusion_matrix": skm.confusion_matrix(y, predicted, labels=labels).tolist(),
        "confusion_labels": json_list(labels),
    }
    if proba is not None:
        roc_auc = roc_auc_or_reason(classes, y, proba)
        if isinstance(roc_auc, float):
            result["roc_auc"] = roc_auc
        else:
            log(f"roc_auc left out: {roc_auc}")
    return result


def roc_auc_or_reason(classes, y, proba) -> float | str:
    """Binary ROC AUC, or one-vs-rest averaged over the classes; why not, when it is undefined."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", UndefinedMetricWarning)
        try:
            if len(classes) == 2:
                value = float(skm.roc_auc_score(y, proba[:, 1]))
            else:
                value = float(skm.roc_auc_score(y, proba, multi_class="ovr", labels=classes))
        except ValueError as exc:  # e.g. a class of the model missing from the held-out rows
            return str(exc)
    if not math.isfinite(value):
        return "; ".join(str(w.message) for w in caught) or "it is undefined on these rows"
    return value


def regression_metrics(y, predicted) -> dict[str, Any]:
    return {
        "rows": len(y),
        "r2": float(skm.r2_score(y, predicted)),
        "mae": float(skm.mean_absolute_error(y, predicted)),
        "rmse": float(np.sqrt(skm.mean_squared_error(y, predicted))),
    }


def run(ctx) -> None:
    estimator, card = ctx.read_model("model")
    frame = ctx.read_table("table")
    label = card.get("label")
    if label not in frame.columns:
        raise ValueError(
            f"input 'table' has no label column {label!r}, which the model predicts; "
            "evaluate on held-out rows that still carry it"
        )
    x, y = feature_frame(frame, card), frame[label]
    if len(frame) == 0:
        raise ValueError("input 'table' has no rows; connect a non-empty held-out table")
    predicted = estimator.predict(x)
    if card.get("task", "classification") == "classification":
        # Once: the ROC AUC and the ROC curve both need it, and a large forest takes a while.
        proba = estimator.predict_proba(x) if hasattr(estimator, "predict_proba") else None
        result = classification_metrics(estimator.classes_, y, predicted, proba, ctx.log)
        charts = classification_charts(estimator.classes_, y, proba, result)
    else:
        result = regression_metrics(y, predicted)
        charts = regression_charts(y, predicted)
    importance = feature_importance_chart(estimator, list(x.columns))
    if importance is not None:
        charts["feature_importance"] = importance
    ctx.write_metrics("metrics", result)
    for name, spec in charts.items():
        ctx.write_chart("metrics", name, spec)
    ctx.log("; ".join(f"{k}={v:.4f}" for k, v in result.items() if isinstance(v, float)))


def classification_charts(classes, y, proba, result: dict[str, Any]) -> dict[str, dict]:
    """The confusion matrix; the ROC curve too for a binary model whose ROC AUC is defined here."""
    charts = {"confusion_matrix": chart_specs.confusion_matrix_chart(result["confusion_matrix"],
                                                                     result["confusion_labels"])}
    if "roc_auc" in result and len(classes) == 2:
        positive = classes[1]
        fpr, tpr, thresholds = skm.roc_curve(y, proba[:, 1], pos_label=positive)
        charts["roc_curve"] = chart_specs.roc_curve_chart(fpr, tpr, thresholds, result["roc_auc"],
                                                          json_list([positive])[0])
    return charts


def regression_charts(y, predicted) -> dict[str, dict]:
    actual = np.asarray(y, dtype=float)
    return {"predicted_vs_actual": chart_specs.predicted_vs_actual_chart(actual, predicted),
            "residuals": chart_specs.residuals_chart(actual, predicted)}


def feature_importance_chart(estimator: Any, features: list[str]) -> dict | None:
    """Trees' feature_importances_, or a linear model's |coef_| (averaged over classes); None for others."""
    if hasattr(estimator, "feature_importances_"):
        return chart_specs.feature_importance_chart(features, estimator.feature_importances_, "feature_importances_")
    coef = getattr(estimator, "coef_", None)
    if coef is None:
        return None
    magnitude = np.abs(np.atleast_2d(coef)).mean(axis=0)
    return chart_specs.feature_importance_chart(features, magnitude, "mean |coef_| over classes")
