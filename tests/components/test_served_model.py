"""served_model: the model a deployment's record names, copied as it is; plain words when nothing is served."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sklearn.datasets import load_iris
from sklearn.linear_model import LogisticRegression

from jimu.runtime.exit_codes import FATAL_EXIT_CODE
from jimu.runtime.models import CARD_FILE, MODEL_FILE, read_model, write_model
from jimu.runtime.served import RECORD_FILE


@pytest.fixture(scope="module")
def served_uri(tmp_path_factory) -> str:
    iris = load_iris(as_frame=True)
    model = LogisticRegression(max_iter=2000).fit(iris.data, iris.target)
    uri = str(tmp_path_factory.mktemp("served") / "model")
    write_model(uri, model, {"task": "classification", "features": list(iris.data.columns), "label": "target"})
    return uri


def record(jimu_home: Path, name: str, model_uri: str) -> None:
    folder = jimu_home / "deployments" / name
    folder.mkdir(parents=True)
    (folder / RECORD_FILE).write_text(json.dumps({"name": name, "model_uri": model_uri}), encoding="utf-8")


def test_copies_the_served_model_as_it_is(run_component, served_uri, jimu_home):
    record(jimu_home, "flowers", served_uri)
    run = run_component("served_model", {"deployment": "flowers"})
    assert run.exit_code == 0, run.result
    for name in (MODEL_FILE, CARD_FILE):
        assert (Path(run.outputs["model"]) / name).read_bytes() == (Path(served_uri) / name).read_bytes()
    model, card = read_model(run.outputs["model"])
    iris = load_iris(as_frame=True)
    assert model.predict(iris.data).tolist() == read_model(served_uri)[0].predict(iris.data).tolist()
    assert card["label"] == "target"


def test_nothing_served_names_the_template_to_run_first(run_component, jimu_home, capfd):
    run = run_component("served_model", {"deployment": "cancer_screening", "served_by": "cancer_screening"})
    assert run.exit_code == FATAL_EXIT_CODE
    assert run.result == {"fatal": (
        "no model is served under the name 'cancer_screening': run the cancer_screening template first "
        "(it deploys a model under that name), or enter the name of a service that `jimu deployments list` shows")}
    assert run.result["fatal"] in capfd.readouterr().err
    assert not Path(run.outputs["model"]).exists()


def test_nothing_served_without_served_by(run_component, jimu_home):
    run = run_component("served_model", {"deployment": "flowers"})
    assert run.exit_code == FATAL_EXIT_CODE
    assert "run the pipeline that deploys it first" in run.result["fatal"]


def test_a_record_naming_no_model_is_a_clear_error(run_component, jimu_home):
    folder = jimu_home / "deployments" / "flowers"
    folder.mkdir(parents=True)
    (folder / RECORD_FILE).write_text(json.dumps({"name": "flowers"}), encoding="utf-8")
    run = run_component("served_model", {"deployment": "flowers"})
    assert run.exit_code == FATAL_EXIT_CODE
    assert "names no model_uri" in run.result["fatal"]
