"""One real Airflow scheduler per test session (on one xdist worker: the tests share the group)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.scheduler.real_airflow import RealAirflow, running_real_airflow

_running: list[RealAirflow] = []


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.slow)
            item.add_marker(pytest.mark.xdist_group("real_airflow"))


@pytest.fixture(scope="session")
def real_airflow(tmp_path_factory, catalog) -> RealAirflow:
    """`airflow standalone` whose tasks read the components `catalog` published into this session's home."""
    with running_real_airflow(tmp_path_factory.mktemp("real-airflow"), Path(os.environ["JIMU_HOME"])) as airflow:
        _running.append(airflow)
        yield airflow
        _running.remove(airflow)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """A failed test that used the scheduler shows the end of Airflow's log."""
    report = yield
    if report.failed and "real_airflow" in item.fixturenames:
        for airflow in _running:
            report.sections.append(("airflow standalone log (last lines)", airflow.log_tail()))
    return report
