"""The deploy component in a local run: it serves the model and says where."""

from __future__ import annotations

import json

import httpx
import pytest
from sklearn.datasets import load_iris
from sklearn.linear_model import LogisticRegression

from jimu.runtime.models import write_model
from jimu.serving import manager


@pytest.fixture
def model_uri(tmp_path):
    data = load_iris(as_frame=True)
    X = data.frame[data.feature_names]
    estimator = LogisticRegression(max_iter=500).fit(X, data.target)
    uri = str(tmp_path / "model")
    write_model(uri, estimator, {"features": list(data.feature_names), "label": "target"})
    return uri, estimator, X


@pytest.fixture
def deployments(jimu_home):
    yield
    for deployment in manager.list_deployments():
        manager.stop(deployment.name)


def test_deploy_serves_locally_and_records_the_url(run_component, model_uri, deployments, capsys):
    uri, estimator, X = model_uri
    run = run_component("deploy", {"name": "iris", "target": "local"}, inputs={"model": uri})
    assert run.exit_code == 0
    endpoint = json.loads(open(f"{run.outputs['endpoint']}/endpoint.json").read())
    assert endpoint["name"] == "iris" and endpoint["url"].startswith("http://127.0.0.1:")
    assert run.result["exports"] == [endpoint["url"]]
    assert f"served at {endpoint['url']}" in capsys.readouterr().err
    answer = httpx.post(f"{endpoint['url']}/predict", json={"rows": X.head(3).to_dict(orient="records")}).json()
    assert answer["predictions"] == estimator.predict(X.head(3)).tolist()
    assert [d.url for d in manager.list_deployments()] == [endpoint["url"]]


def test_a_bad_name_is_refused_before_anything_runs(run_component, model_uri, deployments):
    # The schema refuses it in a pipeline; the component refuses it too (check_params=False).
    run = run_component("deploy", {"name": "Not OK"}, inputs={"model": model_uri[0]}, check_params=False)
    assert run.exit_code != 0 and manager.list_deployments() == []
