"""Fit a scikit-learn estimator on a table, or continue training a base model (warm start)."""

from __future__ import annotations

import inspect
from typing import Any

import numpy as np
import pandas as pd
from sklearn import metrics as skm
from sklearn.ensemble import (
    GradientBoostingClassifier,
    GradientBoostingRegressor,
    RandomForestClassifier,
    RandomForestRegressor,
)
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.utils.multiclass import type_of_target

# estimator param -> (class, task)
ESTIMATORS: dict[str, tuple[type, str]] = {
    "logistic_regression": (LogisticRegression, "classification"),
    "random_forest": (RandomForestClassifier, "classification"),
    "gradient_boosting": (GradientBoostingClassifier, "classification"),
    "linear_regression": (LinearRegression, "regression"),
    "random_forest_regressor": (RandomForestRegressor, "regression"),
    "gradient_boosting_regressor": (GradientBoostingRegressor, "regression"),
}
# Set by the component itself: seed sets random_state, base_model sets warm_start.
RESERVED = {"random_state": "seed", "warm_start": "the base_model input"}
# Ensembles grow by this many members per warm start unless hyperparams say otherwise.
DEFAULT_ADDED = 100


def check_hyperparams(name: str, cls: type, hyperparams: Any) -> dict[str, Any]:
    if not isinstance(hyperparams, dict):
        raise ValueError(f"param 'hyperparams' must be an object of {cls.__name__} arguments, not {hyperparams!r}")
    reserved = {key: RESERVED[key] for key in hyperparams if key in RESERVED}
    if reserved:
        fixes = "; ".join(f"{key!r} is set through {where}" for key, where in reserved.items())
        raise ValueError(f"param 'hyperparams': remove {sorted(reserved)}: {fixes}")
    known = set(inspect.signature(cls.__init__).parameters) - {"self"} - set(RESERVED)
    unknown = sorted(set(hyperparams) - known)
    if unknown:
        raise ValueError(
            f"param 'hyperparams': {cls.__name__} ({name}) takes no {unknown}; "
            f"it takes {sorted(known)}"
        )
    return dict(hyperparams)


def choose_features(frame: pd.DataFrame, label: str, features: list[str] | None) -> list[str]:
    if label not in frame.columns:
        raise ValueError(f"param 'label': the table has no column {label!r}; its columns are {list(frame.columns)}")
    if features is None:
        features = [c for c in frame.columns if c != label]
    missing = [c for c in features if c not in frame.columns]
    if missing:
        raise ValueError(f"param 'features': the table has no columns {missing}; its columns are {list(frame.columns)}")
    if label in features:
        raise ValueError(f"param 'features' lists the label {label!r}; remove it from features")
    if not features:
        raise ValueError("param 'features': the table has no columns besides the label; add feature columns")
    not_numeric = [c for c in features if not pd.api.types.is_numeric_dtype(frame[c]) or frame[c].dtype == bool]
    if not_numeric:
        raise ValueError(
            f"param 'features': columns {not_numeric} are not numeric; leave them out of features "
            "or encode them as numbers first (sql or python)"
        )
    return list(features)


def json_value(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def training_metrics(task: str, estimator: Any, x: pd.DataFrame, y: pd.Series) -> dict[str, Any]:
    predicted = estimator.predict(x)
    if task == "classification":
        return {
            "rows": len(y),
            "train_accuracy": float(skm.accuracy_score(y, predicted)),
            "train_f1_macro": float(skm.f1_score(y, predicted, average="macro")),
        }
    return {
        "rows": len(y),
        "train_r2": float(skm.r2_score(y, predicted)),
        "train_mae": float(skm.mean_absolute_error(y, predicted)),
        "train_rmse": float(np.sqrt(skm.mean_squared_error(y, predicted))),
    }


def warm_start(name: str, cls: type, base: Any, base_card: dict, hyperparams: dict, label: str) -> tuple[Any, dict]:
    """The base estimator, set up to continue training; and what the card records about it."""
    if base_card.get("algorithm") != name or type(base) is not cls:
        raise ValueError(
            f"param 'estimator' is {name!r} but base_model is a {base_card.get('algorithm') or type(base).__name__!r} "
            f"model; set estimator to {base_card.get('algorithm')!r} or connect a {name} model"
        )
    if name == "linear_regression":
        raise ValueError("linear_regression cannot warm-start: disconnect base_model or choose another estimator")
    if base_card.get("label") != label:
        raise ValueError(f"param 'label' is {label!r} but base_model predicts {base_card.get('label')!r}; use the same label")
    record: dict[str, Any] = {
        "base_trained_rows": base_card.get("trained_rows"),
        "base_hyperparams": base_card.get("hyperparams", {}),
    }
    settings = dict(hyperparams)
    if hasattr(base, "n_estimators"):  # ensembles: add members to the fitted ones
        added = settings.pop("n_estimators", DEFAULT_ADDED)
        fitted = len(base.estimators_)
        settings["n_estimators"] = fitted + added
        record.update({"base_n_estimators": fitted, "added_n_estimators": added})
    base.set_params(warm_start=True, **settings)
    return base, record


def run(ctx) -> None:
    params = ctx.params
    name = params.get("estimator", "random_forest")
    if name not in ESTIMATORS:
        raise ValueError(f"param 'estimator': {name!r} is not one of {sorted(ESTIMATORS)}")
    cls, task = ESTIMATORS[name]
    label = params["label"]
    hyperparams = check_hyperparams(name, cls, params.get("hyperparams", {}))
    seed = int(params.get("seed", 0))

    base_card = None
    if ctx.input_uri("base_model") is not None:
        base, base_card = ctx.read_model("base_model")

    frame = ctx.read_table("table")
    features = params.get("features")
    if features is None and base_card is not None:
        features = base_card.get("features")
    features = choose_features(frame, label, features)
    if base_card is not None and features != base_card.get("features"):
        raise ValueError(
            f"param 'features' {features} differ from base_model's {base_card.get('features')}; "
            "a warm start needs the same features in the same order"
        )
    x, y = frame[features], frame[label]
    if y.isna().any():
        raise ValueError(f"param 'label': column {label!r} has {int(y.isna().sum())} empty values; drop those rows first")

    card: dict[str, Any] = {"algorithm": name, "task": task, "features": features, "label": label}
    if base_card is not None:
        if task == "classification":
            unseen = sorted(set(y.unique().tolist()) - set(base_card.get("classes", [])), key=str)
            if unseen:
                raise ValueError(
                    f"the table has classes {unseen} that base_model never saw (it knows {base_card.get('classes')}); "
                    "train a new model instead of warm-starting"
                )
        estimator, card["warm_start"] = warm_start(name, cls, base, base_card, hyperparams, label)
        if "random_state" in estimator.get_params():
            estimator.set_params(random_state=seed)
    else:
        settings = dict(hyperparams)
        if "random_state" in inspect.signature(cls.__init__).parameters:
            settings["random_state"] = seed
        estimator = cls(**settings)

    if task == "classification" and type_of_target(y).startswith("continuous"):
        raise ValueError(
            f"param 'label': column {label!r} holds continuous values, which {name} cannot classify; choose a "
            "regressor estimator (linear_regression, random_forest_regressor, gradient_boosting_regressor)"
        )
    try:
        estimator.fit(x, y)
    except ValueError as exc:
        raise ValueError(f"{cls.__name__} could not fit (check param 'hyperparams' and the table): {exc}") from exc

    if task == "classification":
        card["classes"] = [json_value(c) for c in estimator.classes_]
    card.update({
        "hyperparams": hyperparams,
        "seed": seed,
        "trained_rows": len(frame),
    })
    metrics = training_metrics(task, estimator, x, y)
    if hasattr(estimator, "estimators_"):
        metrics["n_estimators"] = len(estimator.estimators_)
    ctx.write_model("model", estimator, card)
    ctx.write_metrics("metrics", metrics)
    ctx.log(f"trained {name} on {len(frame)} rows, {len(features)} features: {metrics}")
