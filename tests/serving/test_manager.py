"""Managed local deployments: real background servers, real HTTP, cleaned up in teardown."""

from __future__ import annotations

import json
import socket
import threading
from pathlib import Path

import httpx
import numpy as np
import pytest

from jimu.cli import main as jimu
from jimu.serving.manager import DeploymentError


def predict(url: str, rows: list[dict]) -> dict:
    answer = httpx.post(f"{url}/predict", json={"rows": rows}, timeout=10)
    assert answer.status_code == 200, answer.text
    return answer.json()


def port_open(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def test_deploy_serves_the_models_own_answers(manager, iris, iris_models):
    uri, estimator = iris_models["logistic"]
    X = iris[0].iloc[::5]
    deployment = manager.deploy("iris", uri)
    assert deployment.url.startswith("http://127.0.0.1:")
    answer = predict(deployment.url, X.to_dict(orient="records"))
    assert answer["predictions"] == estimator.predict(X).tolist()
    np.testing.assert_allclose(answer["probabilities"], estimator.predict_proba(X), rtol=1e-12)
    meta = httpx.get(f"{deployment.url}/metadata").json()
    assert meta["card"] == json.loads((Path(uri) / "model.json").read_text())
    assert meta["digest"] == deployment.digest
    state = json.loads((manager.deployments_dir() / "iris" / "state.json").read_text())
    assert state["pid"] == deployment.pid and state["url"] == deployment.url and state["model_uri"] == uri


def test_redeploy_updates_in_place_without_dropping_requests(manager, iris, iris_models):
    (first_uri, first), (second_uri, second) = iris_models["logistic"], iris_models["tree"]
    rows = iris[0].to_dict(orient="records")
    old = manager.deploy("iris", first_uri)
    assert predict(old.url, rows)["predictions"] == first.predict(iris[0]).tolist()

    failures, done = [], threading.Event()

    def keep_asking():
        with httpx.Client(timeout=10) as http:
            while not done.is_set():
                try:
                    if http.post(f"{old.url}/predict", json={"rows": rows[:3]}).status_code != 200:
                        failures.append("status")
                except httpx.TransportError as exc:
                    failures.append(repr(exc))

    asker = threading.Thread(target=keep_asking)
    asker.start()
    try:
        new = manager.deploy("iris", second_uri)
    finally:
        done.set()
        asker.join()
    assert new.url == old.url and new.pid != old.pid and new.digest != old.digest
    assert predict(new.url, rows)["predictions"] == second.predict(iris[0]).tolist()
    assert first.predict(iris[0]).tolist() != second.predict(iris[0]).tolist()
    assert not manager._is_server(old.pid)
    assert [(d.name, d.pid, d.status) for d in manager.list_deployments()] == [("iris", new.pid, "alive")]
    assert len(failures) <= 2, failures  # at most the connections queued on the old socket as it closed


def test_list_and_stop(manager, iris_models, capsys):
    deployment = manager.deploy("iris", iris_models["logistic"][0])
    manager.deploy("other", iris_models["tree"][0])
    assert jimu(["deployments", "list"]) == 0
    out = capsys.readouterr().out
    assert "iris" in out and "other" in out and deployment.url in out and "alive" in out

    assert jimu(["deployments", "stop", "iris"]) == 0
    assert not port_open(deployment.port) and not manager._is_server(deployment.pid)
    assert [d.name for d in manager.list_deployments()] == ["other"]
    assert jimu(["deployments", "list", "--json"]) == 0
    assert [d["name"] for d in json.loads(capsys.readouterr().out.split("\n", 1)[1])] == ["other"]

    assert jimu(["deployments", "stop", "iris"]) == 1
    assert "no deployment named 'iris'" in capsys.readouterr().err


def test_a_dead_server_is_listed_as_dead(manager, iris_models):
    deployment = manager.deploy("iris", iris_models["logistic"][0])
    manager._terminate(deployment.pid)
    assert [(d.name, d.status) for d in manager.list_deployments()] == [("iris", "dead")]


def test_a_broken_model_fails_with_the_log_tail(manager, tmp_path):
    with pytest.raises(DeploymentError, match=r"exited with code \d+ before answering; log tail:\n(.|\n)*model\.skops"):
        manager.deploy("broken", str(tmp_path / "no-model-here"))
    assert manager.list_deployments() == []


@pytest.mark.parametrize("name", ["Iris", "../x", "", "a b"])
def test_names_are_checked(manager, name):
    with pytest.raises(DeploymentError, match="is not valid"):
        manager.deploy(name, "/nowhere")
