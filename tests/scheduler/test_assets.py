"""Data-aware scheduling under a real Airflow scheduler: an ETL DAG whose last task updates an Asset,
and a retraining DAG scheduled on that Asset. Triggering the ETL over the REST API must give the
retraining DAG an asset-triggered run whose node saw the event (the ETL's dag_id and run_id, the
asset's URI) through ctx.run / {"$run": "triggering_asset_events"}."""

from __future__ import annotations

import time
from pathlib import Path

from jimu.runtime import storage
from jimu.runtime.invocation import port_uri
from tests.scheduler.real_airflow import RUN_TIMEOUT, trigger, wait_for_dag, wait_for_run
from tests.scheduler.test_scheduled_runs import deploy

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "assets"
ETL, RETRAINING = "asset_etl.local", "asset_retraining.local"
ASSET_URI = "jimu://warehouse/asset_test_sales"  # the local profile's default warehouse


def first_asset_triggered_run(api, dag_id: str, timeout: float = RUN_TIMEOUT) -> dict:
    """The first run the scheduler queued for `dag_id` because its assets were updated."""
    deadline = time.monotonic() + timeout
    while True:
        runs = api.get(f"/dags/{dag_id}/dagRuns").json()["dag_runs"]
        found = [run for run in runs if run["run_type"] == "asset_triggered"]
        if found:
            return found[0]
        if time.monotonic() > deadline:
            raise TimeoutError(f"no asset-triggered run of {dag_id} after {timeout:.0f} s: {runs}")
        time.sleep(1)


def test_an_etl_run_updates_its_asset_and_triggers_the_retraining(real_airflow):
    deploy(FIXTURES / "sales_etl.json", real_airflow.dags_folder)
    deploy(FIXTURES / "retraining.json", real_airflow.dags_folder)
    with real_airflow.client() as api:
        wait_for_dag(api, ETL)
        wait_for_dag(api, RETRAINING)
        # Airflow queues asset-triggered runs for unpaused DAGs only.
        api.patch(f"/dags/{RETRAINING}", json={"is_paused": False}).raise_for_status()
        etl_run_id = trigger(api, ETL, "2026-11-29T00:00:00Z")
        assert wait_for_run(api, ETL, etl_run_id)["state"] == "success"
        retraining = first_asset_triggered_run(api, RETRAINING)
        run = wait_for_run(api, RETRAINING, retraining["dag_run_id"])
        # Asked only now: Airflow 3.3.2 answers 500 while a run the event created has not started
        # (apache/airflow#71360; its fix, #71379, is not in the 3.3.2 installed here).
        answer = api.get("/assets/events", params={"source_dag_id": ETL})
        assert answer.status_code == 200, answer.text
        events = answer.json()["asset_events"]

    assert [(e["uri"], e["source_run_id"], e["source_task_id"]) for e in events] == [
        (ASSET_URI, etl_run_id, "aggregate")
    ]
    assert [r["run_id"] for r in events[0]["created_dagruns"]] == [retraining["dag_run_id"]]
    assert run == {"state": "success", "tasks": {"seen": "success"}}
    uri = port_uri(storage.default_storage_base(), "asset_retraining", retraining["dag_run_id"], "seen", "table")
    seen = storage.read_table(uri).to_pylist()
    assert len(seen) == 1
    [row] = seen
    assert row["run_type"] == "asset_triggered" and row["run_id"] == retraining["dag_run_id"]
    assert (row["name"], row["uri"]) == ("asset_test_sales", ASSET_URI)
    assert (row["source_dag_id"], row["source_run_id"]) == (ETL, etl_run_id)
    assert row["timestamp"].startswith(events[0]["timestamp"][:19])
