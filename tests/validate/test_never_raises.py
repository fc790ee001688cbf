"""Whatever the editor sends, validation answers with a report; it never raises."""

from __future__ import annotations

import copy
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jimu.errors import SpecError
from jimu.validate import ValidationReport, read_pipeline_file, validate_pipeline
from tests.conftest import EXAMPLE

EXAMPLE_RAW = json.loads(EXAMPLE.read_text(encoding="utf-8"))
NODE_IDS = ["load_wine", "strong_wines", "features", "export", "dag", "Bad-Id", "x" * 64, ""]
PORTS = ["table", "tables", "model", "rows", ""]
COMPONENTS = ["load_table@1.2.0", "sql@1.2.0", "python@1.0.0", "write_table@1.2.0", "sql@9.9.9", "sql", "@"]
PARAM_NAMES = ["uri", "query", "dialect", "code", "args", "format", "skip_rows", "column_names", "function", "x"]
SCHEMA_KEYS = ["type", "default", "minimum", "maximum", "enum", "pattern", "items", "$ref", "$defs", "required"]
TEXT = st.text(max_size=8)
SQLISH = st.sampled_from(
    ["SELECT * FROM load_wine", "SELECT 1; SELECT 2", "SELECT 'x", "SELECT :p, ?, $1 FROM t", "DROP TABLE t",
     "WITH a AS (SELECT 1) SELECT * FROM a", "SELECT (", "", " ", "SELECT * FROM read_csv('f')"]
) | TEXT
SCALARS = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | TEXT | SQLISH
PARAM_REF = st.builds(lambda name: {"$param": name}, st.sampled_from(["min_alcohol", "export_file", "nope"]) | TEXT)
JSON = st.recursive(
    SCALARS | PARAM_REF,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT | st.sampled_from(SCHEMA_KEYS), inner, max_size=3),
    max_leaves=6,
)


def one_of_or_text(choices: list[str]):
    return st.sampled_from(choices) | TEXT


# Nodes and edges of the right shape with wrong contents, so the rules (not pydantic) see them;
# some nodes pair a real component with its own param names, so the SQL and param rules run.
LOOSE_NODE = st.fixed_dictionaries(
    {"id": one_of_or_text(NODE_IDS), "component": one_of_or_text(COMPONENTS)},
    optional={"params": st.dictionaries(one_of_or_text(PARAM_NAMES), JSON | SQLISH, max_size=4)},
)
OWN_PARAMS = {
    "load_table@1.2.0": ["uri", "format", "skip_rows", "has_header", "column_names"],
    "sql@1.2.0": ["query", "dialect"],
    "python@1.0.0": ["code", "function", "args"],
    "write_table@1.2.0": ["uri", "format"],
}
VALUES = {
    "query": SQLISH | PARAM_REF,
    "dialect": st.sampled_from(["duckdb", "postgres", "tsql", "oracle9", ""]) | PARAM_REF | JSON,
    "uri": st.sampled_from(["a.csv", ""]) | PARAM_REF | JSON,
}
COHERENT_NODE = st.sampled_from(sorted(OWN_PARAMS)).flatmap(
    lambda ref: st.fixed_dictionaries(
        {
            "id": st.sampled_from(NODE_IDS[:5]),
            "component": st.just(ref),
            "params": st.fixed_dictionaries({}, optional={k: VALUES.get(k, JSON) for k in OWN_PARAMS[ref]}),
        }
    )
)
NODE = COHERENT_NODE | LOOSE_NODE
PORT_REF = st.builds(lambda n, p: f"{n}.{p}", one_of_or_text(NODE_IDS), one_of_or_text(PORTS)) | TEXT
EDGE = st.fixed_dictionaries({"from": PORT_REF, "to": PORT_REF})
# And of the wrong shape.
GARBAGE_NODE = NODE | st.dictionaries(st.sampled_from(["id", "component", "params", "retries", "x"]), JSON, max_size=4)
GARBAGE_EDGE = EDGE | st.dictionaries(st.sampled_from(["from", "to", "x"]) | TEXT, JSON, max_size=2)
PARAM_SCHEMA = st.dictionaries(st.sampled_from(SCHEMA_KEYS) | TEXT, JSON, max_size=4)
SCHEDULE = st.none() | st.sampled_from(["@daily", "@hourly", "@fortnightly", "0 6 * * *", "61 * * * *", "* * *"]) | TEXT

SPEC = st.fixed_dictionaries(
    {
        "id": one_of_or_text(["wine_quality", "Wine Quality", ""]),
        "nodes": st.lists(NODE, max_size=6),
        "edges": st.lists(EDGE, max_size=6),
        "params": st.dictionaries(one_of_or_text(["min_alcohol", "export_file", "Bad Name"]), PARAM_SCHEMA, max_size=3),
        "schedule": SCHEDULE,
    }
)
# Anything at all where the spec's parts go.
ANYTHING = st.dictionaries(
    st.sampled_from(["id", "nodes", "edges", "params", "schedule", "defaults", "editor", "schema_version"]) | TEXT,
    JSON,
    max_size=6,
)
# The example with one part replaced by garbage.
PATCH = st.tuples(
    st.sampled_from(["nodes", "edges", "params"]), st.integers(0, 3), st.sampled_from(["params", "id", "from", "whole"]), JSON
)

FAST = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def assert_is_a_report(report) -> None:
    assert isinstance(report, ValidationReport)
    for issue in report.issues:
        assert issue.code and issue.path.startswith("$") and issue.message and issue.hint
    json.dumps([issue.to_dict() for issue in report.issues])  # what `jimu validate --json` prints
    assert report.ok == (not report.issues)


def test_the_example_is_a_clean_report(catalog):
    report = validate_pipeline(copy.deepcopy(EXAMPLE_RAW), catalog)
    assert_is_a_report(report)
    assert report.issues == []


@settings(FAST, max_examples=80)
@given(raw=SPEC)
def test_garbage_specs(raw, catalog):
    assert_is_a_report(validate_pipeline(raw, catalog))


@FAST
@given(raw=ANYTHING)
def test_garbage_dicts(raw, catalog):
    assert_is_a_report(validate_pipeline(raw, catalog))


@FAST
@given(patch=PATCH)
def test_example_with_one_part_replaced(patch, catalog):
    section, index, field, value = patch
    raw = copy.deepcopy(EXAMPLE_RAW)
    items = raw[section]
    if isinstance(items, list):
        target = items[index % len(items)]
        if field == "whole":
            items[index % len(items)] = value
        else:
            target[field] = value
    else:
        items[sorted(items)[index % len(items)]] = value
    assert_is_a_report(validate_pipeline(raw, catalog))


@FAST
@given(node=GARBAGE_NODE, edges=st.lists(GARBAGE_EDGE, max_size=3))
def test_example_with_a_garbage_node(node, edges, catalog):
    raw = copy.deepcopy(EXAMPLE_RAW)
    raw["nodes"].append(node)
    raw["edges"].extend(edges)
    assert_is_a_report(validate_pipeline(raw, catalog))


@settings(FAST, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=40) | st.text(max_size=40).map(str.encode))
def test_garbage_files_give_a_dict_or_a_spec_error(data, tmp_path, catalog):
    target = tmp_path / "pipeline.json"
    target.write_bytes(data)
    try:
        raw = read_pipeline_file(target)
    except SpecError as exc:
        assert exc.issues and all(i.code == "bad-json" and i.hint for i in exc.issues)
        return
    assert_is_a_report(validate_pipeline(raw, catalog))


@FAST
@given(
    query=SQLISH | st.text(alphabet="SELECT FROM*'\"`;:?$@()[]-/\n,1a", max_size=30),
    dialect=st.sampled_from(["duckdb", "postgres", "mysql", "tsql", "bigquery", "nope", ""]),
)
def test_example_with_garbage_sql(query, dialect, catalog):
    raw = copy.deepcopy(EXAMPLE_RAW)
    raw["nodes"][1]["params"].update(query=query, dialect=dialect)
    report = validate_pipeline(raw, catalog)
    assert_is_a_report(report)
    assert {i.node for i in report.issues} <= {"strong_wines"}
