"""One real `airflow api-server` per test session, shared by every plugin test that needs it."""

from __future__ import annotations

import pytest

from tests.plugins.airflow_server import AirflowServer, running_airflow_server

_servers: list[AirflowServer] = []


@pytest.fixture(scope="session")
def airflow_server(tmp_path_factory) -> AirflowServer:
    """Airflow 3 with the jimu plugin, found through its entry point (the plugins folder is empty)."""
    root = tmp_path_factory.mktemp("airflow-server")
    plugins = root / "plugins"
    plugins.mkdir()
    with running_airflow_server(root, plugins) as server:
        _servers.append(server)
        yield server
        _servers.remove(server)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """A failed test that used the server shows the end of the server's log."""
    report = yield
    if report.failed and "airflow_server" in item.fixturenames:
        for server in _servers:
            report.sections.append(("airflow api-server log (last lines)", server.log_tail()))
    return report
