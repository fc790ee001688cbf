"""Small real models (iris) written as model artifacts, servers on real ports, a manager that always cleans up."""

from __future__ import annotations

import subprocess
import sys
import time
from contextlib import contextmanager

import httpx
import pytest
from sklearn.datasets import load_iris
from sklearn.linear_model import LogisticRegression
from sklearn.tree import DecisionTreeClassifier

from jimu.runtime.models import write_model


@pytest.fixture(scope="session")
def iris():
    data = load_iris(as_frame=True)
    return data.frame[data.feature_names], data.target, list(data.feature_names)


def _card(features):
    return {"task": "classification", "features": features, "label": "target", "classes": [0, 1, 2]}


@pytest.fixture(scope="session")
def iris_models(tmp_path_factory, iris):
    """Two different fitted models on iris: {name: (uri, estimator)}."""
    X, y, features = iris
    root = tmp_path_factory.mktemp("models")
    models = {}
    for name, estimator in [
        ("logistic", LogisticRegression(max_iter=500)),
        ("tree", DecisionTreeClassifier(max_depth=1, random_state=0)),
    ]:
        estimator.fit(X, y)
        uri = str(root / name)
        write_model(uri, estimator, _card(features))
        models[name] = (uri, estimator)
    return models


@pytest.fixture
def manager(jimu_home):
    """jimu.serving.manager with $JIMU_HOME in tmp; every deployment left running is stopped."""
    from jimu.serving import manager as module

    yield module
    for deployment in module.list_deployments():
        module.stop(deployment.name)


@contextmanager
def running_server(uri: str, *options: str):
    """`python -m jimu.serving.serve --model uri *options` on a free port: an httpx.Client on it once healthy."""
    from jimu.serving.manager import _free_port

    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "jimu.serving.serve", "--model", uri, "--port", str(port), *options])
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as http:
            deadline = time.monotonic() + 60
            while True:
                try:
                    http.get("/health").raise_for_status()
                    break
                except httpx.TransportError:
                    assert server.poll() is None and time.monotonic() < deadline, "server did not start"
                    time.sleep(0.05)
            yield http
    finally:
        server.terminate()
        server.wait(20)
