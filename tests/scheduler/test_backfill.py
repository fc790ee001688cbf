"""A deployed DAG backfilled by the real scheduler through Airflow's REST API (POST /api/v2/backfills),
as a data engineer backfills a missed week: three runs, three day files, each equal to pandas."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from tests.scheduler.real_airflow import RUN_TIMEOUT, wait_for_dag
from tests.scheduler.test_scheduled_runs import deploy
from tests.test_backfill import SALES, assert_day_equals_pandas, daily_pipeline

DAYS = ["2026-11-01", "2026-11-02", "2026-11-03"]


def wait_for_backfill_runs(api, dag_id: str, count: int) -> dict[str, dict]:
    """Logical date -> run, once `count` backfill runs of the DAG have finished."""
    deadline = time.monotonic() + RUN_TIMEOUT
    while True:
        runs = api.get(f"/dags/{dag_id}/dagRuns", params={"run_type": "backfill", "limit": 100}).json()["dag_runs"]
        finished = {r["logical_date"][:10]: r for r in runs if r["state"] in ("success", "failed")}
        if len(finished) >= count:
            return finished
        if time.monotonic() > deadline:
            raise TimeoutError(f"backfill runs of {dag_id}: {[(r['dag_run_id'], r['state']) for r in runs]}")
        time.sleep(1)


def test_a_backfill_through_the_rest_api_runs_each_day_and_equals_pandas(real_airflow, tmp_path):
    SALES.to_csv(tmp_path / "sales.csv", index=False)
    spec_file = tmp_path / "pipeline.json"
    spec_file.write_text(json.dumps(daily_pipeline("scheduler_backfill_test", tmp_path / "sales.csv")))
    deploy(spec_file, real_airflow.dags_folder)
    dag_id = "scheduler_backfill_test.local"
    with real_airflow.client() as api:
        wait_for_dag(api, dag_id)
        api.patch(f"/dags/{dag_id}", json={"is_paused": False}).raise_for_status()
        created = api.post("/backfills", json={
            "dag_id": dag_id, "from_date": f"{DAYS[0]}T00:00:00Z", "to_date": f"{DAYS[-1]}T00:00:00Z",
            "max_active_runs": 3, "reprocess_behavior": "none",
        })
        assert created.status_code == 200, created.text
        runs = wait_for_backfill_runs(api, dag_id, len(DAYS))

    assert {day: run["state"] for day, run in runs.items()} == dict.fromkeys(DAYS, "success")
    assert {run["dag_run_id"] for run in runs.values()} == {f"backfill__{day}T00:00:00+00:00" for day in DAYS}
    for day in DAYS:
        assert_day_equals_pandas("scheduler_backfill_test", day)
    exports = Path(os.environ["JIMU_HOME"]) / "exports" / "scheduler_backfill_test"
    assert len({(exports / f"{day}.csv").read_bytes() for day in DAYS}) == 3  # three distinct outputs
