"""evaluate: its metrics equal sklearn.metrics on predictions made here, by the same model."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn import metrics as skm
from sklearn.datasets import load_breast_cancer, load_diabetes, load_iris
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.model_selection import train_test_split

from jimu.runtime.models import write_model


def fitted(tmp_path, loader, estimator, task="classification"):
    """A model fitted here and stored as train would store it, plus the held-out rows."""
    frame = loader(as_frame=True).frame
    features = [c for c in frame.columns if c != "target"]
    train, test = train_test_split(frame, test_size=0.3, random_state=0)
    estimator.fit(train[features], train["target"])
    card = {"task": task, "features": features, "label": "target", "algorithm": "test", "trained_rows": len(train)}
    if task == "classification":
        card["classes"] = estimator.classes_.tolist()
    uri = str(tmp_path / "model")
    write_model(uri, estimator, card)
    return uri, estimator, test.reset_index(drop=True), features


def test_binary_classification(tmp_path, run_component):
    uri, model, test, features = fitted(tmp_path, load_breast_cancer, RandomForestClassifier(n_estimators=30, random_state=0))
    run = run_component("evaluate", {}, {"model": uri, "table": test})
    assert run.exit_code == 0
    y, predicted = test["target"], model.predict(test[features])
    got = run.metrics()
    assert got["rows"] == len(test) == 171
    assert got["accuracy"] == pytest.approx(skm.accuracy_score(y, predicted))
    assert got["f1_macro"] == pytest.approx(skm.f1_score(y, predicted, average="macro"))
    assert got["precision_macro"] == pytest.approx(skm.precision_score(y, predicted, average="macro"))
    assert got["recall_macro"] == pytest.approx(skm.recall_score(y, predicted, average="macro"))
    assert got["roc_auc"] == pytest.approx(skm.roc_auc_score(y, model.predict_proba(test[features])[:, 1]))
    assert got["confusion_matrix"] == skm.confusion_matrix(y, predicted).tolist()
    assert got["confusion_labels"] == [0, 1]
    assert 0.9 < got["accuracy"] < 1  # a real model on real data, not a degenerate case


def test_multiclass_roc_auc_is_one_vs_rest(tmp_path, run_component):
    uri, model, test, features = fitted(tmp_path, load_iris, LogisticRegression(max_iter=2000))
    run = run_component("evaluate", {}, {"model": uri, "table": test})
    assert run.exit_code == 0
    y, predicted = test["target"], model.predict(test[features])
    got = run.metrics()
    assert got["roc_auc"] == pytest.approx(skm.roc_auc_score(y, model.predict_proba(test[features]), multi_class="ovr"))
    assert got["f1_macro"] == pytest.approx(skm.f1_score(y, predicted, average="macro"))
    assert got["confusion_matrix"] == skm.confusion_matrix(y, predicted, labels=[0, 1, 2]).tolist()
    assert np.sum(got["confusion_matrix"]) == len(test) == 45


def test_roc_auc_left_out_when_undefined(tmp_path, run_component, capfd):
    uri, _, test, _ = fitted(tmp_path, load_breast_cancer, LogisticRegression(max_iter=5000))
    only_one_class = test[test["target"] == 1]
    run = run_component("evaluate", {}, {"model": uri, "table": only_one_class})
    assert run.exit_code == 0
    assert "roc_auc" not in run.metrics() and "roc_auc left out" in capfd.readouterr().err


def test_regression(tmp_path, run_component):
    uri, model, test, features = fitted(tmp_path, load_diabetes, LinearRegression(), task="regression")
    run = run_component("evaluate", {}, {"model": uri, "table": test})
    assert run.exit_code == 0
    y, predicted = test["target"], model.predict(test[features])
    got = run.metrics()
    assert got["r2"] == pytest.approx(skm.r2_score(y, predicted))
    assert got["mae"] == pytest.approx(skm.mean_absolute_error(y, predicted))
    assert got["rmse"] == pytest.approx(skm.root_mean_squared_error(y, predicted))


def test_label_and_features_must_be_there(tmp_path, run_component, capfd):
    uri, _, test, _ = fitted(tmp_path, load_iris, LogisticRegression(max_iter=2000))
    assert run_component("evaluate", {}, {"model": uri, "table": test.drop(columns="target")}).exit_code == 1
    assert "input 'table' has no label column 'target'" in capfd.readouterr().err
    assert run_component("evaluate", {}, {"model": uri, "table": test.drop(columns=["petal width (cm)"])}).exit_code == 1
    assert "lacks the model's feature columns ['petal width (cm)']" in capfd.readouterr().err
