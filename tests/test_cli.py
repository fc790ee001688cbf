"""The `jimu` command as a user types it (real processes)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import EXAMPLE

JIMU = Path(sys.executable).with_name("jimu")


def jimu(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PATH": f"{JIMU.parent}{os.pathsep}{os.environ['PATH']}"}
    return subprocess.run([str(JIMU), *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=120)


def test_help_lists_every_command():
    proc = jimu("--help")
    assert proc.returncode == 0
    for command in ("validate", "compile", "deploy", "compile-all", "run", "components", "schema"):
        assert command in proc.stdout
    assert "examples:" in proc.stdout


def test_compile_writes_the_dag_file(tmp_path):
    proc = jimu("compile", str(EXAMPLE), "--profile", "local", "--out", str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    target = tmp_path / "wine_quality.local.py"
    assert f"wrote {target}" in proc.stdout
    assert "JimuComponentOperator(" in target.read_text()
    again = jimu("compile", str(EXAMPLE), "--profile", "local", "--out", str(tmp_path))
    assert f"unchanged {target}" in again.stdout


def test_compile_refuses_an_invalid_pipeline_and_says_why(tmp_path, example_raw):
    example_raw["nodes"][1]["params"]["query"] = "SELECT FROM WHERE"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(example_raw))
    proc = jimu("compile", str(bad), "--out", str(tmp_path))
    assert proc.returncode == 1
    assert "node 'strong_wines'" in proc.stderr and "$.nodes[1].params.query" in proc.stderr
    assert not (tmp_path / "wine_quality.py").exists()


def test_unknown_profile(tmp_path):
    proc = jimu("compile", str(EXAMPLE), "--profile", str(tmp_path / "nope.yaml"))
    assert proc.returncode == 1 and "use 'local', 'kubernetes'" in proc.stderr


def test_components_list_and_show():
    listed = jimu("components", "list", "--json")
    names = {c["name"] for c in json.loads(listed.stdout)}
    assert {"load_table", "sql", "python", "write_table"} <= names
    shown = jimu("components", "show", "sql")
    assert shown.returncode == 0 and '"version": "1.2.0"' in shown.stdout
    missing = jimu("components", "show", "nosuch")
    assert missing.returncode == 1 and "jimu components list" in missing.stderr


def test_not_json_is_reported_with_line_and_column(tmp_path):
    bad = tmp_path / "broken.json"
    bad.write_text('{"id": "x",\n  "nodes": [}\n')
    proc = jimu("validate", str(bad))
    assert proc.returncode == 1
    assert "line 2" in proc.stdout and "col" in proc.stdout


def test_run_refuses_param_json_with_a_repeated_key_before_running(tmp_path):
    """Class: --param values that are JSON objects repeating a key, and bytes that are not UTF-8."""
    proc = jimu("run", str(EXAMPLE), "--param", 'export_file={"a": 1, "a": 2}')
    assert proc.returncode == 1
    assert "appears more than once" in proc.stderr and "--param export_file $.a" in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr
    env = {**os.environ, "PATH": f"{JIMU.parent}{os.pathsep}{os.environ['PATH']}"}
    raw = subprocess.run([str(JIMU).encode(), b"run", str(EXAMPLE).encode(), b"--param", b"export_file=\xff.csv"],
                         capture_output=True, env=env, timeout=120)
    assert raw.returncode == 1 and b"not valid UTF-8" in raw.stderr and b"Traceback" not in raw.stderr
