"""Whatever `jimu validate` accepts, Airflow imports: compiled in both profiles, loaded in a real DagBag.

Specs are drawn with hostile-but-plausible parts: param schemas with "format"s and defaults that
may not fit them, schedules (presets Airflow refuses included), tags and titles around Airflow's
length limits, pod resources, node counts and wiring. A spec the validator refuses is fine; one
it accepts must compile to files with no import error that Airflow can serialize.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from jimu.catalog import ComponentCatalog
from jimu.compile import compile_pipeline
from jimu.compile.profile import BUILTIN_PROFILES
from jimu.validate import validate_pipeline

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = int(os.environ.get("JIMU_IMPORT_EXAMPLES", "60"))

FORMATS = ["date", "date-time", "time", "email", "ipv4", "ipv6", "uri", "uuid", "regex", "hostname", "duration", "nope"]
FORMAT_VALUES = [
    "2025-01-31", "2025-02-30", "not-a-date", "2025-01-31T10:00:00Z", "2025-01-31 10:00", "10:00:00Z", "25:00",
    "a@example.com", "a@", "127.0.0.1", "999.1.1.1", "::1", "https://example.com/x", "no scheme",
    "12345678-1234-5678-1234-567812345678", "[", "(a|b)", "example.com", "-bad-.com", "P1D", "1 day", "", "\n",
]
TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=12)
LONG_TEXT = st.builds(lambda c, n: c * n, st.sampled_from(["t", "é", "'", "\n"]), st.sampled_from([99, 100, 101, 2000, 2001]))
STRING_PARAM = st.fixed_dictionaries(
    {"type": st.just("string"), "default": st.sampled_from(FORMAT_VALUES) | TEXT},
    optional={
        "format": st.sampled_from(FORMATS),
        "minLength": st.integers(0, 3),
        "pattern": st.sampled_from(["^[a-z]+$", "^\\d{4}-\\d{2}-\\d{2}$", "["]),
        "enum": st.lists(st.sampled_from(FORMAT_VALUES), min_size=1, max_size=3),
        "description": TEXT,
    },
)
NUMBER_PARAM = st.fixed_dictionaries(
    {"type": st.sampled_from(["integer", "number"]), "default": st.integers(-5, 5) | st.floats(-2, 2) | TEXT},
    optional={"minimum": st.integers(-1, 1), "maximum": st.integers(0, 3), "multipleOf": st.sampled_from([1, 2, 0.5])},
)
# Mostly schemas whose default fits, so most drawn specs are accepted and reach Airflow.
FITTING_PARAM = st.sampled_from([
    ("date", "2025-01-31"), ("date-time", "2025-01-31T10:00:00Z"), ("time", "10:00:00Z"), ("email", "a@example.com"),
    ("ipv4", "127.0.0.1"), ("ipv6", "::1"), ("uri", "https://example.com/x"), ("regex", "(a|b)"),
    ("uuid", "12345678-1234-5678-1234-567812345678"), ("hostname", "example.com"), ("duration", "P1D"),
]).map(lambda pair: {"type": "string", "format": pair[0], "default": pair[1]})
OTHER_PARAM = st.sampled_from([
    {"type": "array", "items": {"type": "string", "format": "date"}, "default": ["2025-01-01", "x"]},
    {"type": "array", "items": {"type": "string", "format": "date"}, "default": ["2025-01-01"]},
    {"type": ["null", "string"], "format": "date", "default": None},
    {"type": "object", "properties": {"day": {"type": "string", "format": "date"}}, "default": {"day": "1 May"}},
    {"$schema": "http://json-schema.org/draft-07/schema#", "type": "string", "format": "email", "default": "x"},
    {"type": "boolean", "default": True},
    {"default": 1},
])
PARAMS = st.dictionaries(st.sampled_from(["day", "email", "limit", "flag", "when", "day", "Bad Name"]),
                         st.one_of(FITTING_PARAM, FITTING_PARAM, STRING_PARAM, NUMBER_PARAM, OTHER_PARAM), max_size=3)
SCHEDULES = st.sampled_from(
    [None, "@once", "@continuous", "@hourly", "@daily", "@weekly", "@monthly", "@quarterly", "@yearly",
     "0 6 * * *", "*/15 * * * 1-5", "0 0 L * *", "0 6 * * *\n", "61 * * * *", "@fortnightly"]
)
QUANTITIES = st.sampled_from(
    ["500m", "1", "1.5", "2Gi", "512Mi", "1e3", "+1", ".5", "0", "4", "1Ki", "250m", "1Gi\n", "-1", "1GB"]
)
RESOURCES = st.fixed_dictionaries(
    {},
    optional={
        "cpu": QUANTITIES, "memory": QUANTITIES, "cpu_limit": QUANTITIES, "gpu": st.integers(0, 2),
        "node_selector": st.dictionaries(st.sampled_from(["pool", "example.com/gpu", "pool", "zone", "a/b", "x\n", "-x"]),
                                         st.sampled_from(["a100", "", "a100", "x.y-z", "x_", "x" * 64]), max_size=2),
        "tolerations": st.lists(st.fixed_dictionaries(
            {"key": st.sampled_from(["gpu", "nvidia.com/gpu", "gpu", "a/b/c"])},
            optional={"value": st.sampled_from(["yes", "", "yes", "-no"]),
                      "effect": st.sampled_from(["NoSchedule", "NoExecute"])}), max_size=1),
    },
)
# Per node and in defaults: backoff settings in sound and unsound combinations, pool and queue
# names in and outside their grammar.
NAMES = st.sampled_from(["etl", "gpu_pool.a-10", "default_pool", "etl pool", "", "x" * 101, "-x", "a/b"])
FAILURE_HANDLING = {
    "retry_delay_seconds": st.sampled_from([0, 30, 600]),
    "retry_exponential_backoff": st.sampled_from([0, 0.5, 1, 2, 2.5]),
    "max_retry_delay_seconds": st.sampled_from([1, 60, 86_400]),
    "depends_on_past": st.booleans(),
    "pool": NAMES,
    "queue": NAMES,
}
RUN_LIMITS = st.fixed_dictionaries({}, optional={
    "max_active_runs": st.integers(1, 3),
    "max_active_tasks": st.integers(1, 3),
    "dagrun_timeout_seconds": st.sampled_from([1, 3600]),
})


@st.composite
def specs(draw) -> dict:
    count = draw(st.integers(1, 5))
    ids = [f"n{i}" for i in range(count)] if draw(st.booleans()) else [f"step_{i}x" for i in range(count)]
    params = draw(PARAMS)
    nodes, edges = [], []
    for i, node_id in enumerate(ids):
        kind = draw(st.sampled_from(["echo", "python", "sql"]))
        if kind == "echo":
            node = {"id": node_id, "component": "echo_params@1.0.0",
                    "params": {"text": draw(TEXT)}}
            if params:
                node["params"]["ref"] = {"$param": draw(st.sampled_from(sorted(params)))}
        elif kind == "python":
            node = {"id": node_id, "component": "python@1.0.0",
                    "params": {"code": draw(st.sampled_from(["def transform(tables, params):\n    return 1\n", "x = 1", "x = ("]))}}
            for upstream in ids[:i]:
                if draw(st.booleans()) and nodes[ids.index(upstream)]["component"] != "echo_params@1.0.0":
                    edges.append({"from": f"{upstream}.table", "to": f"{node_id}.tables"})
        else:
            node = {"id": node_id, "component": "sql@1.2.0", "params": {"query": draw(st.sampled_from(
                ["SELECT 1 AS x", "SELECT * FROM range(3)", "SELECT 2 AS y", "SELECT * FROM 'x.csv'"]))}}
        node.update(draw(st.fixed_dictionaries({}, optional={
            "title": st.one_of(TEXT, TEXT, LONG_TEXT),
            "retries": st.integers(0, 3),
            **FAILURE_HANDLING,
            "trigger_rule": st.sampled_from(["all_done", "one_success", "always"]),
            "resources": RESOURCES,
        })))
        nodes.append(node)
    return {
        **draw(RUN_LIMITS),
        "id": draw(st.sampled_from(["accepted", "accepted-2", "accepted_x"])),
        "title": draw(TEXT | LONG_TEXT),
        "description": draw(TEXT),
        "tags": draw(st.lists(st.one_of(TEXT, TEXT, LONG_TEXT), max_size=3)),
        "schedule": draw(SCHEDULES),
        "catchup": draw(st.booleans()),
        "params": params,
        "defaults": {"resources": draw(st.one_of(st.just({}), RESOURCES)),
                     **draw(st.fixed_dictionaries({}, optional=FAILURE_HANDLING))},
        "nodes": nodes,
        "edges": edges,
    }


@pytest.fixture(scope="module")
def test_catalog() -> ComponentCatalog:
    return ComponentCatalog.from_dirs([REPO / "tests" / "fixtures" / "components"])


@pytest.fixture(scope="module")
def dags_dir():
    with tempfile.TemporaryDirectory(prefix="jimu-accepted-") as folder:
        yield Path(folder)


def load_file(path: Path):
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(path), safe_mode=False)


PARAMS_DATE = {"day": {"type": "string", "format": "date", "default": "not-a-date"}}


@settings(max_examples=EXAMPLES, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(raw=specs())
@example(raw={"id": "accepted", "schedule": "@daily", "params": PARAMS_DATE,
              "nodes": [{"id": "n0", "component": "echo_params@1.0.0", "params": {}}]})
@example(raw={"id": "accepted", "schedule": "@continuous", "nodes": [{"id": "n0", "component": "echo_params@1.0.0"}]})
@example(raw={"id": "accepted", "schedule": "@continuous", "max_active_runs": 1,
              "nodes": [{"id": "n0", "component": "echo_params@1.0.0", "pool": "gpu_pool.a-10", "queue": "etl",
                         "retry_exponential_backoff": 2.5, "max_retry_delay_seconds": 86_400}]})
@example(raw={"id": "accepted", "tags": ["x" * 101], "nodes": [{"id": "n0", "component": "echo_params@1.0.0"}]})
def test_accepted_specs_import_in_airflow(raw, test_catalog, dags_dir):
    report = validate_pipeline(raw, test_catalog)
    if not report.ok:
        return
    from airflow.serialization.serialized_objects import DagSerialization

    for profile in ("local", "kubernetes"):
        source = compile_pipeline(report.spec, test_catalog, BUILTIN_PROFILES[profile])
        path = dags_dir / f"{raw['id'].replace('-', '_')}_{profile}.py"
        path.write_text(source, encoding="utf-8")
        bag = load_file(path)
        assert bag.import_errors == {}, f"{json.dumps(raw)[:2000]}\n{bag.import_errors}"
        dag = bag.dags[BUILTIN_PROFILES[profile].dag_id(raw["id"])]
        assert sorted(dag.task_ids) == sorted(n["id"] for n in raw["nodes"])
        DagSerialization.from_dict(json.loads(json.dumps(DagSerialization.to_dict(dag))))
        path.unlink()


def test_the_known_refusals_are_validation_errors(test_catalog):
    """The three explicit examples above: each is refused by the validator, not by Airflow."""
    for raw, code in [
        ({"id": "a", "schedule": "@daily", "params": PARAMS_DATE, "nodes": []}, "bad-param-default"),
        ({"id": "a", "schedule": "@continuous", "nodes": []}, "bad-schedule"),
        ({"id": "a", "tags": ["x" * 101], "nodes": []}, "tag-too-long"),
    ]:
        assert [i.code for i in validate_pipeline(raw, test_catalog).issues] == [code]
