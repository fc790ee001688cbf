"""The ML example end to end: `jimu run` trains, gates and serves; /predict over real HTTP
answers what an independently trained scikit-learn model answers on the same rows."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import httpx
import pandas as pd
import pytest
from sklearn.datasets import load_breast_cancer
from sklearn.ensemble import RandomForestClassifier
from sklearn.model_selection import train_test_split

from tests.conftest import REPO
from tests.templates.cli import jimu

EXAMPLE = REPO / "templates" / "cancer_screening" / "pipeline.json"


def independent_model(trees: int):
    """The example's model, rebuilt with pandas and scikit-learn alone."""
    data = load_breast_cancer(as_frame=True)
    frame = data.frame.rename(columns=lambda c: c.replace(" ", "_")).rename(columns={"target": "benign"})
    frame["area_growth"] = frame["worst_area"] / frame["mean_area"]
    frame["concavity_growth"] = frame["worst_concave_points"] - frame["mean_concave_points"]
    frame = frame[[c for c in frame.columns if c != "benign"] + ["benign"]]
    train, test = train_test_split(frame, test_size=0.25, random_state=7, stratify=frame["benign"])
    features = [c for c in frame.columns if c != "benign"]
    model = RandomForestClassifier(n_estimators=trees, max_depth=6, random_state=7)
    model.fit(train[features], train["benign"])
    return model, test, features


@pytest.mark.slow
def test_trains_gates_serves_and_answers_like_sklearn(endpoint_name):
    proc = jimu("run", str(EXAMPLE), "--param", "trees=40", "--param", f"endpoint_name={endpoint_name}",
                "--param", f"predictions_file=tests/{endpoint_name}.csv")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    url = re.search(r"exported by serve: (http://127\.0\.0\.1:\d+)", proc.stdout).group(1)

    model, test, features = independent_model(40)
    rows = json.loads(test[features].to_json(orient="records"))
    answer = httpx.post(f"{url}/predict", json={"rows": rows}, timeout=30)
    assert answer.status_code == 200, answer.text
    assert answer.json()["predictions"] == model.predict(test[features]).tolist()

    exported = pd.read_csv(Path(os.environ["JIMU_HOME"]) / "exports" / "tests" / f"{endpoint_name}.csv")
    assert exported["prediction"].tolist() == model.predict(exported[features]).tolist()
    bad = httpx.post(f"{url}/predict", json={"rows": [{"mean_radius": "big"}]}, timeout=30)
    assert bad.status_code == 422 and "mean_radius" in bad.text


@pytest.mark.slow
def test_a_closed_gate_deploys_nothing(endpoint_name):
    proc = jimu("run", str(EXAMPLE), "--param", "trees=10", "--param", "min_accuracy=1",
                "--param", f"endpoint_name={endpoint_name}")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    lines = proc.stdout.splitlines()
    gate = next(line for line in lines if " accuracy_gate " in f" {line} ")
    assert gate.split()[0] == "skipped" and "accuracy" in gate and "< 1" in gate
    for node in ("serve", "score_holdout", "export"):
        assert any(line.split()[:2] == ["skipped", node] for line in lines), proc.stdout
    assert endpoint_name not in jimu("deployments", "list").stdout
