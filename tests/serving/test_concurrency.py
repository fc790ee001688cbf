"""The server under load, over real HTTP: /health answers while a large /predict runs, and the
worker processes are one per usable CPU, replaced when they die and stopped with the server.
"""

from __future__ import annotations

import os
import signal
import statistics
import threading
import time
from pathlib import Path

import httpx
import numpy as np
import pytest
from sklearn.datasets import make_classification
from sklearn.ensemble import RandomForestClassifier

from jimu.runtime.models import write_model
from jimu.serving.app import MAX_ROWS
from jimu.serving.serve import usable_cpus
from tests.serving.conftest import running_server


@pytest.fixture(scope="module")
def big_forest(tmp_path_factory):
    """A forest deep enough that predicting MAX_ROWS rows takes a visible time: (uri, estimator, rows)."""
    X, y = make_classification(n_samples=3000, n_features=20, n_informative=12, random_state=0)
    features = [f"f{i}" for i in range(X.shape[1])]
    estimator = RandomForestClassifier(n_estimators=200, random_state=0, n_jobs=2).fit(X, y)
    estimator.set_params(n_jobs=1)  # as a single server thread would run it
    uri = str(tmp_path_factory.mktemp("models") / "forest")
    write_model(uri, estimator, {"task": "classification", "features": features, "label": "y", "classes": [0, 1]})
    rng = np.random.default_rng(0)
    rows = X[rng.integers(0, len(X), MAX_ROWS)] + rng.normal(0, 0.1, (MAX_ROWS, X.shape[1]))
    return uri, estimator, [dict(zip(features, map(float, row), strict=True)) for row in rows], rows


def test_health_answers_while_a_large_predict_runs(big_forest):
    uri, estimator, rows, X = big_forest
    # One worker: /health must reach the very process that is busy predicting.
    with running_server(uri, "--workers", "1") as http:
        started = time.perf_counter()
        answer = http.post("/predict", json={"rows": rows})
        alone = time.perf_counter() - started
        assert answer.status_code == 200
        assert answer.json()["predictions"] == estimator.predict(X).tolist()
        np.testing.assert_allclose(answer.json()["probabilities"], estimator.predict_proba(X), rtol=1e-12)

        window: dict[str, float] = {}

        def big_predict() -> None:
            window["start"] = time.perf_counter()
            assert http.post("/predict", json={"rows": rows}).status_code == 200
            window["end"] = time.perf_counter()

        predicting = threading.Thread(target=big_predict)
        latencies: list[tuple[float, float]] = []  # (sent, seconds)
        with httpx.Client(base_url=http.base_url, timeout=60) as health:
            health.get("/health").raise_for_status()  # connected before the predict starts
            predicting.start()
            while predicting.is_alive():
                sent = time.perf_counter()
                health.get("/health").raise_for_status()
                latencies.append((sent, time.perf_counter() - sent))
                time.sleep(0.002)
        predicting.join()

    busy = window["end"] - window["start"]
    during = [seconds for sent, seconds in latencies if window["start"] + 0.05 * busy < sent < window["end"] - 0.05 * busy]
    # Blocked, the loop answers one /health per predict, after it; free, it answers all along.
    assert busy > 0.1 and alone > 0.1, f"predict too quick to tell ({alone=:.3f} s, {busy=:.3f} s)"
    assert len(during) >= 10, f"only {len(during)} /health answers during a {busy:.2f} s predict"
    assert statistics.median(during) < busy / 10, f"/health median {statistics.median(during):.3f} s during a {busy:.2f} s predict"
    assert max(during) < busy / 2, f"/health took up to {max(during):.3f} s during a {busy:.2f} s predict"


def _stat(pid: int) -> list[str]:
    """/proc/<pid>/stat after the command name: [state, ppid, ...]; [] once the process is gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return []


def _running(pid: int) -> bool:
    return _stat(pid)[:1] not in ([], ["Z"])


def _children(pid: int) -> set[int]:
    """Running children of `pid`."""
    pids = (int(path.name) for path in Path("/proc").iterdir() if path.name.isdigit())
    return {child for child in pids if (stat := _stat(child))[1:2] == [str(pid)] and stat[0] != "Z"}


def _wait_for(condition, timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def test_usable_cpus_follows_the_affinity_mask():
    assert 1 <= usable_cpus() <= len(os.sched_getaffinity(0))


def test_workers_are_replaced_when_they_die_and_end_with_the_server(manager, monkeypatch, iris, iris_models):
    monkeypatch.setenv("JIMU_SERVING_WORKERS", "2")
    uri, estimator = iris_models["logistic"]
    rows = iris[0].iloc[:5].to_dict(orient="records")
    deployment = manager.deploy("iris", uri)
    assert _wait_for(lambda: len(_children(deployment.pid)) == 2), _children(deployment.pid)
    first, second = sorted(_children(deployment.pid))

    os.kill(first, signal.SIGKILL)  # as the OOM killer would
    assert _wait_for(lambda: len(_children(deployment.pid) - {first}) == 2), _children(deployment.pid)
    assert second in _children(deployment.pid)
    for _ in range(10):  # whichever worker takes the connection answers
        answer = httpx.post(f"{deployment.url}/predict", json={"rows": rows}, timeout=10)
        assert answer.json()["predictions"] == estimator.predict(iris[0].iloc[:5]).tolist()

    workers = _children(deployment.pid)
    os.kill(deployment.pid, signal.SIGKILL)  # the supervisor dies without passing anything on
    assert _wait_for(lambda: not any(map(_running, workers))), "workers outlived their supervisor"
