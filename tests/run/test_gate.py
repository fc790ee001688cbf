"""`jimu run` of train -> evaluate -> gate -> batch_predict on the breast cancer data scikit-learn ships.

An open gate lets the model through to batch_predict; a closed one skips it (not a failure), says why,
and the run still exits 0.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn import metrics as skm
from sklearn.datasets import load_breast_cancer
from sklearn.ensemble import RandomForestClassifier
from sklearn.model_selection import train_test_split

JIMU = Path(sys.executable).with_name("jimu")
DATA = load_breast_cancer()
FEATURES = [name.replace(" ", "_") for name in DATA.feature_names]
LABEL = "benign"
HYPERPARAMS = {"n_estimators": 50, "max_depth": 5}


def pipeline(threshold: float) -> dict:
    node = lambda id_, component, params=None: {"id": id_, "component": component, "params": params or {}}  # noqa: E731
    return {
        "id": "gate_run_test",
        "params": {"min_accuracy": {"type": "number", "default": threshold}},
        "nodes": [
            node("load", "load_table@1.2.0", {
                "uri": "package://sklearn.datasets/data/breast_cancer.csv",
                "skip_rows": 1, "has_header": False, "column_names": [*FEATURES, LABEL],
            }),
            node("split", "split@1.0.0", {"test_fraction": 0.25, "seed": 7, "stratify_by": LABEL}),
            node("train", "train@1.0.0", {
                "estimator": "random_forest", "label": LABEL, "hyperparams": HYPERPARAMS, "seed": 3,
            }),
            node("evaluate", "evaluate@1.1.0"),
            node("gate", "gate@1.1.0", {"metric": "accuracy", "op": ">=", "threshold": {"$param": "min_accuracy"}}),
            node("score", "batch_predict@1.0.0"),
        ],
        "edges": [
            {"from": "load.table", "to": "split.table"},
            {"from": "split.train", "to": "train.table"},
            {"from": "train.model", "to": "evaluate.model"},
            {"from": "split.test", "to": "evaluate.table"},
            {"from": "evaluate.metrics", "to": "gate.metrics"},
            {"from": "train.model", "to": "gate.model"},
            {"from": "gate.model", "to": "score.model"},
            {"from": "split.test", "to": "score.table"},
        ],
    }


@pytest.fixture(scope="module")
def home(tmp_path_factory) -> Path:
    """One $JIMU_HOME for both runs: the components' environment is built once, then reused."""
    return tmp_path_factory.mktemp("gate-home")


def run(tmp_path: Path, home: Path, spec: dict) -> subprocess.CompletedProcess:
    path = tmp_path / "pipeline.json"
    path.write_text(json.dumps(spec), encoding="utf-8")
    env = {**os.environ, "JIMU_HOME": str(home), "PATH": f"{JIMU.parent}{os.pathsep}{os.environ['PATH']}"}
    return subprocess.run([str(JIMU), "run", str(path)], capture_output=True, text=True, env=env, timeout=600)


def node_line(out: str, node: str) -> list[str]:
    return next(line.split() for line in out.splitlines() if line.split()[1:2] == [node])


def expected_model():
    """The same split and model, computed here with scikit-learn alone."""
    frame = pd.DataFrame(DATA.data, columns=FEATURES).assign(**{LABEL: DATA.target})
    train, test = train_test_split(frame, test_size=0.25, random_state=7, stratify=frame[LABEL])
    model = RandomForestClassifier(**HYPERPARAMS, random_state=3).fit(train[FEATURES], train[LABEL])
    return model, test.reset_index(drop=True)


@pytest.mark.slow
def test_open_gate_scores_the_held_out_rows(tmp_path, home):
    proc = run(tmp_path, home, pipeline(0.5))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    for node in ("load", "split", "train", "evaluate", "gate", "score"):
        assert node_line(proc.stdout, node)[0] == "success", proc.stdout
    data_line = next(line for line in proc.stdout.splitlines() if "output score.table" in line)
    score_folder = Path(data_line.split(" rows in ")[1])
    scored = pd.read_parquet(score_folder / "part-0.parquet")

    model, test = expected_model()
    assert len(scored) == len(test) == 143
    pd.testing.assert_frame_equal(scored[test.columns], test, check_dtype=False)
    assert scored["prediction"].tolist() == model.predict(test[FEATURES]).tolist()
    np.testing.assert_allclose(scored[["probability_0", "probability_1"]], model.predict_proba(test[FEATURES]))
    metrics = json.loads((score_folder.parent.parent / "evaluate" / "metrics" / "metrics.json").read_text())
    assert metrics["accuracy"] == pytest.approx(skm.accuracy_score(test[LABEL], scored["prediction"]))


@pytest.mark.slow
def test_closed_gate_skips_batch_predict_and_the_run_succeeds(tmp_path, home):
    proc = run(tmp_path, home, pipeline(1.01))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    model, test = expected_model()
    accuracy = skm.accuracy_score(test[LABEL], model.predict(test[FEATURES]))
    gate = " ".join(node_line(proc.stdout, "gate"))
    assert gate.startswith("skipped gate"), proc.stdout
    assert f"accuracy {accuracy:.6g} < 1.01 (the gate requires accuracy >= 1.01)" in gate, proc.stdout
    assert node_line(proc.stdout, "score")[0] == "skipped", proc.stdout
    for node in ("load", "split", "train", "evaluate"):
        assert node_line(proc.stdout, node)[0] == "success", proc.stdout
    assert "failed" not in proc.stdout
