"""batch_predict: the input rows plus predictions and class probabilities, as sklearn gives them."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.datasets import load_diabetes, load_iris
from sklearn.ensemble import GradientBoostingRegressor, RandomForestClassifier

from jimu.runtime.models import write_model

NAMES = {0: "setosa", 1: "versicolor", 2: "virginica"}


def iris_model(tmp_path):
    iris = load_iris(as_frame=True)
    frame = iris.frame.assign(target=iris.target.map(NAMES))
    features = list(iris.data.columns)
    model = RandomForestClassifier(n_estimators=20, random_state=0).fit(frame[features], frame["target"])
    card = {"task": "classification", "features": features, "label": "target", "classes": list(NAMES.values())}
    write_model(str(tmp_path / "model"), model, card)
    return str(tmp_path / "model"), model, frame, features


def test_classifier_adds_prediction_and_probabilities(tmp_path, run_component):
    uri, model, frame, features = iris_model(tmp_path)
    # Unlabelled rows, features in another order, and an extra column that is kept.
    rows = frame.drop(columns="target")[features[::-1]].assign(id=range(len(frame)))
    run = run_component("batch_predict", {}, {"model": uri, "table": rows})
    assert run.exit_code == 0
    out = run.table()
    assert list(out.columns) == [*rows.columns, "prediction", "probability_setosa", "probability_versicolor", "probability_virginica"]
    pd.testing.assert_frame_equal(out[rows.columns], rows)
    assert out["prediction"].tolist() == model.predict(frame[features]).tolist()
    np.testing.assert_allclose(out.filter(like="probability_").to_numpy(), model.predict_proba(frame[features]))
    assert run.result["rows_written"] == {"table": 150}


def test_regressor_adds_prediction_only(tmp_path, run_component):
    data = load_diabetes(as_frame=True)
    model = GradientBoostingRegressor(n_estimators=20, random_state=0).fit(data.data, data.target)
    card = {"task": "regression", "features": list(data.data.columns), "label": "target"}
    write_model(str(tmp_path / "model"), model, card)
    run = run_component("batch_predict", {}, {"model": str(tmp_path / "model"), "table": data.data})
    assert run.exit_code == 0
    out = run.table()
    assert list(out.columns) == [*data.data.columns, "prediction"]
    np.testing.assert_allclose(out["prediction"], model.predict(data.data))


def test_missing_features_are_named(tmp_path, run_component, capfd):
    uri, _, frame, _ = iris_model(tmp_path)
    rows = frame.drop(columns=["petal width (cm)", "sepal width (cm)"])
    assert run_component("batch_predict", {}, {"model": uri, "table": rows}).exit_code == 1
    err = capfd.readouterr().err
    assert "input 'table' lacks the model's feature columns ['sepal width (cm)', 'petal width (cm)']" in err


def test_refuses_to_overwrite_a_column(tmp_path, run_component, capfd):
    uri, _, frame, _ = iris_model(tmp_path)
    assert run_component("batch_predict", {}, {"model": uri, "table": frame.assign(prediction=1)}).exit_code == 1
    assert "already has columns ['prediction']" in capfd.readouterr().err
