"""evaluate: its metrics and the numbers in its charts equal sklearn.metrics on predictions made here, by the same model."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn import metrics as skm
from sklearn.datasets import load_breast_cancer, load_diabetes, load_iris, load_wine
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.model_selection import train_test_split

from jimu.runtime.models import write_model
from tests.components.charts import charts_of, values


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
    assert "roc_curve" not in charts_of(run, "metrics")  # no curve where the AUC is undefined


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


def cells(spec: dict) -> dict[tuple[str, str], int]:
    return {(v["actual"], v["predicted"]): v["count"] for v in values(spec)}


def importance(charts: dict) -> dict[str, float]:
    return {v["feature"]: v["importance"] for v in values(charts["feature_importance"])}


def test_binary_charts_equal_sklearn(tmp_path, run_component):
    uri, model, test, features = fitted(tmp_path, load_breast_cancer, RandomForestClassifier(n_estimators=30, random_state=0))
    run = run_component("evaluate", {}, {"model": uri, "table": test})
    charts = charts_of(run, "metrics")
    assert sorted(charts) == ["confusion_matrix", "feature_importance", "roc_curve"]
    y, x = test["target"], test[features]
    matrix = skm.confusion_matrix(y, model.predict(x), labels=[0, 1])
    assert cells(charts["confusion_matrix"]) == {(str(a), str(p)): int(matrix[a, p]) for a in (0, 1) for p in (0, 1)}
    fpr, tpr, thresholds = skm.roc_curve(y, model.predict_proba(x)[:, 1], pos_label=1)
    roc = values(charts["roc_curve"])
    assert [v["fpr"] for v in roc] == pytest.approx(fpr.tolist())
    assert [v["tpr"] for v in roc] == pytest.approx(tpr.tolist())
    assert roc[0]["threshold"] is None and [v["threshold"] for v in roc[1:]] == pytest.approx(thresholds[1:].tolist())
    assert charts["roc_curve"]["usermeta"]["jimu"]["auc"] == pytest.approx(skm.auc(fpr, tpr))
    assert importance(charts) == pytest.approx(dict(zip(features, model.feature_importances_.tolist(), strict=True)))
    shown = [v["importance"] for v in values(charts["feature_importance"])]
    assert shown == sorted(shown, reverse=True)  # largest first


def test_multiclass_charts_on_wine(tmp_path, run_component):
    uri, model, test, features = fitted(tmp_path, load_wine, LogisticRegression(max_iter=5000))
    run = run_component("evaluate", {}, {"model": uri, "table": test})
    charts = charts_of(run, "metrics")
    assert sorted(charts) == ["confusion_matrix", "feature_importance"]  # ROC curves only for binary models
    matrix = skm.confusion_matrix(test["target"], model.predict(test[features]), labels=[0, 1, 2])
    assert cells(charts["confusion_matrix"]) == {
        (str(a), str(p)): int(matrix[a, p]) for a in range(3) for p in range(3)}
    assert sum(cells(charts["confusion_matrix"]).values()) == len(test) == 54
    expected = np.abs(model.coef_).mean(axis=0)  # a linear model's importance: |coef_| averaged over the classes
    assert importance(charts) == pytest.approx(dict(zip(features, expected.tolist(), strict=True)))


def test_regression_charts_equal_y_minus_prediction(tmp_path, run_component):
    uri, model, test, features = fitted(tmp_path, load_diabetes, LinearRegression(), task="regression")
    run = run_component("evaluate", {}, {"model": uri, "table": test})
    charts = charts_of(run, "metrics")
    assert sorted(charts) == ["feature_importance", "predicted_vs_actual", "residuals"]
    y, predicted = test["target"].to_numpy(), model.predict(test[features])
    pairs = values(charts["predicted_vs_actual"])
    assert [v["actual"] for v in pairs] == pytest.approx(y.tolist())
    assert [v["predicted"] for v in pairs] == pytest.approx(predicted.tolist())
    residuals = values(charts["residuals"])
    assert [v["residual"] for v in residuals] == pytest.approx((y - predicted).tolist())
    assert [v["predicted"] for v in residuals] == pytest.approx(predicted.tolist())
    assert len(residuals) == len(test) == 133
    assert importance(charts) == pytest.approx(dict(zip(features, np.abs(model.coef_).tolist(), strict=True)))
