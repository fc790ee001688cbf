"""`jimu run` on small real data: success lines, a failing node's log tail, skipped downstream."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

JIMU = Path(sys.executable).with_name("jimu")


def pipeline(csv: Path, code: str) -> dict:
    return {
        "id": "local_run_test",
        "params": {"factor": {"type": "integer", "default": 3}},
        "nodes": [
            {"id": "load", "component": "load_table@1.2.0", "params": {"uri": str(csv)}},
            {
                "id": "scale",
                "component": "python@1.0.0",
                "params": {"code": code, "args": {"factor": {"$param": "factor"}}},
            },
            {"id": "total", "component": "sql@1.2.0", "params": {"query": "SELECT SUM(x) AS s FROM scale"}},
        ],
        "edges": [
            {"from": "load.table", "to": "scale.tables"},
            {"from": "scale.table", "to": "total.tables"},
        ],
    }


def run(tmp_path: Path, spec: dict, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    path = tmp_path / "pipeline.json"
    path.write_text(json.dumps(spec), encoding="utf-8")
    env = {**os.environ, "PATH": f"{JIMU.parent}{os.pathsep}{os.environ['PATH']}"}
    return subprocess.run([str(JIMU), "run", str(path), *args], capture_output=True, text=True, env=env, timeout=timeout)


@pytest.fixture
def numbers_csv(tmp_path) -> Path:
    csv = tmp_path / "numbers.csv"
    pd.DataFrame({"x": [1, 2, 3, 4]}).to_csv(csv, index=False)
    return csv


@pytest.mark.slow
def test_params_reach_python_and_sql(tmp_path, numbers_csv):
    code = "def transform(tables, params):\n    df = tables['load']\n    return df.assign(x=df['x'] * params['factor'])\n"
    proc = run(tmp_path, pipeline(numbers_csv, code), "--param", "factor=5")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    data_line = next(line for line in proc.stdout.splitlines() if "output total.table" in line)
    folder = Path(data_line.split(" rows in ")[1])
    total = pd.read_parquet(folder / "part-0.parquet")
    assert total["s"].tolist() == [5 * (1 + 2 + 3 + 4)]


@pytest.mark.slow
def test_failing_node_shows_log_tail_and_downstream_does_not_run(tmp_path, numbers_csv):
    code = "def transform(tables, params):\n    raise ValueError('boom: factor was %d' % params['factor'])\n"
    proc = run(tmp_path, pipeline(numbers_csv, code))
    assert proc.returncode == 1
    out = proc.stdout
    assert any(line.split()[:2] == ["success", "load"] for line in out.splitlines()), out
    scale = next(line for line in out.splitlines() if line.split()[:2] == ["failed", "scale"])
    # The line itself says why, in a few words, and where the whole log is.
    assert "exited with code 1: ValueError: boom: factor was 3; log: " in scale, out
    assert Path(scale.split("; log: ")[1]).read_text().count("boom: factor was 3") >= 1
    assert any(line.split()[:2] == ["upstream_failed", "total"] for line in out.splitlines()), out
    # The tail of the failing component's own log, with the user's message.
    assert "ValueError: boom: factor was 3" in out
    assert "node 'scale' (python@1.0.0)" in out


@pytest.mark.slow
def test_failed_previous_run_does_not_hold_back_depends_on_past(tmp_path, numbers_csv):
    """Under dag.test() a depends_on_past task after a failed run would never start: a local run ignores it.

    The pool and queue exist in no Airflow here: local runs do not need them either.
    """
    code = "def transform(tables, params):\n    assert not params['fail'], 'asked to fail'\n    return tables['load']\n"
    spec = {
        "id": "depends_on_past_test",
        "params": {"fail": {"type": "boolean", "default": False}},
        "defaults": {"depends_on_past": True, "pool": "missing_pool", "queue": "no_such_queue",
                     "retry_exponential_backoff": 2, "max_retry_delay_seconds": 60},
        "nodes": [
            {"id": "load", "component": "load_table@1.2.0", "params": {"uri": str(numbers_csv)}},
            {"id": "check", "component": "python@1.0.0",
             "params": {"code": code, "args": {"fail": {"$param": "fail"}}}},
        ],
        "edges": [{"from": "load.table", "to": "check.tables"}],
    }
    failed = run(tmp_path, spec, "--param", "fail=true")
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert any(line.split()[:2] == ["failed", "check"] for line in failed.stdout.splitlines()), failed.stdout
    again = run(tmp_path, spec, timeout=120)  # held back, it would poll until killed
    assert again.returncode == 0, again.stdout + again.stderr
    assert any(line.split()[:2] == ["success", "check"] for line in again.stdout.splitlines()), again.stdout
