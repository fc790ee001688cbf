"""The batch scoring template scores rows with the model a deployment serves: the cancer screening
template's, run first. Its exported predictions and probabilities equal what the served model file,
loaded apart with skops, says of the same rows: the bundled new patients, or a CSV a user uploads."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd
import pytest
import skops.io as sio
from sklearn.datasets import load_breast_cancer

from jimu.datasets.store import DatasetStore
from tests.conftest import REPO
from tests.templates.cli import jimu

BATCH_SCORING = REPO / "templates" / "batch_scoring" / "pipeline.json"
CANCER_SCREENING = REPO / "templates" / "cancer_screening" / "pipeline.json"
NEW_PATIENTS = REPO / "templates" / "batch_scoring" / "data" / "new_patients.csv"


@pytest.fixture(scope="module")
def screening():
    """The cancer screening template run once, serving its model under a name of this module alone."""
    name = f"screening_{os.getpid()}"
    run = jimu("run", str(CANCER_SCREENING), "--param", "trees=20", "--param", f"endpoint_name={name}",
               "--param", f"predictions_file=tests/{name}.csv")
    assert run.returncode == 0, run.stdout + run.stderr
    listed = json.loads(jimu("deployments", "list", "--json").stdout)
    model_uri = next(d["model_uri"] for d in listed if d["name"] == name)
    yield name, model_uri
    jimu("deployments", "stop", name)


def served_model(model_uri: str):
    """The model file the service serves, loaded with skops alone, and its features from the card beside it."""
    path = Path(model_uri)
    model = sio.load(path / "model.skops", trusted=sio.get_untrusted_types(file=path / "model.skops"))
    return model, json.loads((path / "model.json").read_text(encoding="utf-8"))["features"]


def score(*params: str) -> tuple[pd.DataFrame, str]:
    output = f"tests/scored_{os.getpid()}_{len(params)}_{abs(hash(params))}.csv"
    run = jimu("run", str(BATCH_SCORING), "--param", f"predictions_file={output}", *params)
    assert run.returncode == 0, run.stdout + run.stderr
    return pd.read_csv(Path(os.environ["JIMU_HOME"]) / "exports" / output), run.stdout


def assert_scored_as_the_served_model(scored: pd.DataFrame, rows: pd.DataFrame, model_uri: str) -> None:
    model, features = served_model(model_uri)
    assert len(scored) == len(rows)
    pd.testing.assert_frame_equal(scored[list(rows.columns)], rows, check_dtype=False)
    assert scored["prediction"].tolist() == model.predict(rows[features]).tolist()
    proba = model.predict_proba(rows[features])
    for i, cls in enumerate(model.classes_):
        assert scored[f"probability_{cls}"].to_numpy() == pytest.approx(proba[:, i], abs=1e-12)


@pytest.mark.slow
def test_scores_the_bundled_new_patients_with_the_model_in_service(screening):
    name, model_uri = screening
    scored, stdout = score("--param", f"endpoint_name={name}")
    rows = pd.read_csv(NEW_PATIENTS)
    assert_scored_as_the_served_model(scored, rows, model_uri)
    assert scored["patient_id"].tolist() == [f"P{n:04d}" for n in range(1, 61)]
    assert set(scored["prediction"]) == {0, 1}  # the bundled patients are not all of one kind


@pytest.mark.slow
def test_scores_an_uploaded_csv(screening, tmp_path):
    name, model_uri = screening
    data = load_breast_cancer(as_frame=True)
    rows = data.frame.drop(columns="target").rename(columns=lambda c: c.replace(" ", "_")).iloc[::19]
    rows["area_growth"] = rows["worst_area"] / rows["mean_area"]
    rows["concavity_growth"] = rows["worst_concave_points"] - rows["mean_concave_points"]
    rows.insert(0, "clinic", "north")
    info, _ = DatasetStore().add(rows.to_csv(index=False).encode(), "my_patients.csv")
    scored, _ = score("--param", f"endpoint_name={name}", "--param", f"rows={info.uri}")
    assert_scored_as_the_served_model(scored, rows.reset_index(drop=True), model_uri)


@pytest.mark.slow
def test_nothing_served_says_which_template_to_run_first():
    run = jimu("run", str(BATCH_SCORING), "--param", "endpoint_name=never_deployed_here")
    assert run.returncode != 0
    said = run.stdout + run.stderr
    assert ("no model is served under the name 'never_deployed_here': run the cancer_screening template first"
            in said), said
    assert any(line.split()[:2] == ["upstream_failed", "score"] for line in run.stdout.splitlines()), run.stdout


def test_instantiates_with_defaults(tmp_path):
    out = tmp_path / "scoring.json"
    proc = jimu("templates", "instantiate", "batch_scoring", "-o", str(out))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    pipeline = json.loads(out.read_text(encoding="utf-8"))
    assert pipeline["params"]["endpoint_name"]["default"] == "cancer_screening"
    assert pipeline["params"]["rows"]["default"] == "package://jimu.templates.batch_scoring/data/new_patients.csv"
    checked = jimu("validate", str(out))
    assert checked.returncode == 0, checked.stdout + checked.stderr
