"""One real Airflow scheduler per test session (on one xdist worker: the tests share the group)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.notify.receivers import SmtpReceiver, WebhookReceiver, http_connection, smtp_connection
from tests.scheduler.real_airflow import RealAirflow, running_real_airflow

_running: list[RealAirflow] = []


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.slow)
            item.add_marker(pytest.mark.xdist_group("real_airflow"))


@dataclass
class AlertReceivers:
    """Where the scheduler's alerts go: a real SMTP server and a robot-style HTTP receiver."""

    smtp: SmtpReceiver
    robot: WebhookReceiver
    SMTP_CONN_ID = "jimu_alert_smtp"
    ROBOT_CONN_ID = "jimu_alert_robot"

    def connections(self) -> dict[str, str]:
        """AIRFLOW_CONN_* variables that point the two connections at the receivers."""
        return {
            f"AIRFLOW_CONN_{self.SMTP_CONN_ID.upper()}": smtp_connection(self.smtp.port),
            f"AIRFLOW_CONN_{self.ROBOT_CONN_ID.upper()}": http_connection(self.robot.port, password="robot-token"),
        }


@pytest.fixture(scope="session")
def alert_receivers():
    """Started before the scheduler, whose processes get their connections at start."""
    with SmtpReceiver() as smtp, WebhookReceiver() as robot:
        yield AlertReceivers(smtp, robot)


@pytest.fixture(scope="session")
def real_airflow(tmp_path_factory, catalog, alert_receivers) -> RealAirflow:
    """`airflow standalone` whose tasks read the components `catalog` published into this session's home."""
    with running_real_airflow(tmp_path_factory.mktemp("real-airflow"), Path(os.environ["JIMU_HOME"]),
                              alert_receivers.connections()) as airflow:
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
