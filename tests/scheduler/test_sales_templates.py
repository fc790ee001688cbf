"""Issue 10's "done when" on a real Airflow: the daily ETL template exports its days, its export_day task
updates the asset the retraining template is scheduled on, and the retraining runs by itself, as an
asset-triggered run, on every day exported so far.

Both templates are deployed as shipped but for their ids, asset and exports folder (so no other test's
runs of the shipped daily_sales update this asset), catch-up (off: only the days triggered here run)
and the gate (R² of 1 is out of reach, so no model server is left running)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pandas as pd

from jimu.runtime import storage
from jimu.runtime.invocation import port_uri
from tests.scheduler.real_airflow import FINISHED, trigger, wait_for_dag, wait_for_run
from tests.scheduler.test_assets import first_asset_triggered_run
from tests.scheduler.test_scheduled_runs import deploy
from tests.templates.sales import DAILY_SALES, SALES_RETRAINING, daily_totals_by_pandas

ETL, RETRAINING = "daily_sales_e2e", "sales_retraining_e2e"
ASSET, EXPORTS = "sales_e2e", "sales_e2e"
EARLIER_DAYS, TRIGGERING_DAY = ("2026-11-02", "2026-11-03", "2026-11-04"), "2026-11-05"


def copies_for_this_test(folder: Path) -> tuple[Path, Path]:
    etl = json.loads(DAILY_SALES.read_text(encoding="utf-8"))
    etl.pop("$schema", None)
    etl.update(id=ETL, catchup=False)
    etl["params"]["daily_export"]["default"] = f"{EXPORTS}/{{ds}}.parquet"
    [export] = [n for n in etl["nodes"] if n.get("assets")]
    export["assets"] = {"table": ASSET}
    retraining = json.loads(SALES_RETRAINING.read_text(encoding="utf-8"))
    retraining.pop("$schema", None)
    retraining.update(id=RETRAINING, schedule={"asset": ASSET})
    retraining["params"]["history"]["default"] = EXPORTS
    retraining["params"]["min_r2"]["default"] = 1
    paths = folder / f"{ETL}.json", folder / f"{RETRAINING}.json"
    for path, spec in zip(paths, (etl, retraining), strict=True):
        path.write_text(json.dumps(spec), encoding="utf-8")
    return paths


def wait_for_every_run(api, dag_id: str, timeout: float = 300) -> list[dict]:
    deadline = time.monotonic() + timeout
    while True:
        runs = api.get(f"/dags/{dag_id}/dagRuns").json()["dag_runs"]
        if runs and all(run["state"] in FINISHED for run in runs):
            return runs
        if time.monotonic() > deadline:
            raise TimeoutError(f"{dag_id}: runs still going after {timeout:.0f} s: {runs}")
        time.sleep(1)


def test_the_daily_etl_feeds_the_retraining_through_its_asset(real_airflow, tmp_path):
    etl_spec, retraining_spec = copies_for_this_test(tmp_path)
    deploy(etl_spec, real_airflow.dags_folder)
    deploy(retraining_spec, real_airflow.dags_folder)
    etl_dag, retraining_dag = f"{ETL}.local", f"{RETRAINING}.local"
    with real_airflow.client() as api:
        wait_for_dag(api, etl_dag)
        wait_for_dag(api, retraining_dag)
        for day in EARLIER_DAYS:  # the retraining is paused: Airflow queues nothing for it yet
            trigger(api, etl_dag, f"{day}T00:00:00Z")
        etl_runs = wait_for_every_run(api, etl_dag)
        api.patch(f"/dags/{retraining_dag}", json={"is_paused": False}).raise_for_status()
        last = trigger(api, etl_dag, f"{TRIGGERING_DAY}T00:00:00Z")
        assert wait_for_run(api, etl_dag, last)["state"] == "success"
        retraining = first_asset_triggered_run(api, retraining_dag)
        run = wait_for_run(api, retraining_dag, retraining["dag_run_id"])

    assert all(r["state"] == "success" for r in etl_runs), etl_runs
    assert run["state"] == "success", run
    # The gate held (a closed gate skips itself and what follows): no model server is left running.
    assert run["tasks"] == {
        **dict.fromkeys(["load_history", "features", "train_days", "held_out_days", "train", "evaluate"], "success"),
        **dict.fromkeys(["r2_gate", "champion_gate", "serve"], "skipped"),
    }
    # The retraining read every day exported so far: the triggering day's totals and the earlier ones.
    uri = port_uri(storage.default_storage_base(), RETRAINING, retraining["dag_run_id"], "load_history", "table")
    history = storage.read_table(uri).to_pandas()
    expected = pd.concat([daily_totals_by_pandas(day) for day in (*EARLIER_DAYS, TRIGGERING_DAY)])
    assert len(history) >= len(expected) > 0
    days_read = {str(day)[:10] for day in history["sale_date"]}
    assert {*EARLIER_DAYS, TRIGGERING_DAY} <= days_read
