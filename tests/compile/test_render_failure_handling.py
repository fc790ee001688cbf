"""Retry backoff and its cap, as Airflow's own scheduler code computes them from a compiled DAG.

The golden failure_handling DAG is loaded in a real DagBag; each task's next retry time comes from
airflow.models.TaskInstance.next_retry_datetime (what the scheduler calls after a failed try) and
is held against the bounds worked out here from the JSON spec alone.
"""

from __future__ import annotations

import datetime
import json
import math

import pytest

from tests.compile.expect import load_dagbag
from tests.golden.regenerate import GOLDEN_DIR

SPEC = json.loads((GOLDEN_DIR / "failure_handling.json").read_text(encoding="utf-8"))
DAG_FILE = GOLDEN_DIR / "failure_handling.py"
FAILED_AT = datetime.datetime(2026, 11, 2, 6, 0, tzinfo=datetime.UTC)
TRIES = range(1, 9)


def spec_setting(node: dict, name: str, unset):
    value = node.get(name)
    return value if value is not None else SPEC["defaults"].get(name, unset)


def expected_bounds(node: dict, try_number: int) -> tuple[int, int]:
    """Shortest and longest wait in seconds before the next try, from the spec.

    Airflow spreads a backed-off delay between base * backoff^(try-1) and twice that (a hash of the
    task instance picks the point), then caps it at max_retry_delay; with no backoff it waits the delay.
    """
    delay = spec_setting(node, "retry_delay_seconds", 60)
    backoff = spec_setting(node, "retry_exponential_backoff", 0)
    cap = spec_setting(node, "max_retry_delay_seconds", None)
    if backoff in (0, 1):
        return delay, delay
    low = max(1, math.ceil(delay * backoff ** (try_number - 1)))
    high = 2 * low - 1
    return (low, high) if cap is None else (min(low, cap), min(high, cap))


def waits(task) -> list[int]:
    from airflow.models.taskinstance import TaskInstance

    seconds = []
    for try_number in TRIES:
        ti = TaskInstance(task, dag_version_id=None, run_id="scheduled__2026-11-02")
        ti.try_number, ti.end_date = try_number, FAILED_AT
        seconds.append(int((ti.next_retry_datetime() - FAILED_AT).total_seconds()))
    return seconds


@pytest.fixture(scope="module")
def dag():
    bag = load_dagbag(DAG_FILE)
    assert bag.import_errors == {}
    return bag.dags[SPEC["id"]]


@pytest.mark.parametrize("node", SPEC["nodes"], ids=lambda node: node["id"])
def test_retry_waits_follow_the_spec(dag, node):
    observed = waits(dag.get_task(node["id"]))
    for try_number, seconds in zip(TRIES, observed, strict=True):
        low, high = expected_bounds(node, try_number)
        assert low <= seconds <= high, f"{node['id']} try {try_number}: waited {seconds}s, expected {low}-{high}s"


def test_the_cases_show_growth_a_cap_and_a_constant_delay(dag):
    """The golden spec exercises each behaviour: otherwise the test above proves little."""
    by_node = {node["id"]: waits(dag.get_task(node["id"])) for node in SPEC["nodes"]}
    grown = by_node["load_sales"]
    assert grown[3] > 4 * grown[0], "backoff 3 should grow the wait many times over four tries"
    assert grown[-1] == SPEC["nodes"][0]["max_retry_delay_seconds"], "the node's cap should be reached"
    assert max(by_node["export"]) == SPEC["defaults"]["max_retry_delay_seconds"], "the default cap should apply"
    assert set(by_node["aggregate"]) == {SPEC["defaults"]["retry_delay_seconds"]}, "backoff 0: a constant delay"


SETTINGS = ("retries", "retry_delay", "retry_exponential_backoff", "max_retry_delay", "execution_timeout",
            "depends_on_past", "pool", "queue")


def test_settings_survive_serialization(dag):
    """The scheduler reads the serialized DAG, not the file: every setting must come through it."""
    from airflow.serialization.serialized_objects import DagSerialization

    stored = DagSerialization.from_dict(json.loads(json.dumps(DagSerialization.to_dict(dag))))
    for name in ("max_active_runs", "max_active_tasks", "dagrun_timeout", "catchup"):
        assert getattr(stored, name) == getattr(dag, name), name
    for task in dag.tasks:
        kept = stored.get_task(task.task_id)
        assert {s: getattr(kept, s) for s in SETTINGS} == {s: getattr(task, s) for s in SETTINGS}, task.task_id
