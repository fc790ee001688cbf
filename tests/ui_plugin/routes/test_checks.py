"""POST /api/validate and /api/compile."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys

from tests.conftest import REPO


def sql_node(wine: dict) -> tuple[int, dict]:
    return next((i, n) for i, n in enumerate(wine["nodes"]) if n["component"].startswith("sql@"))


def test_validate_names_the_node_and_field_of_each_problem(api, wine):
    bad = copy.deepcopy(wine)
    i, node = sql_node(bad)
    node["params"]["query"] = "SELECT FROM WHERE"
    bad["nodes"][0]["component"] = "no_such_component@1.0.0"
    answer = api.post("/api/validate", json=bad)
    assert answer.status_code == 200
    result = answer.json()
    assert result["ok"] is False
    found = {(p["code"], p["node"], p["field"], p["path"]) for p in result["issues"]}
    assert ("sql-syntax", node["id"], "params.query", f"$.nodes[{i}].params.query") in found
    assert ("unknown-component", bad["nodes"][0]["id"], "component", "$.nodes[0].component") in found
    assert all(p["message"] and p["hint"] for p in result["issues"])


def test_validate_takes_any_bytes(api, wine):
    assert api.post("/api/validate", json=wine).json() == {"ok": True, "issues": []}
    for body in (b"", b"{", b"[]", b'{"id": "a", "id": "b"}', b"\xff\xfe", b"null"):
        answer = api.post("/api/validate", content=body)
        assert answer.status_code == 200 and answer.json()["ok"] is False, body


def test_compile_preview_equals_jimu_compile(api, wine, tmp_path):
    (tmp_path / "wine_quality.json").write_text(json.dumps(wine), encoding="utf-8")
    env = {**os.environ}
    for profile in ("kubernetes", "local", "dev"):
        flag = str(REPO / "profiles" / "dev.yaml") if profile == "dev" else profile
        cli = subprocess.run(
            [sys.executable, "-m", "jimu.cli", "compile", "wine_quality.json", "--profile", flag],
            cwd=tmp_path, env=env, capture_output=True, text=True, check=True,
        )
        answer = api.post(f"/api/compile?profile={profile}", json=wine)
        assert answer.status_code == 200, answer.text
        assert answer.json()["source"] == cli.stdout


def test_compile_refuses_an_invalid_spec_with_its_issues(api, wine):
    bad = copy.deepcopy(wine)
    bad["edges"].append({"from": "ghost.table", "to": bad["nodes"][1]["id"] + ".tables"})
    answer = api.post("/api/compile", json=bad)
    assert answer.status_code == 422
    detail = answer.json()["detail"]
    assert any(i["code"] == "dangling-edge" for i in detail["issues"]) and detail["fix"]


def test_compile_profile_names_are_checked(api, wine):
    unknown = api.post("/api/compile?profile=prod", json=wine)
    assert unknown.status_code == 400 and "dev" in unknown.json()["detail"]["fix"]
    escape = api.post("/api/compile?profile=../profiles/dev", json=wine)
    assert escape.status_code == 400


def test_validate_places_a_sql_error_at_its_line_and_column(api, wine):
    bad = copy.deepcopy(wine)
    i, node = sql_node(bad)
    node["params"]["query"] = "SELECT *\nFROM t\nWHERE quality = = 5"
    issues = api.post("/api/validate", json=bad).json()["issues"]
    syntax = [p for p in issues if p["code"] == "sql-syntax"]
    # The second '=' of line 3 is the token sqlglot stops at: column 17, counted by hand.
    assert [(p["node"], p["line"], p["column"]) for p in syntax] == [(node["id"], 3, 17)]
    assert all(p["line"] is None and p["column"] is None for p in issues if p["code"] != "sql-syntax")
