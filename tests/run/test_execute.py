"""execute_request: a recorded run request executed for real, its events in order, its end recorded."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from jimu.run.execute import execute_request
from jimu.run.records import create_run, read_events, read_state

CHATTY = (
    "import pandas as pd\n"
    "def transform(tables, params):\n"
    "    for i in range(300):\n"
    "        print('line', i, flush=(i % 7 == 0))\n"
    "    print('no newline at the end', end='')\n"
    "    return pd.DataFrame({'x': [1, 2]})\n"
)
QUIET = "def transform(tables, params):\n    return tables['chatty']\n"
PIPELINE = {
    "id": "chatty_chain",
    "nodes": [
        {"id": "chatty", "component": "python@1.0.0", "params": {"code": CHATTY}},
        {"id": "quiet", "component": "python@1.0.0", "params": {"code": QUIET}},
    ],
    "edges": [{"from": "chatty.table", "to": "quiet.tables"}],
}


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    """One real run through `python -m jimu.run.execute FOLDER`: (folder, events, its terminal output)."""
    folder = create_run(PIPELINE, {}, root=tmp_path_factory.mktemp("runs"))
    done = subprocess.run([sys.executable, "-m", "jimu.run.execute", str(folder)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    return folder, [event for _, event in read_events(folder)[0]], done.stdout


def test_every_node_goes_queued_running_then_its_end(executed):
    _, events, _ = executed
    assert (events[0]["type"], events[0]["state"]) == ("run", "running")
    assert (events[-1]["type"], events[-1]["state"]) == ("run", "success")
    for node in ("chatty", "quiet"):
        states = [e["state"] for e in events if e["type"] == "node" and e["node"] == node]
        assert states == ["queued", "running", "success"]


def test_log_events_are_the_log_file_lines_in_order_before_the_node_ends(executed):
    folder, events, _ = executed
    chatty = [i for i, e in enumerate(events) if e.get("node") == "chatty"]
    lines = [events[i]["line"] for i in chatty if events[i]["type"] == "log"]
    log_file = Path(next(e["log"] for e in events if e.get("node") == "chatty" and e["state"] == "running"))
    assert lines == log_file.read_text(encoding="utf-8").splitlines()
    assert lines[:3] == ["line 0", "line 1", "line 2"] and any(line.startswith("no newline at the end") for line in lines)
    running = next(i for i in chatty if events[i].get("state") == "running")
    success = next(i for i in chatty if events[i].get("state") == "success")
    assert all(running < i < success for i in chatty if events[i]["type"] == "log")


def test_the_state_holds_each_node_and_the_run(executed):
    folder, _, _ = executed
    state = read_state(folder)
    assert state["state"] == "success" and state["airflow_run_id"].startswith("manual__")
    assert state["nodes"]["chatty"]["rows"] == {"table": 2} and "line 299" in state["nodes"]["chatty"]["log_tail"]
    assert Path(state["data_folder"], "quiet", "table", "part-0.parquet").is_file()


def test_the_terminal_output_still_shows_finished_nodes_only(executed):
    _, _, out = executed
    node_lines = [line.split()[:2] for line in out.splitlines() if line.startswith("  ")]
    assert node_lines == [["success", "chatty"], ["success", "quiet"]]


def test_an_invalid_spec_is_a_failed_run_naming_each_issue(tmp_path):
    spec = {"id": "broken", "nodes": [{"id": "a", "component": "nope@1.0.0"}], "edges": []}
    folder = create_run(spec, {}, root=tmp_path)
    assert execute_request(folder) == 1
    state = read_state(folder)
    assert state["state"] == "failed" and "nope@1.0.0" in state["error"]
    assert state["nodes"]["a"]["state"] == "not_run"
    last = read_events(folder)[0][-1][1]
    assert (last["type"], last["state"]) == ("run", "failed") and last["error"] == state["error"]


def test_bad_params_are_a_failed_run_naming_the_param(tmp_path):
    spec = {**PIPELINE, "params": {"n": {"type": "integer", "default": 1}}}
    folder = create_run(spec, {"n": "three", "m": 1}, root=tmp_path)
    assert execute_request(folder) == 1
    error = read_state(folder)["error"]
    assert "param 'n'" in error and "param 'm'" in error and "no such param" in error
    assert json.loads((folder / "state.json").read_text())["state"] == "failed"
