"""The daily ETL template caught up by a real Airflow scheduler: deployed with catchup and a start date
two days ago, the scheduler itself creates the three runs due (two days ago, yesterday, today), and
each writes its own day's export, equal to pandas on the same extract."""

from __future__ import annotations

import datetime as dt
import json
import os
import time
from pathlib import Path

import pandas as pd

from tests.scheduler.real_airflow import RUN_TIMEOUT, wait_for_dag
from tests.scheduler.test_scheduled_runs import deploy
from tests.templates.sales import DAILY_SALES, RAW, assert_same_totals, daily_totals_by_pandas, read_export

DUE = 3
# A stretch of the bundled extract with sales every day: moved so that it ends today.
SOURCE_DAYS = ("2026-11-04", "2026-11-05", "2026-11-06")


def extract_ending_today(folder: Path, today: dt.date) -> Path:
    """The bundled extract with its dates moved, so the days due now have sales."""
    raw = pd.read_csv(RAW, dtype=str, keep_default_na=False)
    shift = today - dt.date.fromisoformat(SOURCE_DAYS[-1])
    raw["sale_date"] = [(dt.date.fromisoformat(day) + shift).isoformat() if day else "" for day in raw["sale_date"]]
    path = folder / "sales_moved.csv"
    raw.to_csv(path, index=False)
    return path


def catch_up_copy(folder: Path, extract: Path, start: dt.date, exports: str) -> Path:
    """The template as shipped but for its start date, its extract and where its exports go."""
    spec = json.loads(DAILY_SALES.read_text(encoding="utf-8"))
    spec.pop("$schema")
    spec["id"] = "daily_sales_catchup"
    spec["start_date"] = start.isoformat()
    spec["params"]["sales_file"]["default"] = str(extract)
    spec["params"]["daily_export"]["default"] = f"{exports}/{{ds}}.parquet"
    path = folder / "daily_sales_catchup.json"
    path.write_text(json.dumps(spec), encoding="utf-8")
    return path


def wait_for_runs(api, dag_id: str, count: int) -> list[dict]:
    """The DAG's runs, once the scheduler has created `count` and all have finished."""
    deadline = time.monotonic() + RUN_TIMEOUT * count
    while True:
        runs = api.get(f"/dags/{dag_id}/dagRuns", params={"order_by": "logical_date"}).json()["dag_runs"]
        if len(runs) >= count and all(run["state"] in ("success", "failed") for run in runs):
            return runs
        if time.monotonic() > deadline:
            raise TimeoutError(f"{dag_id}: runs after {RUN_TIMEOUT * count:.0f} s: "
                               f"{[(run['logical_date'], run['state']) for run in runs]}")
        time.sleep(2)


def test_the_scheduler_catches_up_three_days_each_equal_to_pandas(real_airflow, tmp_path):
    today = dt.datetime.now(dt.UTC).date()
    days = [today - dt.timedelta(days=back) for back in range(DUE - 1, -1, -1)]
    extract = extract_ending_today(tmp_path, today)
    exports = f"catchup_{today:%Y%m%d}_{os.getpid()}"
    deploy(catch_up_copy(tmp_path, extract, days[0], exports), real_airflow.dags_folder)
    dag_id = "daily_sales_catchup.local"
    with real_airflow.client() as api:
        wait_for_dag(api, dag_id)
        api.patch(f"/dags/{dag_id}", json={"is_paused": False}).raise_for_status()
        runs = wait_for_runs(api, dag_id, DUE)

    assert [(run["logical_date"][:10], run["run_type"], run["state"]) for run in runs] == [
        (day.isoformat(), "scheduled", "success") for day in days]
    written = Path(os.environ["JIMU_HOME"]) / "exports" / exports
    assert sorted(path.name for path in written.iterdir()) == [f"{day}.parquet" for day in days]
    totals = [read_export(written / f"{day}.parquet") for day in days]
    for day, exported in zip(days, totals, strict=True):
        expected = daily_totals_by_pandas(day.isoformat(), extract)
        assert len(expected) == 4
        assert_same_totals(exported, expected)
    assert len({frame["revenue"].sum() for frame in totals}) == DUE  # three distinct days, not one thrice
