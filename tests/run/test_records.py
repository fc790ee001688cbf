"""Run records: folders, ids, the event log and its resume points, history, and runs whose process died."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from jimu.run import records
from jimu.run.records import EventLog, UnknownRun, create_run, list_runs, read_events, read_state, run_folder

SPEC = {"id": "chain", "nodes": [{"id": "a"}, {"id": "b"}], "edges": []}


def test_a_new_run_is_queued_with_its_request(tmp_path):
    folder = create_run(SPEC, {"n": 1}, source="chain.json", root=tmp_path)
    assert records.RUN_ID.accepts(folder.name) and records.pipeline_of(folder.name) == "chain"
    request = json.loads((folder / "request.json").read_text())
    assert (request["spec"], request["params"], request["source"]) == (SPEC, {"n": 1}, "chain.json")
    state = read_state(folder)
    assert state["state"] == "queued" and state["nodes"] == {"a": {"state": "queued"}, "b": {"state": "queued"}}
    assert run_folder(folder.name, tmp_path) == folder


def test_an_invalid_pipeline_id_still_gets_a_safe_run_id(tmp_path):
    folder = create_run({"id": "../../etc", "nodes": "no"}, {}, root=tmp_path)
    assert folder.parent == tmp_path and folder.name.startswith("pipeline-")


@pytest.mark.parametrize("run_id", [
    "../chain-20260101T000000Z-00000000", "chain-20260101T000000Z-00000000\n", "/etc/passwd", "chain", "",
    "chain-20260101T000000Z-0000000g", "CHAIN-20260101T000000Z-00000000", None, 7, "chain\0-20260101T000000Z-00000000",
])
def test_hostile_or_malformed_ids_are_unknown_runs(tmp_path, run_id):
    create_run(SPEC, {}, root=tmp_path)
    with pytest.raises(UnknownRun):
        run_folder(run_id, tmp_path)


def test_a_well_formed_id_of_no_run_is_unknown(tmp_path):
    with pytest.raises(UnknownRun, match="no run"):
        run_folder("chain-20260101T000000Z-00000000", tmp_path)


def test_event_ids_are_line_numbers_and_reading_resumes_exactly(tmp_path):
    folder = create_run(SPEC, {}, root=tmp_path)
    log = EventLog(folder)
    ids = [log.append({"type": "log", "node": "a", "line": f"line {i}"}) for i in range(5)]
    assert ids == [1, 2, 3, 4, 5]
    assert EventLog(folder).last_id == 5  # a second writer (after the first ended) continues the numbering
    everything, offset, next_id = read_events(folder)
    assert [event_id for event_id, _ in everything] == ids
    assert [event_id for event_id, _ in read_events(folder, after=3)[0]] == [4, 5]
    with (folder / "events.jsonl").open("a") as handle:
        handle.write('{"type": "log", "line": "half')  # being written: not an event yet
    assert read_events(folder, 0, offset, next_id)[0] == []
    with (folder / "events.jsonl").open("a") as handle:
        handle.write(' done"}\n')
    assert read_events(folder, 0, offset, next_id)[0] == [(6, {"type": "log", "line": "half done"})]


def test_history_is_newest_first_and_filters_by_pipeline(tmp_path):
    made = []
    for pipeline in ("chain", "other", "chain"):
        made.append(create_run({**SPEC, "id": pipeline}, {}, root=tmp_path).name)
        time.sleep(0.01)
    (tmp_path / "chain").mkdir()  # `jimu run` keeps its logs per pipeline beside the records
    assert [state["run_id"] for state in list_runs(root=tmp_path)] == made[::-1]
    assert [state["run_id"] for state in list_runs("chain", root=tmp_path)] == [made[2], made[0]]
    assert list_runs(root=tmp_path / "nothing") == []


OWNER = """
import sys, time
from pathlib import Path
from jimu.run import records
folder = Path(sys.argv[1])
with records.owning(folder):
    state = records.read_state(folder)
    records.write_state(folder, {**state, "state": "running"})
    print("owned", flush=True)
    time.sleep(600)
"""


def test_a_running_run_whose_process_died_is_reported_failed(tmp_path):
    folder = create_run(SPEC, {}, root=tmp_path)
    owner = subprocess.Popen([sys.executable, "-c", OWNER, str(folder)], stdout=subprocess.PIPE, text=True)
    try:
        assert owner.stdout.readline() == "owned\n"
        assert read_state(folder)["state"] == "running"
        assert records.owner_alive(folder)
    finally:
        os.kill(owner.pid, signal.SIGKILL)
        owner.wait()
    state = read_state(folder)
    assert state["state"] == "failed" and "died" in state["error"]
    assert [run["state"] for run in list_runs(root=tmp_path)] == ["failed"]
