"""JimuPlugin as Airflow 3 sees it: found by the plugins manager, and mounted by a real api-server."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys

import httpx
import pytest
from fastapi import FastAPI

from jimu.plugins.airflow_plugin import EDITOR_VIEW, URL_PREFIX

EXPECTED_VIEW = {"name": "Jimu", "href": "/jimu/", "url_route": "jimu", "destination": "nav", "category": "browse"}
ENTRY_POINT = "jimu.plugins.airflow_plugin:JimuPlugin"


@pytest.fixture(scope="module")
def jimu_plugin():
    from airflow import plugins_manager

    plugins, errors = plugins_manager._get_plugins()
    found = [plugin for plugin in plugins if plugin.name == "jimu"]
    assert len(found) == 1, f"plugins: {[p.name for p in plugins]}, import errors: {errors}"
    return found[0]


def test_airflow_finds_the_plugin_through_its_entry_point(jimu_plugin):
    from airflow._shared.plugins_manager import EntryPointSource

    assert isinstance(jimu_plugin.source, EntryPointSource), jimu_plugin.source
    assert ENTRY_POINT in jimu_plugin.source.entrypoint
    assert jimu_plugin.source.dist == "jimu"


def test_the_editor_app_is_registered_at_jimu(jimu_plugin):
    from airflow import plugins_manager
    from airflow.api_fastapi.app import RESERVED_URL_PREFIXES

    apps, _ = plugins_manager.get_fastapi_plugins()
    ours = [app for app in apps if app["url_prefix"] == "/jimu"]
    assert len(ours) == 1, apps
    assert ours[0]["name"] == "jimu"
    assert isinstance(ours[0]["app"], FastAPI)
    assert {"/api/health", "/api/me"} <= {route.path for route in ours[0]["app"].routes}
    assert not any(URL_PREFIX.startswith(prefix) for prefix in RESERVED_URL_PREFIXES)
    # Built once per process: the api-server and `airflow plugins` see the same app.
    assert jimu_plugin.fastapi_apps[0]["app"] is jimu_plugin.fastapi_apps[0]["app"]


def test_the_nav_view_is_registered(jimu_plugin):
    from airflow import plugins_manager

    external_views, _ = plugins_manager._get_ui_plugins()
    assert EXPECTED_VIEW in external_views
    assert jimu_plugin.external_views == [EXPECTED_VIEW] == [EDITOR_VIEW]


def test_importing_the_plugin_builds_nothing():
    """Every Airflow process loads plugins; only the api-server should pay for the editor app."""
    code = (
        "import sys, json, airflow.plugins_manager\n"
        "before = set(sys.modules)\n"
        "import jimu.plugins.airflow_plugin\n"
        "print(json.dumps(sorted(set(sys.modules) - before)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert json.loads(out.splitlines()[-1]) == ["jimu", "jimu.plugins", "jimu.plugins.airflow_plugin"]


@pytest.mark.slow
def test_the_api_server_lists_the_plugin_and_its_view(airflow_server):
    token = airflow_server.token("viewer")
    response = httpx.get(
        f"{airflow_server.base_url}/api/v2/plugins", headers={"Authorization": f"Bearer {token}"}, timeout=30
    )
    assert response.status_code == 200, response.text
    plugins = {plugin["name"]: plugin for plugin in response.json()["plugins"]}
    assert "jimu" in plugins, sorted(plugins)
    jimu = plugins["jimu"]
    assert jimu["fastapi_apps"] == [{"app": "fastapi.applications.FastAPI", "url_prefix": "/jimu", "name": "jimu"}]
    assert [{key: view[key] for key in EXPECTED_VIEW} for view in jimu["external_views"]] == [EXPECTED_VIEW]
    assert ENTRY_POINT in jimu["source"] and jimu["source"].startswith("jimu==")


@pytest.mark.slow
def test_the_page_at_jimu_is_the_editor_apps_own(airflow_server):
    """/jimu/ is answered by the mounted editor app exactly as the app answers /, not by Airflow's UI."""
    from jimu.plugins.airflow_plugin import editor_app

    async def ask_the_app_itself() -> httpx.Response:
        transport = httpx.ASGITransport(app=editor_app())
        async with httpx.AsyncClient(transport=transport, base_url="http://editor") as direct:
            return await direct.get("/")

    served = httpx.get(f"{airflow_server.base_url}/jimu/", timeout=30)
    expected = asyncio.run(ask_the_app_itself())
    airflow_ui = httpx.get(f"{airflow_server.base_url}/no-such-page", timeout=30)
    assert served.status_code < 500, served.text
    assert (served.status_code, served.content) == (expected.status_code, expected.content)
    assert served.content != airflow_ui.content


def test_an_editor_that_cannot_start_answers_503_and_airflow_keeps_running(monkeypatch, caplog):
    from jimu.plugins import airflow_plugin
    from jimu.ui_plugin import app as ui_app

    def broken_create_app(config):
        raise OSError(f"cannot create workspace {config.workspace}")

    monkeypatch.setattr(ui_app, "create_app", broken_create_app)
    airflow_plugin.editor_app.cache_clear()
    try:
        app = airflow_plugin.editor_app()
    finally:
        airflow_plugin.editor_app.cache_clear()
    assert "could not start" in caplog.text and "cannot create workspace" in caplog.text

    async def ask(method: str, path: str) -> httpx.Response:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://editor") as client:
            return await client.request(method, path)

    for method, path in [("GET", "/"), ("GET", "/api/health"), ("PUT", "/api/pipelines/x")]:
        response = asyncio.run(ask(method, path))
        assert response.status_code == 503, (method, path)
        assert "api-server log" in response.json()["detail"]
        assert "workspace" not in response.json()["detail"]  # the reason stays in the log
