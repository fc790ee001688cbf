"""Shared fixtures. Airflow is pointed at a per-worker temporary home before it is imported."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import pytest

# The session's one Chromium (`browser`), shared by the editor's and the Airflow plugin's browser tests.
pytest_plugins = ["tests.browser"]

# Must happen before any test module imports airflow: each xdist worker gets its own home/DB.
_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")
_SESSION_HOME = Path(tempfile.mkdtemp(prefix=f"jimu-tests-{_WORKER}-"))
os.environ["JIMU_HOME"] = str(_SESSION_HOME / "jimu")
os.environ["AIRFLOW_HOME"] = str(_SESSION_HOME / "jimu" / "airflow")
os.environ["AIRFLOW__CORE__LOAD_EXAMPLES"] = "False"
os.environ["AIRFLOW__CORE__DAGS_FOLDER"] = str(_SESSION_HOME / "dags")
os.environ["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"] = f"sqlite:///{_SESSION_HOME / 'jimu' / 'airflow' / 'airflow.db'}"
os.environ.pop("JIMU_COMPONENT_PATH", None)

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "templates" / "wine_quality" / "pipeline.json"


@pytest.fixture(scope="session")
def catalog():
    from jimu.catalog import ComponentCatalog

    return ComponentCatalog.from_dirs()


@pytest.fixture
def example_raw() -> dict:
    return json.loads(EXAMPLE.read_text(encoding="utf-8"))


@pytest.fixture
def jimu_home(tmp_path, monkeypatch) -> Path:
    """A fresh $JIMU_HOME for data and exports (the Airflow home stays per worker)."""
    home = tmp_path / "home"
    monkeypatch.setenv("JIMU_HOME", str(home))
    return home


def make_pipeline(nodes, edges=(), params=None, **extra) -> dict:
    """A minimal pipeline dict for tests."""
    return {"id": "test_pipeline", "params": params or {}, "nodes": list(nodes), "edges": list(edges), **extra}
