"""`jimu run` as a real process: timeouts, stops and kills leave no process and no `running` run behind;
first runs at once in a fresh home share one metadata DB.

Each test marks the `jimu run` it starts with an environment variable that every node process
and grandchild inherits, then looks for survivors in /proc.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.run.processes import MARK_ENV, marked_processes, wait_until

JIMU = Path(sys.executable).with_name("jimu")

# Spawns a grandchild that would outlive a plain kill of the node's process, then hangs.
HANG = (
    "import subprocess, time\n"
    "def transform(tables, params):\n"
    "    subprocess.Popen(['sleep', '1000'])\n"
    "    print('HANG-STARTED', flush=True)\n"
    "    time.sleep(1000)\n"
)
ONE_ROW = "import pandas as pd\ndef transform(tables, params):\n    return pd.DataFrame({'x': [1]})\n"


def python_node(node_id: str, code: str, **extra) -> dict:
    return {"id": node_id, "component": "python@1.0.0", "params": {"code": code}, **extra}


def write_pipeline(folder: Path, pipeline_id: str, nodes: list[dict], edges=()) -> Path:
    path = folder / f"{pipeline_id}.json"
    path.write_text(json.dumps({"id": pipeline_id, "nodes": nodes, "edges": list(edges)}), encoding="utf-8")
    return path


def jimu_env(home: Path, mark: str) -> dict:
    return {**os.environ, "JIMU_HOME": str(home), MARK_ENV: mark, "PATH": f"{JIMU.parent}{os.pathsep}{os.environ['PATH']}"}


def start_run(pipeline: Path, home: Path, mark: str) -> subprocess.Popen:
    return subprocess.Popen(
        [str(JIMU), "run", str(pipeline)], env=jimu_env(home, mark),
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )


def node_line(out: str, node: str) -> str:
    return next((line for line in out.splitlines() if line.split()[1:2] == [node]), "")


def local_dag_id(pipeline_id: str) -> str:
    from jimu.compile.profile import BUILTIN_PROFILES

    return BUILTIN_PROFILES["local"].dag_id(pipeline_id)


def runs_in_db(home: Path, pipeline_id: str) -> list[tuple[str, str]]:
    with sqlite3.connect(home / "airflow" / "airflow.db") as db:
        query = "SELECT run_id, state FROM dag_run WHERE dag_id = ?"
        return db.execute(query, (local_dag_id(pipeline_id),)).fetchall()


def task_states(home: Path, pipeline_id: str) -> dict[str, str]:
    with sqlite3.connect(home / "airflow" / "airflow.db") as db:
        query = "SELECT task_id, state FROM task_instance WHERE dag_id = ?"
        return dict(db.execute(query, (local_dag_id(pipeline_id),)).fetchall())


def hang_started(home: Path, pipeline_id: str, mark: str) -> bool:
    """The hanging node runs and its grandchild `sleep 1000` exists."""
    logs = list((home / "runs" / pipeline_id).glob("*/hang*/log.txt"))
    started = any("HANG-STARTED" in log.read_text(errors="replace") for log in logs)
    return started and any(cmd.startswith("sleep 1000") for cmd in marked_processes(mark).values())


@pytest.fixture(scope="module")
def home(tmp_path_factory) -> Path:
    """One home for the tests below: the metadata DB is created once."""
    return tmp_path_factory.mktemp("lifecycle") / "home"


@pytest.mark.slow
def test_timeout_stops_the_node_and_its_grandchildren_and_the_line_says_why(tmp_path, home, mark):
    pipeline = write_pipeline(
        tmp_path, "timeout_test", [python_node("hang", HANG, timeout_seconds=3), python_node("after", ONE_ROW)],
        [{"from": "hang.table", "to": "after.tables"}],
    )
    proc = start_run(pipeline, home, mark)
    try:
        out, _ = proc.communicate(timeout=300)
    finally:
        proc.kill()
    assert proc.returncode == 1, out
    line = node_line(out, "hang")
    assert line.split()[0] == "failed", out
    assert "timed out after 3 s (execution_timeout); log: " in line, out
    assert Path(line.split("; log: ")[1]).name == "log.txt"
    assert node_line(out, "after").split()[0] == "upstream_failed", out
    assert "did not run" not in line
    assert marked_processes(mark) == {}, "processes of the timed-out node survived"


@pytest.mark.slow
def test_sigkill_of_jimu_run_leaves_no_process_and_the_next_run_marks_it_failed(tmp_path, home, mark):
    hanging = write_pipeline(tmp_path, "killed_test", [python_node("hang", HANG)])
    proc = start_run(hanging, home, mark)
    try:
        assert wait_until(lambda: hang_started(home, "killed_test", mark) or proc.poll() is not None, 240)
        assert proc.poll() is None, proc.communicate()[0]
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        survivors = wait_until(lambda: not marked_processes(mark), 10) or marked_processes(mark)
        assert survivors is True, f"still running after SIGKILL of jimu run: {survivors}"
    finally:
        proc.kill()
        proc.communicate()
    [(run_id, state)] = runs_in_db(home, "killed_test")
    assert state == "running"  # nobody could tell Airflow

    quick = write_pipeline(tmp_path, "after_kill_test", [python_node("one", ONE_ROW)])
    proc = start_run(quick, home, mark)
    out, _ = proc.communicate(timeout=300)
    assert proc.returncode == 0, out
    notice = next(line for line in out.splitlines() if "abandoned" in line)
    assert "marked 1 abandoned run(s) failed" in notice and f"{local_dag_id('killed_test')} {run_id} (started " in notice, out
    assert runs_in_db(home, "killed_test") == [(run_id, "failed")]
    assert task_states(home, "killed_test") == {"hang": "failed"}
    # Said once: the run after that has nothing to say.
    proc = start_run(quick, home, mark)
    out, _ = proc.communicate(timeout=300)
    assert proc.returncode == 0 and "abandoned" not in out, out


@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_stopping_jimu_run_stops_the_node_and_starts_no_other(tmp_path, home, mark, signum):
    pipeline_id = f"stopped_{signum.name.lower()}_test"
    pipeline = write_pipeline(
        tmp_path, pipeline_id,
        # Two independent hanging nodes: whichever Airflow starts first is stopped, the other never starts.
        [python_node("hang_a", HANG), python_node("hang_b", HANG), python_node("zlast", ONE_ROW)],
        [{"from": "hang_a.table", "to": "zlast.tables"}],
    )
    proc = start_run(pipeline, home, mark)
    try:
        assert wait_until(lambda: hang_started(home, pipeline_id, mark) or proc.poll() is not None, 240)
        proc.send_signal(signum)
        out, _ = proc.communicate(timeout=120)
    finally:
        proc.kill()
    assert proc.returncode == 128 + signum, out
    lines = sorted((node_line(out, "hang_a"), node_line(out, "hang_b")), key=lambda line: "not started" in line)
    assert f"stopped: jimu run got {signum.name}; log: " in lines[0], out
    assert f"not started: jimu run got {signum.name}" in lines[1], out
    assert node_line(out, "zlast").split()[0] == "upstream_failed", out
    assert [state for _, state in runs_in_db(home, pipeline_id)] == ["failed"]
    assert marked_processes(mark) == {}


@pytest.mark.slow
def test_first_runs_at_once_in_a_fresh_home_all_succeed(tmp_path, mark):
    fresh = tmp_path / "fresh-home"
    # The same pipeline three times: one compiled DAG folder, one Airflow log, one metadata DB.
    pipeline = write_pipeline(tmp_path, "first_runs_test", [python_node("one", ONE_ROW)])
    procs = [start_run(pipeline, fresh, mark) for _ in range(3)]
    try:
        outs = [proc.communicate(timeout=600)[0] for proc in procs]
    finally:
        for proc in procs:
            proc.kill()
    for proc, out in zip(procs, outs, strict=True):
        assert proc.returncode == 0, out
        assert node_line(out, "one").split()[0] == "success", out
    assert sum("creating the local Airflow metadata DB" in out for out in outs) == 1, outs
    assert sorted(state for _, state in runs_in_db(fresh, "first_runs_test")) == ["success"] * 3
    assert not list((fresh / "logs").glob("*.progress.jsonl"))
