"""One call reports every problem of a pipeline, in Python and through the real `jimu validate`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from jimu.validate import validate_pipeline
from tests.conftest import EXAMPLE

JIMU = Path(sys.executable).with_name("jimu")


def broken_example(raw: dict) -> tuple[dict, set[tuple[str, str, str | None]]]:
    """The wine example with many independent mistakes, and the (code, path, node) each must give."""
    nodes = {node["id"]: node for node in raw["nodes"]}
    raw["id"] = "Wine Quality"
    raw["schedule"] = "every morning"
    raw["params"]["Max Alcohol"] = {"type": "number", "default": 15}
    raw["params"]["export_file"].pop("default")
    raw["params"]["min_alcohol"]["default"] = 25
    nodes["load_wine"]["params"]["skip_rows"] = -1
    nodes["load_wine"]["params"]["sheet"] = "Sheet1"
    nodes["strong_wines"]["params"]["query"] = "SELECT cultivar, FROM load_wine WHERE"
    nodes["features"]["params"]["args"]["digits"] = {"$param": "digits"}
    nodes["export"]["component"] = "write_table@3.0.0"
    raw["nodes"].append({"id": "class", "component": "python@1.0.0", "params": {"code": "x = 1"}})
    raw["nodes"].append({"id": "summary", "component": "write_table@1.2.0"})
    raw["nodes"].append({"id": "again", "component": "python@1.0.0", "params": {"code": "x = 1"}})
    raw["edges"].append({"from": "again.table", "to": "again.tables"})
    raw["edges"].append({"from": "ghost.table", "to": "features.tables"})
    raw["edges"].append({"from": "load_wine.rows", "to": "class.tables"})
    expected = {
        ("bad-pipeline-id", "$.id", None),
        ("bad-schedule", "$.schedule", None),
        ("bad-param-name", "$.params.Max Alcohol", None),
        ("param-without-default", "$.params.export_file", None),
        ("bad-param-default", "$.params.min_alcohol.default", None),
        ("bad-param-value", "$.nodes[0].params.skip_rows", "load_wine"),
        ("unknown-param", "$.nodes[0].params.sheet", "load_wine"),
        ("sql-syntax", "$.nodes[1].params.query", "strong_wines"),
        ("unknown-pipeline-param", "$.nodes[2].params.args.digits", "features"),
        ("unknown-component", "$.nodes[3].component", "export"),
        ("reserved-node-id", "$.nodes[4].id", "class"),
        ("missing-input", "$.nodes[5]", "summary"),
        ("cycle", "$.nodes[6]", "again"),
        ("dangling-edge", "$.edges[4].from", None),
        ("unknown-port", "$.edges[5].from", "load_wine"),
    }
    return raw, expected


def test_every_problem_in_one_call(example_raw, catalog):
    raw, expected = broken_example(example_raw)
    report = validate_pipeline(raw, catalog)
    found = {(i.code, i.path, i.node) for i in report.issues}
    assert found == expected
    assert len({code for code, _, _ in found}) >= 10
    assert len(report.issues) == len(expected)  # nothing reported twice
    assert not report.ok
    assert all(i.hint for i in report.issues)


def test_the_example_is_valid(example_raw, catalog):
    report = validate_pipeline(example_raw, catalog)
    assert report.issues == []
    assert report.ok and report.spec.id == "wine_quality"


def test_validating_a_parsed_spec_gives_the_same_report(example_raw, catalog):
    raw, _ = broken_example(example_raw)
    raw["id"] = "wine_quality"  # parse-level fine; the rules still find the rest
    first = validate_pipeline(raw, catalog)
    again = validate_pipeline(first.spec, catalog)
    assert again.issues == first.issues


@pytest.fixture(scope="module")
def cli(tmp_path_factory) -> dict:
    """The real `jimu validate` runs, started together (each spends most of its time importing)."""
    folder = tmp_path_factory.mktemp("cli")
    raw, expected = broken_example(json.loads(EXAMPLE.read_text(encoding="utf-8")))
    broken = folder / "broken.json"
    broken.write_text(json.dumps(raw, indent=2), encoding="utf-8")
    bad_json = folder / "bad.json"
    bad_json.write_text('{"id": "x", "nodes": [}', encoding="utf-8")
    commands = {
        "json": [str(broken), "--json"],
        "plain": [str(broken)],
        "example": [str(EXAMPLE), "--json"],
        "bad_json": [str(bad_json), "--json"],
    }
    started = {
        name: subprocess.Popen(
            [str(JIMU), "validate", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for name, args in commands.items()
    }
    runs = {}
    for name, proc in started.items():
        out, err = proc.communicate(timeout=120)
        runs[name] = subprocess.CompletedProcess(proc.args, proc.returncode, out, err)
    return {"runs": runs, "broken": broken, "expected": expected}


def test_cli_json_lists_every_issue_and_exits_1(cli):
    proc = cli["runs"]["json"]
    assert proc.returncode == 1, proc.stderr
    out = json.loads(proc.stdout)
    assert out["ok"] is False and out["file"] == str(cli["broken"])
    assert {(i["code"], i["path"], i["node"]) for i in out["issues"]} == cli["expected"]
    for issue in out["issues"]:
        assert set(issue) == {"code", "path", "message", "hint", "node", "severity"}
        assert issue["message"] and issue["hint"] and issue["severity"] == "error"


def test_cli_plain_output_names_node_path_and_fix(cli):
    proc = cli["runs"]["plain"]
    assert proc.returncode == 1, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0] == f"{cli['broken']}: {len(cli['expected'])} problem(s)"
    sql_line = next(line for line in lines if "[sql-syntax]" in line)
    assert "$.nodes[1].params.query" in sql_line
    assert "node 'strong_wines'" in sql_line
    assert "line 1, col" in sql_line and "(fix: " in sql_line
    for code, issue_path, node in cli["expected"]:
        line = next(line for line in lines if f"[{code}] {issue_path}:" in line)
        assert "(fix: " in line
        if node:
            assert f"node '{node}'" in line


def test_cli_example_exits_0(cli):
    proc = cli["runs"]["example"]
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert json.loads(proc.stdout) == {"file": str(EXAMPLE), "ok": True, "issues": []}


def test_cli_bad_json_is_an_issue_not_a_traceback(cli):
    proc = cli["runs"]["bad_json"]
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    [issue] = json.loads(proc.stdout)["issues"]
    assert issue["code"] == "bad-json" and "line 1" in issue["message"]


def test_huge_params_warn_about_pods_but_do_not_fail(catalog, example_raw):
    from jimu.validate import validate_pipeline

    example_raw["nodes"][2]["params"]["args"]["blob"] = "x" * 200_000
    report = validate_pipeline(example_raw, catalog)
    assert report.ok
    [issue] = report.issues
    assert (issue.code, issue.severity, issue.node) == ("params-too-large-for-pod", "warning", "features")
    assert "128 KiB" in issue.message and "load_table" in issue.hint
