"""Problems are reported independently: a broken part hides nothing else and causes nothing else.

- strict JSON: a repeated key anywhere is refused with its JSON path;
- a lone surrogate anywhere (value or key) is refused with its path;
- a schema error (wrong type, enum, range) still lets every independent problem be reported;
- an unknown component is the only issue it causes.
"""

from __future__ import annotations

import copy
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jimu.errors import SpecError
from jimu.validate import parse_pipeline_json, validate_pipeline, validate_pipeline_json
from tests.conftest import REPO

VALID_SPECS = [
    json.loads(path.read_text(encoding="utf-8"))
    for path in sorted((REPO / "templates").glob("*/pipeline.json")) + sorted((REPO / "tests" / "golden").glob("*.json"))
]
FAST = settings(max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])


def keys(report) -> set[tuple]:
    return {(i.code, i.path, i.node) for i in report.issues if i.severity == "error"}


def test_the_valid_specs_are_valid(catalog):
    assert len(VALID_SPECS) >= 5
    for raw in VALID_SPECS:
        assert keys(validate_pipeline(raw, catalog)) == set(), raw["id"]


# ---- duplicate keys -------------------------------------------------------------------------

JSON_KEY = st.text(st.characters(exclude_categories=("Cs",)), max_size=5)
JSON_VALUE = st.recursive(
    st.none() | st.booleans() | st.integers(-10, 10) | st.text(max_size=4),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(JSON_KEY, inner, max_size=3),
    max_leaves=12,
)


def objects_in(value, parts=()):
    """(path parts, object) for every object in a JSON value, in document order."""
    if isinstance(value, dict):
        yield parts, value
        for key, item in value.items():
            yield from objects_in(item, (*parts, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from objects_in(item, (*parts, i))


def dumps_with_duplicate(value, target, key, extra) -> str:
    """JSON text of `value` where object `target` carries `key` once more (with `extra`)."""
    if isinstance(value, dict):
        items = [f"{json.dumps(k)}: {dumps_with_duplicate(v, target, key, extra)}" for k, v in value.items()]
        if value is target:
            items.append(f"{json.dumps(key)}: {json.dumps(extra)}")
        return "{" + ", ".join(items) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(dumps_with_duplicate(v, target, key, extra) for v in value) + "]"
    return json.dumps(value)


@FAST
@given(doc=st.dictionaries(JSON_KEY, JSON_VALUE, min_size=1, max_size=4), data=st.data())
def test_a_repeated_key_anywhere_is_refused_with_its_path(doc, data):
    candidates = [(parts, obj) for parts, obj in objects_in(doc) if obj]
    parts, target = data.draw(st.sampled_from(candidates))
    key = data.draw(st.sampled_from(sorted(target)))
    text = dumps_with_duplicate(doc, target, key, data.draw(JSON_VALUE))
    with pytest.raises(SpecError) as raised:
        parse_pipeline_json(text.encode("utf-8"))
    path = "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in (*parts, key))
    assert [(i.code, i.path) for i in raised.value.issues] == [("duplicate-json-key", path)]
    assert json.loads(text) != doc or True  # json.loads would silently keep one of them
    assert parse_pipeline_json(json.dumps(doc)) == doc  # without the repeat: read as is


def test_request_bodies_get_a_report_never_an_exception(catalog):
    body = b'{"id": "p", "id": "q", "nodes": []}'
    report = validate_pipeline_json(body, catalog)
    assert [(i.code, i.path) for i in report.issues] == [("duplicate-json-key", "$.id")]
    assert validate_pipeline_json(b"\xff", catalog).issues[0].code == "bad-json"
    assert validate_pipeline_json(json.dumps(VALID_SPECS[0]).encode(), catalog).ok


# ---- lone surrogates ------------------------------------------------------------------------

def places(value, parts=()):
    """(parts, is_key) of every string (value or key) in a JSON value."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield (*parts, key), True
            yield from places(item, (*parts, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from places(item, (*parts, i))
    elif isinstance(value, str):
        yield parts, False


def put_surrogate(raw, parts, is_key, surrogate):
    parent = raw
    for part in parts[:-1]:
        parent = parent[part]
    last = parts[-1]
    if is_key:
        new_key = last + surrogate
        items = [(new_key if k == last else k, v) for k, v in parent.items()]
        parent.clear()
        parent.update(items)
        return (*parts[:-1], new_key)
    parent[last] = parent[last] + surrogate
    return parts


@FAST
@given(index=st.integers(0, len(VALID_SPECS) - 1), data=st.data(),
       surrogate=st.sampled_from(["\ud800", "\udfff", "\udc00x", "\ud83d"]))
def test_a_lone_surrogate_anywhere_is_refused_with_its_path(index, data, surrogate, catalog):
    raw = copy.deepcopy(VALID_SPECS[index])
    raw.setdefault("editor", {"positions": {raw["nodes"][0]["id"]: {"x": 1, "y": 2}}})
    parts, is_key = data.draw(st.sampled_from(sorted(places(raw), key=repr)))
    # Through JSON text, as a file or a request body brings it: a "\\ud800" escape.
    parts = put_surrogate(raw, parts, is_key, surrogate)
    report = validate_pipeline_json(json.dumps(raw), catalog)
    path = "$" + "".join(
        f"[{p}]" if isinstance(p, int) else "." + "".join(f"\\u{ord(c):04x}" if 0xD800 <= ord(c) <= 0xDFFF else c for c in p)
        for p in parts
    )
    found = [i for i in report.issues if i.code == "lone-surrogate"]
    assert [i.path for i in found] == [path], [str(i) for i in report.issues]
    assert not report.ok and report.spec is None
    for issue in report.issues:  # every issue can be printed and written as UTF-8
        str(issue).encode("utf-8")
        json.dumps(issue.to_dict(), ensure_ascii=False).encode("utf-8")


# ---- a schema error hides nothing -----------------------------------------------------------

def plant_problems(raw, choices) -> dict:
    """Independent problems, each a rule issue (not a schema error)."""
    nodes = raw["nodes"]
    if "schedule" in choices:
        raw["schedule"] = "every morning"
    if "unknown_component" in choices:
        nodes[-1]["component"] = "no_such_component@1.0.0"
    if "param_name" in choices:
        raw.setdefault("params", {})["Bad Name"] = {"type": "string", "default": "x"}
    if "param_default" in choices:
        raw.setdefault("params", {})["limit"] = {"type": "integer", "minimum": 0, "default": -1}
    if "pipeline_id" in choices:
        raw["id"] = "Bad Id"
    if "unknown_param" in choices:
        nodes[0].setdefault("params", {})["no_such_param"] = 1
    if "tag" in choices:
        raw["tags"] = [*raw.get("tags", []), "t" * 101]
    if "dangling" in choices:
        raw.setdefault("edges", []).append({"from": "ghost.table", "to": f"{nodes[0]['id']}.table"})
    return raw


PROBLEMS = ["schedule", "unknown_component", "param_name", "param_default", "pipeline_id", "unknown_param", "tag", "dangling"]
# Breaking one field: (where, how). Each refused by pydantic itself.
BREAKS = [
    ("node", "trigger_rule", "sometimes"), ("node", "retries", -1), ("node", "retries", "many"),
    ("node", "timeout_seconds", 0), ("node", "title", 5), ("node", "description", ["x"]),
    ("node", "resources", {"gpu": 99}), ("node", "resources", 5), ("node", "colour", "blue"),
    ("node", "retry_delay_seconds", 10**9), ("top", "catchup", "maybe"), ("top", "start_date", "yesterday"),
    ("top", "title", 5), ("top", "schema_version", 2), ("top", "defaults", {"retries": -1}),
    ("top", "defaults", {"resources": {"gpu": "x"}}), ("top", "editor", {"positions": {"a": {"x": "left"}}}),
    ("top", "description", {"x": 1}), ("top", "nodez", []),
]


@settings(FAST, max_examples=80)
@given(index=st.integers(0, len(VALID_SPECS) - 1),
       problems=st.sets(st.sampled_from(PROBLEMS), max_size=4),
       brk=st.sampled_from(BREAKS), node_pick=st.integers(0, 20))
def test_a_schema_error_hides_no_independent_problem(index, problems, brk, node_pick, catalog):
    planted = plant_problems(copy.deepcopy(VALID_SPECS[index]), problems)
    expected = keys(validate_pipeline(planted, catalog))
    broken = copy.deepcopy(planted)
    where, field, value = brk
    if where == "node":
        i = node_pick % len(broken["nodes"])
        broken["nodes"][i][field] = value
        broken_path = f"$.nodes[{i}].{field}"
    else:
        broken[field] = value
        broken_path = f"$.{field}"
    found = keys(validate_pipeline(broken, catalog))
    schema = {k for k in found if k[0].startswith("schema-")}
    assert schema and all(path.startswith(broken_path) for _, path, _ in schema), found
    # Everything the planted problems gave is still there, except what concerns the broken field.
    still_expected = {k for k in expected if not k[1].startswith(broken_path)}
    if field == "tags":
        still_expected = {k for k in still_expected if k[0] != "tag-too-long"}
    assert still_expected <= found - schema, sorted(still_expected - found)
    # ... and nothing else appears.
    assert found - schema <= expected, sorted(found - schema - expected)


def test_the_review_example_reports_all_five(catalog):
    raw = copy.deepcopy(VALID_SPECS[-1])
    wine = next(s for s in VALID_SPECS if s["id"] == "wine_quality")
    raw = copy.deepcopy(wine)
    raw["nodes"][1]["trigger_rule"] = "sometimes"
    raw["nodes"][2]["retries"] = -3
    raw["edges"].append({"from": "export.table", "to": "strong_wines.tables"})
    raw["nodes"][0]["component"] = "load_tabel@1.0.0"
    raw["schedule"] = "0 25 * * *"
    codes = sorted(i.code for i in validate_pipeline(raw, catalog).issues)
    assert codes == ["bad-schedule", "cycle", "schema-greater-than-equal", "schema-literal-error", "unknown-component"]


# ---- an unknown component causes nothing else -----------------------------------------------

@FAST
@given(index=st.integers(0, len(VALID_SPECS) - 1), node_pick=st.integers(0, 20),
       ref=st.sampled_from(["no_such@1.0.0", "sql@9.9.9", "load_table@2.0.0", "python@0.0.1"]))
def test_an_unknown_component_is_the_only_issue(index, node_pick, ref, catalog):
    raw = copy.deepcopy(VALID_SPECS[index])
    i = node_pick % len(raw["nodes"])
    raw["nodes"][i]["component"] = ref
    issues = [x for x in validate_pipeline(raw, catalog).issues if x.severity == "error"]
    assert [(x.code, x.path, x.node) for x in issues] == [
        ("unknown-component", f"$.nodes[{i}].component", raw["nodes"][i]["id"])
    ], [str(x) for x in issues]
