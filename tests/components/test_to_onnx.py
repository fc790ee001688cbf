"""to_onnx: onnxruntime on the exported file predicts what the scikit-learn model predicts."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import onnxruntime as ort
import pytest
from sklearn.datasets import load_breast_cancer, load_diabetes, load_iris
from sklearn.ensemble import GradientBoostingClassifier, RandomForestClassifier, RandomForestRegressor
from sklearn.linear_model import LogisticRegression

from jimu.runtime.models import write_model

CLASSIFIERS = [
    (load_iris, LogisticRegression(max_iter=2000)),
    (load_iris, RandomForestClassifier(n_estimators=20, random_state=0)),
    (load_breast_cancer, RandomForestClassifier(n_estimators=20, random_state=0)),
    (load_breast_cancer, GradientBoostingClassifier(n_estimators=20, random_state=0)),
]


def export(tmp_path, run_component, data, model, task):
    features = list(data.data.columns)
    card = {"task": task, "features": features, "label": "target"}
    write_model(str(tmp_path / "model"), model, card)
    run = run_component("to_onnx", {}, {"model": str(tmp_path / "model")})
    assert run.exit_code == 0
    folder = Path(run.outputs["onnx"])
    session = ort.InferenceSession(str(folder / "model.onnx"), providers=["CPUExecutionProvider"])
    x = data.data[features].astype(np.float32)  # what the ONNX graph sees, given to sklearn too
    return session.run(None, {"input": x.to_numpy()}), x, json.loads((folder / "model.json").read_text())


@pytest.mark.parametrize(("loader", "model"), CLASSIFIERS, ids=lambda v: getattr(v, "__name__", type(v).__name__))
def test_classifier_predictions_match(tmp_path, run_component, loader, model):
    data = loader(as_frame=True)
    model.fit(data.data, data.target)
    (labels, probabilities), x, card = export(tmp_path, run_component, data, model, "classification")
    assert labels.tolist() == model.predict(x).tolist()
    np.testing.assert_allclose(probabilities, model.predict_proba(x), atol=1e-4)
    assert card["format"] == "onnx" and card["onnx_input"] == "input" and card["onnx_outputs"] == ["label", "probabilities"]


def test_regressor_predictions_match(tmp_path, run_component):
    data = load_diabetes(as_frame=True)
    model = RandomForestRegressor(n_estimators=10, random_state=0).fit(data.data, data.target)
    (predicted,), x, _ = export(tmp_path, run_component, data, model, "regression")
    np.testing.assert_allclose(predicted.ravel(), model.predict(x), rtol=1e-4)
