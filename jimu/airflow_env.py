"""The project-local Airflow that `jimu run` uses: its home, settings and metadata DB.

Everything is set through environment variables before Airflow is imported, so a user's
~/airflow or AIRFLOW_HOME is never touched by a local run.
"""

from __future__ import annotations

import fcntl
import os
import sys
from pathlib import Path

from jimu.home import jimu_home

__all__ = ["configure_airflow", "ensure_metadata_db", "jimu_home"]


def configure_airflow(dags_folder: Path) -> Path:
    """Point Airflow at $JIMU_HOME/airflow (SQLite) and size it for a laptop; returns AIRFLOW_HOME."""
    home = jimu_home()
    airflow_home = home / "airflow"
    airflow_home.mkdir(parents=True, exist_ok=True)
    os.environ["JIMU_HOME"] = str(home)
    settings = {
        "AIRFLOW_HOME": str(airflow_home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(dags_folder),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__PARALLELISM": "2",
        "AIRFLOW__CORE__MAX_ACTIVE_TASKS_PER_DAG": "2",
        "AIRFLOW__CORE__LAZY_LOAD_PLUGINS": "True",
        "AIRFLOW__CORE__LAZY_DISCOVER_PROVIDERS": "True",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{airflow_home / 'airflow.db'}",
        "AIRFLOW__LOGGING__BASE_LOG_FOLDER": str(airflow_home / "logs"),
    }
    os.environ.update(settings)
    _retarget_imported_airflow(dags_folder)
    return airflow_home


def _retarget_imported_airflow(dags_folder: Path) -> None:
    """Airflow reads the dags folder once, at import: a process that runs several pipelines
    (the warm runner) must point the imported settings at each run's folder, or the second
    pipeline fails with "the dag is not serialized"."""
    if "airflow.settings" not in sys.modules:
        return
    from airflow import settings
    from airflow.configuration import conf

    settings.DAGS_FOLDER = str(dags_folder)
    conf.set("core", "dags_folder", str(dags_folder))


def ensure_metadata_db(airflow_home: Path, echo=print) -> None:
    """Create the SQLite metadata DB on first use (Airflow's own migrations), once across processes.

    Two first runs at once would both run the migrations and one would fail with
    `table ... already exists`; the second waits on a file lock and then finds the DB ready.
    """
    marker = airflow_home / ".jimu-db-ready"
    if marker.exists():
        return
    airflow_home.mkdir(parents=True, exist_ok=True)
    with open(airflow_home / ".jimu-db.lock", "a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            echo(f"jimu: waiting for another jimu command to finish creating the metadata DB in {airflow_home}...")
            fcntl.flock(lock, fcntl.LOCK_EX)
        if marker.exists():
            return
        echo(f"jimu: creating the local Airflow metadata DB in {airflow_home} (first run only)...")
        from airflow.utils import db

        db.initdb()
        marker.write_text("ok\n", encoding="utf-8")
