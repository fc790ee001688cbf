"""Editor API fixtures: one app (and one live server) per session over a per-test workspace folder."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import httpx
import pytest

from jimu.ui_plugin.app import create_app
from jimu.ui_plugin.config import UiConfig
from tests.conftest import EXAMPLE
from tests.ui_plugin.live import serving


def fuzz_config() -> UiConfig:
    """A config for module-level apps (schemathesis builds its tests at import time)."""
    import atexit
    import tempfile

    root = Path(tempfile.mkdtemp(prefix="jimu-ui-fuzz-"))
    atexit.register(shutil.rmtree, root, ignore_errors=True)
    return UiConfig(workspace=root / "workspace", dags_folder=root / "dags")


@pytest.fixture(scope="session")
def ui_root(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("ui")


@pytest.fixture(scope="session")
def ui_config(ui_root, catalog) -> UiConfig:
    # `catalog` publishes the built-ins once per session; the app then reads the same store.
    return UiConfig(workspace=ui_root / "workspace", dags_folder=ui_root / "dags")


@pytest.fixture(scope="session")
def ui_app(ui_config):
    return create_app(ui_config)


@pytest.fixture(scope="session")
def live_url(ui_app):
    with serving(ui_app) as url:
        yield url


@pytest.fixture
def workspace(ui_config) -> Path:
    """The session app's workspace and dags folder, emptied for each test."""
    for folder in (ui_config.workspace, ui_config.dags_folder):
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
    return ui_config.workspace


@pytest.fixture
def api(ui_app, workspace):
    """In-process client (httpx over ASGI) where HTTP itself adds nothing to the test."""
    from fastapi.testclient import TestClient

    with TestClient(ui_app, raise_server_exceptions=False) as client:
        yield client


@pytest.fixture
def http(live_url, workspace):
    """A client of the live server: real HTTP on loopback."""
    with httpx.Client(base_url=live_url, timeout=30) as client:
        yield client


@pytest.fixture
def wine() -> dict:
    return json.loads(EXAMPLE.read_text(encoding="utf-8"))
