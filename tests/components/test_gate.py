"""gate: passes the model through unchanged when the metric holds, skips downstream otherwise."""

from __future__ import annotations

from pathlib import Path

import pytest
from sklearn.datasets import load_iris
from sklearn.linear_model import LogisticRegression

from jimu.runtime import storage
from jimu.runtime.exit_codes import FATAL_EXIT_CODE, SKIP_EXIT_CODE
from jimu.runtime.models import CARD_FILE, MODEL_FILE, read_model, write_model

METRICS = {"accuracy": 0.81, "f1_macro": 0.8, "rows": 45, "confusion_matrix": [[1, 0], [0, 1]]}


@pytest.fixture
def inputs(tmp_path) -> dict:
    iris = load_iris(as_frame=True)
    model = LogisticRegression(max_iter=2000).fit(iris.data, iris.target)
    card = {"task": "classification", "features": list(iris.data.columns), "label": "target", "classes": [0, 1, 2]}
    write_model(str(tmp_path / "model"), model, card)
    storage.write_json(str(tmp_path / "metrics"), storage.METRICS_FILE, METRICS)
    return {"model": str(tmp_path / "model"), "metrics": str(tmp_path / "metrics")}


@pytest.mark.parametrize(("op", "threshold"), [(">=", 0.81), (">", 0.8), ("<=", 0.81), ("<", 0.9), ("==", 0.81)])
def test_passes_the_model_through_unchanged(run_component, inputs, op, threshold):
    run = run_component("gate", {"metric": "accuracy", "op": op, "threshold": threshold}, inputs)
    assert run.exit_code == 0
    for name in (MODEL_FILE, CARD_FILE):
        assert (Path(run.outputs["model"]) / name).read_bytes() == (Path(inputs["model"]) / name).read_bytes()
    model, card = read_model(run.outputs["model"])
    assert card["classes"] == [0, 1, 2] and model.coef_.shape == (3, 4)


@pytest.mark.parametrize(
    ("op", "threshold", "reason"),
    [
        (">=", 0.9, "accuracy 0.81 < 0.9 (the gate requires accuracy >= 0.9)"),
        (">", 0.81, "accuracy 0.81 <= 0.81 (the gate requires accuracy > 0.81)"),
        ("<", 0.5, "accuracy 0.81 >= 0.5 (the gate requires accuracy < 0.5)"),
        ("==", 1, "accuracy 0.81 != 1 (the gate requires accuracy == 1)"),
    ],
)
def test_closed_gate_skips_downstream_with_the_reason(run_component, inputs, capfd, op, threshold, reason):
    run = run_component("gate", {"metric": "accuracy", "op": op, "threshold": threshold}, inputs)
    assert run.exit_code == SKIP_EXIT_CODE
    assert run.result == {"skipped": reason}
    assert reason in capfd.readouterr().err
    assert not Path(run.outputs["model"]).exists()


def test_op_defaults_to_at_least(run_component, inputs):
    assert run_component("gate", {"metric": "f1_macro", "threshold": 0.8}, inputs).exit_code == 0
    assert run_component("gate", {"metric": "f1_macro", "threshold": 0.85}, inputs).exit_code == SKIP_EXIT_CODE


def test_unknown_metric_lists_the_available_ones(run_component, inputs, capfd):
    run = run_component("gate", {"metric": "auc", "threshold": 0.5}, inputs)
    assert run.exit_code == FATAL_EXIT_CODE
    assert "param 'metric': 'auc' is not in the metrics; available metrics: accuracy, f1_macro, rows" in capfd.readouterr().err
    run = run_component("gate", {"metric": "confusion_matrix", "threshold": 0.5}, inputs)
    assert run.exit_code == FATAL_EXIT_CODE
    assert "'confusion_matrix' is not a number" in capfd.readouterr().err
