"""Every generated DAG file (tests/golden/*.py and dags/*.py) loads in a real Airflow DagBag.

Expected tasks, dependencies and settings come from the JSON spec a file names in its header,
not from the compiler.
"""

from __future__ import annotations

import datetime
import subprocess
import sys
from pathlib import Path

import pytest

from tests.compile.expect import (
    dag_files,
    expected_dag_id,
    expected_downstream,
    expected_upstream,
    file_id,
    header,
    load_dagbag,
    profile_kind,
    source_spec,
)

FILES = dag_files()
RUFF = Path(sys.executable).with_name("ruff")
OPERATOR_CLASSES = {"kubernetes": "JimuPodOperator", "local": "JimuComponentOperator"}
SPEC_DEFAULTS = {
    "retries": 0, "retry_delay_seconds": 60, "timeout_seconds": None,
    "retry_exponential_backoff": 0, "max_retry_delay_seconds": None, "depends_on_past": False,
    "pool": None, "queue": None,
}
# What Airflow gives a task when the spec leaves pool and queue unset.
AIRFLOW_POOL, AIRFLOW_QUEUE = "default_pool", "default"
# [core] max_active_runs_per_dag and max_active_tasks_per_dag, Airflow's defaults for both.
AIRFLOW_MAX_ACTIVE = 16


def airflow_asset(name: str):
    """An Asset as the docs write one; the golden profiles keep the default warehouse."""
    from airflow.sdk import Asset

    return Asset(name=name, uri=f"jimu://warehouse/{name}")


def airflow_schedule(schedule):
    """A spec's schedule as Airflow holds it: text as is, an asset condition as AssetAny/AssetAll."""
    from airflow.sdk.definitions.asset import AssetAll, AssetAny

    if not isinstance(schedule, dict):
        return schedule
    if "asset" in schedule:
        return airflow_asset(schedule["asset"])
    key = "any" if "any" in schedule else "all"
    parts = [airflow_schedule(part) for part in schedule[key]]
    return parts[0] if len(parts) == 1 else (AssetAny if key == "any" else AssetAll)(*parts)


def loaded_dag(path: Path):
    bag = load_dagbag(path)
    assert bag.import_errors == {}, f"{file_id(path)} does not import: {bag.import_errors}"
    return bag


def seconds(value: int | None) -> datetime.timedelta | None:
    return None if value is None else datetime.timedelta(seconds=value)


def test_shipped_dags_are_included():
    assert any(path.parent.name == "dags" for path in FILES), "no DAG file in dags/"


@pytest.mark.parametrize("path", FILES, ids=file_id)
def test_dag_file_loads_with_the_spec_graph(path):
    raw = source_spec(path)
    bag = loaded_dag(path)
    dag_id = expected_dag_id(path)
    assert list(bag.dags) == [dag_id], f"{file_id(path)}: expected exactly the DAG {dag_id!r}"
    assert header(path)["dag-id"] == dag_id
    dag = bag.dags[dag_id]
    upstream, downstream = expected_upstream(raw), expected_downstream(raw)
    assert set(dag.task_ids) == set(upstream)
    assert len(dag.task_ids) == len(raw["nodes"])
    for task in dag.tasks:
        assert set(task.upstream_task_ids) == upstream[task.task_id], f"upstream of {task.task_id}"
        assert set(task.downstream_task_ids) == downstream[task.task_id], f"downstream of {task.task_id}"


@pytest.mark.parametrize("path", FILES, ids=file_id)
def test_operators_follow_the_profile_kind(path):
    dag = loaded_dag(path).dags[expected_dag_id(path)]
    expected = OPERATOR_CLASSES[profile_kind(path)]
    assert {type(task).__name__ for task in dag.tasks} == {expected}


@pytest.mark.parametrize("path", FILES, ids=file_id)
def test_task_settings_follow_the_spec(path):
    raw = source_spec(path)
    dag = loaded_dag(path).dags[expected_dag_id(path)]
    defaults = {**SPEC_DEFAULTS, **raw.get("defaults", {})}
    for node in raw["nodes"]:
        task = dag.get_task(node["id"])
        setting = {key: node[key] if node.get(key) is not None else defaults[key] for key in SPEC_DEFAULTS}
        assert task.retries == setting["retries"], node["id"]
        assert task.retry_delay == seconds(setting["retry_delay_seconds"]), node["id"]
        assert task.execution_timeout == seconds(setting["timeout_seconds"]), node["id"]
        assert task.retry_exponential_backoff == setting["retry_exponential_backoff"], node["id"]
        assert task.max_retry_delay == seconds(setting["max_retry_delay_seconds"]), node["id"]
        assert task.depends_on_past is setting["depends_on_past"], node["id"]
        assert task.pool == (setting["pool"] or AIRFLOW_POOL), node["id"]
        assert task.queue == (setting["queue"] or AIRFLOW_QUEUE), node["id"]
        assert task.trigger_rule == node.get("trigger_rule", "all_success"), node["id"]
        assert task.task_display_name == (node.get("title") or node["id"]), node["id"]
        assets = node.get("assets", {})
        assert task.outlets == [airflow_asset(assets[port]) for port in sorted(assets)], node["id"]


@pytest.mark.parametrize("path", FILES, ids=file_id)
def test_dag_settings_follow_the_spec(path):
    raw = source_spec(path)
    dag = loaded_dag(path).dags[expected_dag_id(path)]
    start = datetime.date.fromisoformat(raw.get("start_date") or "2025-01-01")
    assert dag.start_date == datetime.datetime(start.year, start.month, start.day, tzinfo=datetime.UTC)
    assert dag.catchup is raw.get("catchup", False)
    assert dag.max_active_runs == raw.get("max_active_runs", AIRFLOW_MAX_ACTIVE)
    assert dag.max_active_tasks == raw.get("max_active_tasks", AIRFLOW_MAX_ACTIVE)
    assert dag.dagrun_timeout == seconds(raw.get("dagrun_timeout_seconds"))
    assert dag.schedule == airflow_schedule(raw.get("schedule"))
    assert set(dag.tags) == {"jimu", *raw.get("tags", [])}
    assert dag.description == (raw.get("description") or None)
    assert dag.dag_display_name == (raw.get("title") or raw["id"])


@pytest.mark.parametrize("path", FILES, ids=file_id)
def test_pipeline_params_become_airflow_params(path):
    raw = source_spec(path)
    dag = loaded_dag(path).dags[expected_dag_id(path)]
    specs = raw.get("params", {})
    assert set(dag.params.keys()) == set(specs)
    for name, spec in specs.items():
        param = dag.params.get_param(name)
        assert param.value == spec["default"], name
        assert param.description == spec.get("description"), name
        # The trigger form validates against this: every schema keyword must survive, even
        # those that are not Python identifiers or are Python keywords ("$comment", "not").
        assert param.schema == {k: v for k, v in spec.items() if k not in {"default", "description"}}, name
        param.resolve(spec["default"])  # the default passes its own schema


@pytest.mark.parametrize("path", FILES, ids=file_id)
def test_dag_file_passes_ruff(path):
    proc = subprocess.run(
        [str(RUFF), "check", "--isolated", "--no-cache", "--quiet", str(path)],
        check=False,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, f"ruff check --isolated {file_id(path)}:\n{proc.stdout}{proc.stderr}"
