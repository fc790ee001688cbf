"""`jimu run` on Airflow's dag.test(): how a node ends decides its fate and its downstream's.

Two-node chains of the exit_with fixture component, side by side in one pipeline:
- a stray exit (os._exit(99), sys.exit(99), sys.exit(0)) fails the node, the next one is
  upstream_failed and the run fails: 99 is the gate's skip code, but only ctx.skip_downstream skips;
- FatalError with retries=3 runs once; a plain exception with retries=2 runs three times;
- ctx.skip_downstream skips the node and the next one;
- load_table reading a file without rows says so on its progress line.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

JIMU = Path(sys.executable).with_name("jimu")
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "components"
CHAINS = {
    "os_exit_99": ({"how": "os_exit", "code": 99}, {}),
    "sys_exit_99": ({"how": "sys_exit", "code": 99}, {}),
    "sys_exit_0": ({"how": "sys_exit", "code": 0}, {}),
    "fatal": ({"how": "fatal", "code": 1}, {"retries": 3, "retry_delay_seconds": 0}),
    "flaky": ({"how": "exception", "code": 2}, {"retries": 2, "retry_delay_seconds": 0}),
    "closed": ({"how": "skip", "code": 3}, {}),
}


def pipeline(attempts: Path, empty_csv: Path) -> dict:
    nodes = [
        {"id": "empty", "component": "load_table@1.2.0", "params": {"uri": str(empty_csv)}},
        {"id": "count", "component": "sql@1.2.0", "params": {"query": "SELECT COUNT(*) AS n FROM empty"}},
    ]
    edges = [{"from": "empty.table", "to": "count.tables"}]
    for name, (params, overrides) in CHAINS.items():
        nodes.append({
            "id": name, "component": "exit_with@1.0.0",
            "params": {**params, "attempts_file": str(attempts)}, **overrides,
        })
        nodes.append({"id": f"after_{name}", "component": "exit_with@1.0.0", "params": {"how": "return"}})
        edges.append({"from": f"{name}.table", "to": f"after_{name}.table"})
    return {"id": "exit_semantics", "nodes": nodes, "edges": edges}


def states(out: str) -> dict[str, str]:
    """Node id -> the state on its progress line."""
    lines = [line.split() for line in out.splitlines() if line.startswith("  ")]
    return {words[1]: words[0] for words in lines if len(words) > 1}


@pytest.mark.slow
@pytest.mark.usefixtures("node_start")  # spawned nodes, and nodes forked by a zygote
def test_only_the_runtime_skips_and_only_fatal_errors_stop_retries(tmp_path):
    attempts = tmp_path / "attempts.txt"
    path = tmp_path / "pipeline.json"
    empty_csv = tmp_path / "header_only.csv"
    empty_csv.write_text("id,amount\n", encoding="utf-8")
    path.write_text(json.dumps(pipeline(attempts, empty_csv)), encoding="utf-8")
    env = {**os.environ, "PATH": f"{JIMU.parent}{os.pathsep}{os.environ['PATH']}"}
    proc = subprocess.run(
        [str(JIMU), "--components", str(FIXTURES), "run", str(path)],
        capture_output=True, text=True, env=env, timeout=900,
    )
    out = proc.stdout
    assert proc.returncode == 1, out + proc.stderr
    seen = states(out)
    for name in ("os_exit_99", "sys_exit_99", "sys_exit_0", "fatal", "flaky"):
        assert seen[name] == "failed", out
        assert seen[f"after_{name}"] == "upstream_failed", out
    assert seen["closed"] == seen["after_closed"] == "skipped", out
    assert seen["empty"] == seen["count"] == "success", out
    empty_line = next(line for line in out.splitlines() if line.split()[1:2] == ["empty"])
    assert f"table: 0 rows; warning: read 0 rows from {empty_csv}: downstream nodes get an empty table" in empty_line
    assert "ended the process with exit code 99 (os._exit() or a crash)" in out
    assert "its code exited with sys.exit(99)" in out and "its code exited with sys.exit(0)" in out
    assert "failed and is not retried (retrying will not help): param 'code': 1 is bad data" in out

    runs = attempts.read_text(encoding="utf-8").split()
    assert runs.count("fatal") == 1, runs  # retries=3, but retrying will not help
    assert runs.count("flaky") == 3, runs  # retries=2: a plain exception may be transient
    assert runs.count("os_exit_99") == runs.count("closed") == 1, runs
