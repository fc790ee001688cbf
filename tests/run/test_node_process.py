"""A node's process group on its own: timeouts, stops, leftovers and the death of its parent.

The process tests run twice (fixture node_start): spawned, and forked by a zygote.

Real processes (`sh`, `sleep`); every one carries a marker in its environment, and none may survive.
"""

from __future__ import annotations

import fcntl
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from jimu.run.node_process import NodeProcess, failure_reason
from jimu.run.owners import abandoned_records
from tests.run.processes import MARK_ENV, marked_processes, wait_until

# The shell and its `sleep`s ignore SIGTERM: only SIGKILL ends them.
STUBBORN = "trap '' TERM; sleep 1000 & sleep 1000"
TWO_SLEEPS = "sleep 1000 & sleep 1000"


def start(tmp_path: Path, mark: str, script: str, grace: float = 0.5) -> NodeProcess:
    log = (tmp_path / "log.txt").open("wb")
    try:
        return NodeProcess(["sh", "-c", script], log, grace=grace, env={**os.environ, MARK_ENV: mark})
    finally:
        log.close()  # the child holds its own copy


def sleeps(mark: str) -> list[int]:
    return [pid for pid, cmd in marked_processes(mark).items() if cmd.startswith("sleep 1000")]


@pytest.mark.usefixtures("node_start")
def test_timeout_ends_the_node_and_its_children(tmp_path, mark):
    node = start(tmp_path, mark, TWO_SLEEPS)
    assert wait_until(lambda: len(sleeps(mark)) == 2, 10)
    try:
        status = node.wait(timeout=0.3)
    finally:
        node.close()
    assert status == -signal.SIGTERM
    assert node.stop_reason == "timed out after 0.3 s (execution_timeout)"
    assert marked_processes(mark) == {}


@pytest.mark.usefixtures("node_start")
def test_stop_sends_sigkill_after_the_grace_period_when_sigterm_is_ignored(tmp_path, mark):
    node = start(tmp_path, mark, STUBBORN, grace=0.5)
    assert wait_until(lambda: len(sleeps(mark)) == 2, 10)
    try:
        status = node.stop("stopped: test")
    finally:
        node.close()
    assert status == -signal.SIGKILL
    assert marked_processes(mark) == {}


@pytest.mark.usefixtures("node_start")
def test_terminate_from_another_thread_ends_the_wait(tmp_path, mark):
    """As Airflow's on_kill does, from its SIGTERM handler."""
    node = start(tmp_path, mark, TWO_SLEEPS)
    assert wait_until(lambda: len(sleeps(mark)) == 2, 10)
    timer = threading.Timer(0.2, node.terminate, args=("stopped by Airflow (on_kill)",))
    timer.start()
    try:
        status = node.wait(timeout=30)
    finally:
        timer.cancel()
        node.close()
    assert status == -signal.SIGTERM and node.stop_reason == "stopped by Airflow (on_kill)"
    assert marked_processes(mark) == {}


@pytest.mark.usefixtures("node_start")
def test_what_a_finished_node_left_running_is_stopped(tmp_path, mark):
    node = start(tmp_path, mark, "trap '' TERM; sleep 1000 & echo started; exit 0", grace=0.3)
    try:
        status = node.wait(timeout=30)
    finally:
        left = node.close()
    assert status == 0 and node.stop_reason is None
    assert len(left) == 1  # the `sleep`, which ignored SIGTERM and got SIGKILL
    assert marked_processes(mark) == {}


PARENT = """
import os, sys, time
from jimu.run.node_process import NodeProcess
node = NodeProcess(["sh", "-c", sys.argv[1]], open(os.devnull, "wb"), grace=0.5)
print(node.pgid, flush=True)
time.sleep(1000)
"""


@pytest.mark.usefixtures("node_start")
@pytest.mark.parametrize("script", [TWO_SLEEPS, STUBBORN])
def test_sigkill_of_the_parent_ends_the_whole_group(mark, script):
    parent = subprocess.Popen(
        [sys.executable, "-c", PARENT, script], env={**os.environ, MARK_ENV: mark}, stdout=subprocess.PIPE, text=True
    )
    try:
        assert parent.stdout.readline().strip().isdigit()
        assert wait_until(lambda: len(sleeps(mark)) == 2, 10), marked_processes(mark)
        parent.kill()
        parent.wait()
        # The watchdog (it carries the mark too) ends the group, then itself.
        gone = wait_until(lambda: not marked_processes(mark), 10)
        assert gone, f"survived their parent: {marked_processes(mark)}"
    finally:
        parent.kill()
        parent.wait()
        parent.stdout.close()


def test_failure_reason_names_the_exit_and_the_error(tmp_path):
    log = tmp_path / "log.txt"
    log.write_text("Traceback...\njimu: node 'scale' (python@1.0.0) failed: ValueError: boom\n")
    assert failure_reason(1, log) == "exited with code 1: ValueError: boom"
    assert failure_reason(-9, tmp_path / "missing.txt") == "killed by SIGKILL (out of memory?)"


HOLDER = """
import sys, time
from pathlib import Path
from jimu.run.owners import owning_run
with owning_run(Path(sys.argv[1]), "some_dag", sys.argv[2]):
    print("owning", flush=True)
    time.sleep(1000)
"""


def test_only_records_of_dead_owners_are_abandoned(tmp_path):
    holders = {
        run_id: subprocess.Popen([sys.executable, "-c", HOLDER, str(tmp_path), run_id], stdout=subprocess.PIPE, text=True)
        for run_id in ("alive_run", "killed_run")
    }
    try:
        for holder in holders.values():
            assert holder.stdout.readline().strip() == "owning"
        holders["killed_run"].kill()
        holders["killed_run"].wait()
        abandoned = list(abandoned_records(tmp_path))
        assert [(facts["dag_id"], facts["run_id"]) for facts in abandoned] == [("some_dag", "killed_run")]
        assert abandoned[0]["pid"] == holders["killed_run"].pid
        assert list(abandoned_records(tmp_path)) == []  # reported once: its record is gone
        assert len(list((tmp_path / "owners").glob("*.owner.json"))) == 1  # the live one stays
    finally:
        for holder in holders.values():
            holder.kill()
            holder.wait()
            holder.stdout.close()


ENSURE_DB = """
import sys
from pathlib import Path
from jimu.airflow_env import ensure_metadata_db
ensure_metadata_db(Path(sys.argv[1]), echo=lambda text: print(text, flush=True))
print("ready", flush=True)
"""


def test_a_second_first_run_waits_for_the_metadata_db_and_finds_it_ready(tmp_path):
    airflow_home = tmp_path / "airflow"
    airflow_home.mkdir()
    out = tmp_path / "out.txt"
    with open(airflow_home / ".jimu-db.lock", "a") as lock, out.open("w") as sink:
        fcntl.flock(lock, fcntl.LOCK_EX)  # as the first run does while it creates the DB
        waiter = subprocess.Popen([sys.executable, "-c", ENSURE_DB, str(airflow_home)], stdout=sink)
        try:
            assert wait_until(lambda: "waiting for another jimu command" in out.read_text(), 30), out.read_text()
            (airflow_home / ".jimu-db-ready").write_text("ok\n")
            fcntl.flock(lock, fcntl.LOCK_UN)
            assert waiter.wait(timeout=30) == 0
        finally:
            waiter.kill()
            waiter.wait()
    text = out.read_text()
    assert "ready" in text and "creating the local Airflow metadata DB" not in text, text
