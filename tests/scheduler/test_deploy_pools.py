"""`jimu deploy` creates the pools its DAGs name in a real Airflow, through its REST API."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.scheduler.real_airflow import REAL_AIRFLOW_USERS
from tests.test_backfill import daily_pipeline

JIMU = Path(sys.executable).parent / "jimu"


def deploy(spec: Path, dags: Path, *args: str, user: str = "platform", env=None) -> subprocess.CompletedProcess:
    env = env or {**os.environ, "JIMU_AIRFLOW_USERNAME": user, "JIMU_AIRFLOW_PASSWORD": REAL_AIRFLOW_USERS[user][1]}
    return subprocess.run([str(JIMU), "deploy", str(spec), "--profile", "local", "--dags-folder", str(dags), *args],
                          capture_output=True, text=True, env=env, timeout=120)


def test_deploy_creates_missing_pools_then_finds_them(real_airflow, tmp_path):
    raw = daily_pipeline("scheduler_pools_test", tmp_path / "sales.csv", defaults={"pool": "jimu_etl"})
    raw["nodes"][1]["pool"] = "jimu_sql_heavy"
    spec = tmp_path / "pipeline.json"
    spec.write_text(json.dumps(raw), encoding="utf-8")
    dags = tmp_path / "dags"

    # A role that may not create pools: the refusal is said, and no DAG file is written.
    proc = deploy(spec, dags, "--airflow-url", real_airflow.base_url, user="editor")
    assert proc.returncode == 1 and "pool 'jimu_etl' not created: HTTP 403" in proc.stderr, proc.stderr
    assert not dags.exists()

    proc = deploy(spec, dags, "--airflow-url", real_airflow.base_url, "--pool-slots", "3")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.splitlines()[:2] == ["pool jimu_etl: created (3 slots)", "pool jimu_sql_heavy: created (3 slots)"]
    with real_airflow.client("viewer") as api:
        pools = {name: api.get(f"/pools/{name}").json() for name in ("jimu_etl", "jimu_sql_heavy")}
    assert {name: (pool["slots"], pool["description"]) for name, pool in pools.items()} == {
        "jimu_etl": (3, "created by jimu deploy"), "jimu_sql_heavy": (3, "created by jimu deploy")}

    # Credentials from an Airflow connection this time; existing pools keep their slots.
    login = json.dumps({"conn_type": "http", "login": "platform", "password": REAL_AIRFLOW_USERS["platform"][1]})
    env = {**os.environ, "AIRFLOW_CONN_AIRFLOW_PLATFORM": login}
    proc = deploy(spec, dags, "--airflow-url", real_airflow.base_url, "--pool-slots", "9",
                  "--airflow-conn-id", "airflow_platform", env=env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.splitlines()[:2] == ["pool jimu_etl: exists (3 slots)", "pool jimu_sql_heavy: exists (3 slots)"]
    assert "0 added, 0 updated, 1 unchanged, 0 removed" in proc.stdout
