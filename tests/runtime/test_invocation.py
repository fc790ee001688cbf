from __future__ import annotations

from jimu.runtime.invocation import port_uri, resolve_invocation, run_folder_name, static_invocation


def make_static(storage_base="/data"):
    return static_invocation(
        pipeline="p", node="join", component="sql@1.2.0",
        params={"query": "SELECT 1", "nested": {"limit": {"$param": "limit"}}, "keep": {"$param": "missing"}},
        inputs={"tables": [("b", "table"), ("a", "table")]}, multiple_inputs={"tables"},
        outputs=["table"], storage_base=storage_base,
    )


def test_resolution_adds_run_scoped_uris_and_params():
    doc = resolve_invocation(make_static(), run_id="manual__2026-01-01T00:00:00+00:00", pipeline_params={"limit": 5})
    run = "manual__2026-01-01T00_00_00_00_00"
    assert doc["inputs"] == {"tables": {"a": f"/data/p/{run}/a/table", "b": f"/data/p/{run}/b/table"}}
    assert doc["outputs"] == {"table": f"/data/p/{run}/join/table"}
    assert doc["params"]["nested"] == {"limit": 5}
    assert doc["params"]["keep"] == {"$param": "missing"}  # unknown refs are the validator's to report
    assert doc["pipeline_params"] == {"limit": 5}


def test_s3_base_and_single_inputs():
    static = static_invocation(
        pipeline="p", node="w", component="write_table@1.2.0", params={}, inputs={"table": [("u", "table")]},
        multiple_inputs=set(), outputs=["table"], storage_base="s3://bucket/prefix/",
    )
    doc = resolve_invocation(static, run_id="r", pipeline_params={})
    assert doc["inputs"] == {"table": "s3://bucket/prefix/p/r/u/table"}


def test_run_ids_become_one_safe_segment():
    assert run_folder_name("../../etc") == ".._.._etc"
    assert "/" not in run_folder_name("a/b\\c\n")
    assert port_uri("/d", "p", "x/../y", "n", "o") == "/d/p/x_.._y/n/o"


def test_static_document_is_order_independent():
    a = make_static()
    b = static_invocation(
        pipeline="p", node="join", component="sql@1.2.0",
        params={"keep": {"$param": "missing"}, "nested": {"limit": {"$param": "limit"}}, "query": "SELECT 1"},
        inputs={"tables": [("a", "table"), ("b", "table")]}, multiple_inputs={"tables"},
        outputs=["table"], storage_base="/data",
    )
    assert a == b


def test_run_references_take_the_run_values_and_param_values_stay_data():
    from jimu.runtime.run_values import make_run_values

    static = static_invocation(
        pipeline="p", node="w", component="write_table@1.2.0",
        params={"uri": {"$run": "ds"}, "parts": [{"$run": "ds_nodash"}, {"$param": "who"}], "odd": {"$run": "nope"}},
        inputs={}, multiple_inputs=set(), outputs=[], storage_base="/data",
    )
    run = make_run_values(run_id="r", logical_date="2026-11-29T06:00:00+00:00")
    # A pipeline param whose value looks like a reference is data: it is not resolved again.
    doc = resolve_invocation(static, run_id="r", pipeline_params={"who": {"$run": "run_id"}}, run_values=run)
    assert doc["params"] == {"uri": "2026-11-29", "parts": ["20261129", {"$run": "run_id"}], "odd": {"$run": "nope"}}
    assert doc["run"] == dict(run)


def test_without_run_values_a_run_has_only_its_id():
    doc = resolve_invocation(make_static(), run_id="r", pipeline_params={})
    assert doc["run"]["run_id"] == "r" and doc["run"]["run_type"] == "manual"
    assert doc["run"]["ds"] is None and doc["run"]["logical_date"] is None
