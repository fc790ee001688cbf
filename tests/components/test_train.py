"""train on scikit-learn's bundled datasets, checked against the same estimators fitted here."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer, load_diabetes, load_iris
from sklearn.ensemble import GradientBoostingClassifier, RandomForestClassifier, RandomForestRegressor
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import train_test_split

from jimu.runtime.models import read_model
from jimu.testing import run_component as run_folder


@pytest.fixture
def run_ml(tmp_path, catalog, jimu_home):
    """Like run_component, but each call gets its own folder, so one run's outputs feed the next."""
    counter = itertools.count()

    def run(name: str, params: dict, inputs: dict | None = None):
        folder = catalog.require(f"{name}@1.0.0").folder
        return run_folder(folder, params, inputs, workdir=tmp_path / f"{name}-{next(counter)}")

    return run


def dataset(loader):
    frame = loader(as_frame=True).frame
    return frame, [c for c in frame.columns if c != "target"]


CASES = [
    ("logistic_regression", {"max_iter": 5000}, LogisticRegression),
    ("random_forest", {"n_estimators": 25, "max_depth": 4}, RandomForestClassifier),
    ("gradient_boosting", {"n_estimators": 20}, GradientBoostingClassifier),
]


@pytest.mark.parametrize(("name", "hyperparams", "cls"), CASES)
def test_classifiers_match_sklearn(run_ml, name, hyperparams, cls):
    frame, features = dataset(load_breast_cancer)
    run = run_ml("train", {"estimator": name, "label": "target", "hyperparams": hyperparams, "seed": 7}, {"table": frame})
    assert run.exit_code == 0
    model, card = read_model(run.outputs["model"])
    expected = cls(**hyperparams, random_state=7).fit(frame[features], frame["target"])
    x = frame[features]
    np.testing.assert_array_equal(model.predict(x), expected.predict(x))
    np.testing.assert_allclose(model.predict_proba(x), expected.predict_proba(x))
    assert card["task"] == "classification" and card["algorithm"] == name
    assert card["features"] == features and card["label"] == "target"
    assert card["classes"] == [0, 1] and card["trained_rows"] == len(frame) == 569
    assert card["hyperparams"] == hyperparams and card["seed"] == 7
    assert card["estimator"] == f"{cls.__module__}.{cls.__qualname__}" and card["format"] == "skops"
    predicted = expected.predict(x)
    metrics = run.metrics()
    assert metrics["rows"] == 569
    assert metrics["train_accuracy"] == pytest.approx(accuracy_score(frame["target"], predicted))
    assert metrics["train_f1_macro"] == pytest.approx(f1_score(frame["target"], predicted, average="macro"))


def test_multiclass_with_chosen_features(run_ml):
    frame, _ = dataset(load_iris)
    features = ["petal length (cm)", "petal width (cm)"]
    params = {"estimator": "logistic_regression", "label": "target", "features": features}
    run = run_ml("train", params, {"table": frame})
    assert run.exit_code == 0
    model, card = read_model(run.outputs["model"])
    assert card["features"] == features and card["classes"] == [0, 1, 2]
    expected = LogisticRegression(random_state=0).fit(frame[features], frame["target"])
    np.testing.assert_allclose(model.coef_, expected.coef_)


def test_string_labels(run_ml):
    frame, _ = dataset(load_iris)
    frame["target"] = frame["target"].map({0: "setosa", 1: "versicolor", 2: "virginica"})
    run = run_ml("train", {"label": "target", "hyperparams": {"n_estimators": 10}}, {"table": frame})
    assert run.exit_code == 0
    assert read_model(run.outputs["model"])[1]["classes"] == ["setosa", "versicolor", "virginica"]


def test_regressor_matches_sklearn(run_ml):
    frame, features = dataset(load_diabetes)
    params = {"estimator": "random_forest_regressor", "label": "target", "hyperparams": {"n_estimators": 20}, "seed": 3}
    run = run_ml("train", params, {"table": frame})
    assert run.exit_code == 0
    model, card = read_model(run.outputs["model"])
    expected = RandomForestRegressor(n_estimators=20, random_state=3).fit(frame[features], frame["target"])
    np.testing.assert_allclose(model.predict(frame[features]), expected.predict(frame[features]))
    assert card["task"] == "regression" and "classes" not in card
    assert set(run.metrics()) == {"rows", "train_r2", "train_mae", "train_rmse", "n_estimators"}


def test_unknown_hyperparams_are_named(run_ml, capfd):
    frame, _ = dataset(load_iris)
    params = {"estimator": "random_forest", "label": "target", "hyperparams": {"n_trees": 5, "depth": 2}}
    run = run_ml("train", params, {"table": frame})
    assert run.exit_code == 1
    err = capfd.readouterr().err
    assert "param 'hyperparams': RandomForestClassifier (random_forest) takes no ['depth', 'n_trees']" in err
    assert "'n_estimators'" in err  # the valid ones are listed


def test_random_state_goes_through_seed(run_ml, capfd):
    frame, _ = dataset(load_iris)
    run = run_ml("train", {"label": "target", "hyperparams": {"random_state": 1}}, {"table": frame})
    assert run.exit_code == 1
    assert "'random_state' is set through seed" in capfd.readouterr().err


def test_missing_label_and_features_are_named(run_ml, capfd):
    frame, _ = dataset(load_iris)
    assert run_ml("train", {"label": "species"}, {"table": frame}).exit_code == 1
    assert "param 'label': the table has no column 'species'" in capfd.readouterr().err
    assert run_ml("train", {"label": "target", "features": ["petal", "sepal length (cm)"]}, {"table": frame}).exit_code == 1
    assert "param 'features': the table has no columns ['petal']" in capfd.readouterr().err


def test_text_features_are_refused(run_ml, capfd):
    frame, _ = dataset(load_iris)
    frame["name"] = "x"
    assert run_ml("train", {"label": "target"}, {"table": frame}).exit_code == 1
    assert "param 'features': columns ['name'] are not numeric" in capfd.readouterr().err


def test_continuous_label_needs_a_regressor(run_ml, capfd):
    frame, _ = dataset(load_diabetes)
    frame["target"] = frame["target"] / 7
    assert run_ml("train", {"label": "target", "estimator": "logistic_regression"}, {"table": frame}).exit_code == 1
    assert "choose a regressor estimator" in capfd.readouterr().err


# Warm start: the base model on one half, then more training on the other half.


def halves(loader):
    frame, features = dataset(loader)
    first, second = train_test_split(frame, test_size=0.5, random_state=0, stratify=frame["target"])
    return first.reset_index(drop=True), second.reset_index(drop=True), features


def test_warm_start_random_forest_adds_trees(run_ml):
    first, second, features = halves(load_breast_cancer)
    base = run_ml("train", {"label": "target", "hyperparams": {"n_estimators": 10}, "seed": 1}, {"table": first})
    more = run_ml(
        "train", {"label": "target", "hyperparams": {"n_estimators": 5}, "seed": 1},
        {"table": second, "base_model": base.outputs["model"]},
    )
    assert more.exit_code == 0
    model, card = read_model(more.outputs["model"])
    expected = RandomForestClassifier(n_estimators=10, random_state=1).fit(first[features], first["target"])
    expected.set_params(warm_start=True, n_estimators=15).fit(second[features], second["target"])
    assert len(model.estimators_) == 15 and more.metrics()["n_estimators"] == 15
    np.testing.assert_allclose(model.predict_proba(first[features]), expected.predict_proba(first[features]))
    base_model, _ = read_model(base.outputs["model"])
    for old, kept in zip(base_model.estimators_, model.estimators_[:10], strict=True):
        np.testing.assert_array_equal(old.tree_.threshold, kept.tree_.threshold)
    assert card["warm_start"] == {
        "base_trained_rows": len(first), "base_hyperparams": {"n_estimators": 10},
        "base_n_estimators": 10, "added_n_estimators": 5,
    }
    assert card["trained_rows"] == len(second) and card["features"] == features


def test_warm_start_gradient_boosting_adds_stages(run_ml):
    first, second, features = halves(load_breast_cancer)
    params = {"estimator": "gradient_boosting", "label": "target", "hyperparams": {"n_estimators": 10}}
    base = run_ml("train", params, {"table": first})
    more = run_ml("train", {**params, "hyperparams": {"n_estimators": 7}}, {"table": second, "base_model": base.outputs["model"]})
    assert more.exit_code == 0
    model, card = read_model(more.outputs["model"])
    expected = GradientBoostingClassifier(n_estimators=10, random_state=0).fit(first[features], first["target"])
    expected.set_params(warm_start=True, n_estimators=17).fit(second[features], second["target"])
    assert model.n_estimators_ == 17
    np.testing.assert_allclose(model.decision_function(second[features]), expected.decision_function(second[features]))
    assert card["warm_start"]["base_n_estimators"] == 10 and card["warm_start"]["added_n_estimators"] == 7


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")  # max_iter=3 on purpose
def test_warm_start_logistic_regression_starts_from_base_coefficients(run_ml):
    first, second, features = halves(load_iris)
    params = {"estimator": "logistic_regression", "label": "target", "hyperparams": {"max_iter": 3}}
    base = run_ml("train", params, {"table": first})
    more = run_ml("train", params, {"table": second, "base_model": base.outputs["model"]})
    assert more.exit_code == 0
    model, card = read_model(more.outputs["model"])
    expected = LogisticRegression(max_iter=3, random_state=0).fit(first[features], first["target"])
    expected.set_params(warm_start=True).fit(second[features], second["target"])
    cold = LogisticRegression(max_iter=3, random_state=0).fit(second[features], second["target"])
    np.testing.assert_allclose(model.coef_, expected.coef_)
    assert not np.allclose(model.coef_, cold.coef_)  # it really continued from the base
    assert card["warm_start"]["base_trained_rows"] == len(first)


def test_warm_start_needs_the_same_estimator(run_ml, capfd):
    first, second, _ = halves(load_iris)
    base = run_ml("train", {"label": "target", "hyperparams": {"n_estimators": 5}}, {"table": first})
    more = run_ml("train", {"label": "target", "estimator": "gradient_boosting"}, {"table": second, "base_model": base.outputs["model"]})
    assert more.exit_code == 1
    assert "param 'estimator' is 'gradient_boosting' but base_model is a 'random_forest' model" in capfd.readouterr().err
