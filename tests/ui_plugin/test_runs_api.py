"""The run routes over real HTTP (uvicorn on a loopback port), with real cold runs of small pipelines.

Runs cost seconds each, so the module starts four and every test reads them: a chain that
succeeds, the same chain with a failing middle node, its rerun from that node, and a stop.
"""

from __future__ import annotations

import json
import socket
import threading
from pathlib import Path

import httpx
import pyarrow.parquet as pq
import pytest
import uvicorn

from tests.run.processes import MARK_ENV, kill_marked, new_mark, wait_until

RUN_SECONDS = 120


def python_node(node_id: str, code: str) -> dict:
    return {"id": node_id, "component": "python@1.0.0", "params": {"code": code}}


MAKE_A = (
    "import pandas as pd\n"
    "def transform(tables, params):\n"
    "    print('hello from a', flush=True)\n"
    "    print('second line of a', flush=True)\n"
    "    return pd.DataFrame({'x': [1.5, 2.0, float('nan')], 's': ['p', 'q', None], 'n': [1, 2, 3]})\n"
)
DOUBLE_B = "def transform(tables, params):\n    df = tables['a']\n    return df.assign(y=df['x'] * 2)\n"
FAIL_B = (
    "def transform(tables, params):\n"
    "    print('b looks at its input', flush=True)\n"
    "    raise ValueError('b cannot go on: the column z is missing')\n"
)
HEAD_C = "def transform(tables, params):\n    return tables['b'].head(1)\n"
SLOW = (
    "import os, time\n"
    "def transform(tables, params):\n"
    "    print('PID', os.getpid(), flush=True)\n"
    "    time.sleep(600)\n"
)


def chain(b_code: str) -> dict:
    return {
        "id": "chain",
        "nodes": [python_node("a", MAKE_A), python_node("b", b_code), python_node("c", HEAD_C)],
        "edges": [{"from": "a.table", "to": "b.tables"}, {"from": "b.table", "to": "c.tables"}],
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def api(tmp_path_factory):
    """The editor app on a loopback port; every process the runs start carries a mark, killed after."""
    from jimu.ui_plugin.app import create_app
    from jimu.ui_plugin.config import UiConfig

    workspace = tmp_path_factory.mktemp("workspace")
    (workspace / "chain.json").write_text(json.dumps(chain(DOUBLE_B)), encoding="utf-8")
    mark = new_mark()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(MARK_ENV, mark)
        port = free_port()
        server = uvicorn.Server(uvicorn.Config(create_app(UiConfig(workspace=workspace)), host="127.0.0.1",
                                               port=port, log_level="warning"))
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        assert wait_until(lambda: server.started, 30)
        try:
            with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
                yield client
        finally:
            server.should_exit = True
            thread.join(10)
            kill_marked(mark)


def read_sse(client: httpx.Client, run_id: str, last_event_id: str | None = None, until=None) -> list[dict]:
    """Every event of the stream (id, event, data) until it ends, or until `until(event)` is true."""
    headers = {"Last-Event-ID": last_event_id} if last_event_id is not None else {}
    events, fields = [], {}
    with client.stream("GET", f"/api/runs/{run_id}/events", headers=headers, timeout=RUN_SECONDS) as response:
        assert response.status_code == 200, response.read()
        assert response.headers["content-type"].startswith("text/event-stream")
        for line in response.iter_lines():
            if line == "":
                if "data" in fields:
                    event = {"id": fields.get("id"), "event": fields.get("event"), "data": json.loads(fields["data"])}
                    events.append(event)
                    if until is not None and until(event):
                        return events
                fields = {}
            elif not line.startswith(":"):
                name, _, value = line.partition(":")
                fields[name] = value[1:] if value.startswith(" ") else value
    return events


def start(client: httpx.Client, body: dict) -> str:
    response = client.post("/api/runs", json=body)
    assert response.status_code == 202, response.text
    return response.json()["run_id"]


def message(response: httpx.Response) -> str:
    """The error's message: `detail` as this router says it, or `detail.message` in the app's one error shape."""
    detail = response.json()["detail"]
    return detail["message"] if isinstance(detail, dict) else detail


def node_states(events: list[dict], node: str) -> list[str]:
    return [e["data"]["state"] for e in events if e["event"] == "node" and e["data"]["node"] == node]


@pytest.fixture(scope="module")
def ok_run(api):
    run_id = start(api, {"pipeline": "chain"})
    return run_id, read_sse(api, run_id)


@pytest.fixture(scope="module")
def failed_run(api, ok_run):
    run_id = start(api, {"spec": chain(FAIL_B)})
    return run_id, read_sse(api, run_id)


@pytest.fixture(scope="module")
def rerun(api, failed_run):
    response = api.post(f"/api/runs/{failed_run[0]}/rerun", json={"from_node": "b", "spec": chain(DOUBLE_B)})
    assert response.status_code == 202, response.text
    run_id = response.json()["run_id"]
    return run_id, read_sse(api, run_id)


def test_a_run_streams_every_node_state_to_success(api, ok_run):
    run_id, events = ok_run
    assert events[-1]["event"] == "run" and events[-1]["data"]["state"] == "success"
    for node in "abc":
        assert node_states(events, node) == ["queued", "running", "success"]
    logs = [e["data"]["line"] for e in events if e["event"] == "log" and e["data"]["node"] == "a"]
    assert logs[:2] == ["hello from a", "second line of a"]
    a_done = next(i for i, e in enumerate(events) if e["event"] == "node" and e["data"] == {**e["data"], "node": "a", "state": "success"})
    assert all(i < a_done for i, e in enumerate(events) if e["event"] == "log" and e["data"]["node"] == "a")
    state = api.get(f"/api/runs/{run_id}").json()
    assert state["state"] == "success" and state["pipeline"] == "chain"
    assert {node: record["rows"] for node, record in state["nodes"].items()} == {
        "a": {"table": 3}, "b": {"table": 3}, "c": {"table": 1}}
    assert "hello from a" in state["nodes"]["a"]["log_tail"]


def test_event_ids_are_line_numbers_and_last_event_id_resumes_exactly_after(api, ok_run):
    run_id, events = ok_run
    assert [int(e["id"]) for e in events] == list(range(1, len(events) + 1))
    for seen in (1, len(events) // 2, len(events) - 1):
        assert read_sse(api, run_id, last_event_id=str(seen)) == events[seen:]
    assert api.get(f"/api/runs/{run_id}/events", headers={"Last-Event-ID": "x1"}).status_code == 400


def test_history_is_newest_first_and_by_pipeline(api, ok_run, failed_run, rerun):
    listed = api.get("/api/runs", params={"pipeline": "chain"}).json()
    assert [run["run_id"] for run in listed][:3] == [rerun[0], failed_run[0], ok_run[0]]
    assert api.get("/api/runs", params={"pipeline": "other"}).json() == []
    assert api.get("/api/runs", params={"pipeline": "../x"}).status_code == 400


def test_output_preview_equals_an_independent_read(api, ok_run):
    run_id = ok_run[0]
    state = api.get(f"/api/runs/{run_id}").json()
    expected = pq.read_table(Path(state["data_folder"]) / "b" / "table" / "part-0.parquet")
    preview = api.get(f"/api/runs/{run_id}/nodes/b/outputs/table", params={"limit": 2}).json()
    assert preview["kind"] == "table" and preview["row_count"] == expected.num_rows == 3
    assert preview["columns"] == [{"name": f.name, "type": str(f.type)} for f in expected.schema]
    rows = expected.slice(0, 2).to_pylist()
    assert preview["rows"] == rows and len(rows) == 2
    nan_row = api.get(f"/api/runs/{run_id}/nodes/b/outputs/table").json()["rows"][2]
    assert nan_row["x"] is None and nan_row["s"] is None  # NaN and null are JSON null


def test_a_failing_node_sends_its_error_and_log_tail(api, failed_run):
    run_id, events = failed_run
    assert events[-1]["data"]["state"] == "failed"
    failed = [e["data"] for e in events if e["event"] == "node" and e["data"]["state"] == "failed"]
    assert [event["node"] for event in failed] == ["b"]
    assert "the column z is missing" in failed[0]["error"]
    assert "b looks at its input" in failed[0]["log_tail"]
    assert node_states(events, "c")[-1] == "upstream_failed"
    state = api.get(f"/api/runs/{run_id}").json()
    assert state["nodes"]["b"]["state"] == "failed" and "b looks at its input" in state["nodes"]["b"]["log_tail"]
    assert state["nodes"]["c"]["state"] == "upstream_failed"


def test_rerun_from_a_node_reuses_upstream_outputs_untouched(api, failed_run, rerun):
    run_id, events = rerun
    assert events[-1]["data"]["state"] == "success"
    assert node_states(events, "a")[-1] == "success" and "running" not in node_states(events, "a")
    assert node_states(events, "b")[-2:] == ["running", "success"]
    earlier = Path(api.get(f"/api/runs/{failed_run[0]}").json()["data_folder"]) / "a" / "table" / "part-0.parquet"
    state = api.get(f"/api/runs/{run_id}").json()
    assert state["rerun_of"] == failed_run[0] and state["from_node"] == "b"
    reused = Path(state["data_folder"]) / "a" / "table" / "part-0.parquet"
    before, after = earlier.stat(), reused.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert reused.read_bytes() == earlier.read_bytes()
    assert pq.read_table(Path(state["data_folder"]) / "c" / "table" / "part-0.parquet").num_rows == 1
    assert "y" in pq.read_table(Path(state["data_folder"]) / "b" / "table" / "part-0.parquet").column_names


def test_rerun_refusals_say_why(api, failed_run):
    run_id = failed_run[0]
    response = api.post(f"/api/runs/{run_id}/rerun", json={"from_node": "nope"})
    assert response.status_code == 400 and "'nope' is not a node" in message(response)
    response = api.post(f"/api/runs/{run_id}/rerun", json={"from_node": "c"})  # b failed: no b.table
    assert response.status_code == 400 and "b.table" in message(response)
    response = api.post("/api/runs/chain-20260101T000000Z-00000000/rerun", json={"from_node": "b"})
    assert response.status_code == 404 and "no run" in message(response)


def test_stop_ends_the_node_process_and_the_run_is_stopped(api, rerun):
    run_id = start(api, {"spec": {"id": "sleepy", "nodes": [python_node("slow", SLOW)], "edges": []}})

    def pid_line(event):
        return event["event"] == "log" and event["data"]["line"].startswith("PID ")

    seen = read_sse(api, run_id, until=pid_line)
    pid = int(seen[-1]["data"]["line"].split()[1])
    assert Path(f"/proc/{pid}").exists()
    # Runs execute one at a time: a second one waits, and stopping it then means it never runs.
    waiting = start(api, {"spec": {"id": "sleepy", "nodes": [python_node("slow", SLOW)], "edges": []}})
    assert api.get(f"/api/runs/{waiting}").json()["state"] == "queued"
    stopped = api.post(f"/api/runs/{waiting}/stop").json()
    assert stopped["state"] == "stopped" and stopped["nodes"]["slow"]["state"] == "not_run"
    assert [e["data"]["state"] for e in read_sse(api, waiting)] == ["queued", "stopped"]
    assert api.post(f"/api/runs/{run_id}/stop").status_code == 200
    rest = read_sse(api, run_id, last_event_id=seen[-1]["id"])
    assert rest[-1]["data"]["state"] == "stopped"
    assert wait_until(lambda: not _alive(pid), 10)
    state = api.get(f"/api/runs/{run_id}").json()
    assert state["state"] == "stopped" and state["nodes"]["slow"]["state"] == "failed"


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_bytes().rsplit(b")", 1)[1].split()[0] not in (b"Z", b"X")
    except OSError:
        return False


@pytest.mark.parametrize("path", [
    "/api/runs/nope", "/api/runs/..%2F..%2Fetc", "/api/runs/chain-20260101T000000Z-00000000",
    "/api/runs/chain-20260101T000000Z-00000000/events", "/api/runs/%00/events",
])
def test_unknown_and_hostile_run_ids_are_404_json(api, path):
    response = api.get(path)
    assert response.status_code == 404 and response.json()["detail"]


@pytest.mark.parametrize(("node", "port"), [("zz", "table"), ("a", "nope"), ("..", "table"), ("a", "..%2F..")])
def test_unknown_nodes_and_ports_are_404_json(api, ok_run, node, port):
    response = api.get(f"/api/runs/{ok_run[0]}/nodes/{node}/outputs/{port}")
    assert response.status_code == 404 and response.json()["detail"]


@pytest.mark.parametrize(("body", "status"), [
    ({}, 400), ({"pipeline": "chain", "spec": {"id": "x"}}, 400), ({"pipeline": "../chain"}, 400),
    ({"pipeline": "missing"}, 404), ({"pipeline": "chain", "extra": 1}, 422),
])
def test_bad_start_requests_say_what_to_fix(api, body, status):
    response = api.post("/api/runs", json=body)
    assert response.status_code == status and response.json()["detail"]


def test_an_invalid_spec_is_accepted_and_ends_as_a_failed_run_naming_the_problem(api):
    run_id = start(api, {"spec": {"id": "broken", "nodes": 5, "edges": []}})
    events = read_sse(api, run_id)
    assert (events[-1]["event"], events[-1]["data"]["state"]) == ("run", "failed")
    state = api.get(f"/api/runs/{run_id}").json()
    assert state["state"] == "failed" and "nodes" in state["error"] and state["nodes"] == {}
    response = api.get(f"/api/runs/{run_id}/nodes/a/outputs/table")
    assert response.status_code == 404 and "no node" in message(response)


def test_editor_runs_are_warm_and_their_outputs_equal_a_cold_run(api, ok_run, tmp_path):
    """The editor sends runs to the home's warm runner; a cold run of the same spec writes the same bytes."""
    from jimu.run.runner_protocol import RunnerClient
    from jimu.run.service import ColdExecutor, RunService

    runner = RunnerClient.connect()
    assert runner is not None and runner.status()["runs_done"] >= 1
    warm = api.get(f"/api/runs/{ok_run[0]}").json()
    cold_runs = RunService(ColdExecutor(), root=tmp_path / "runs")  # its own queue: no run is taken twice
    cold_id = cold_runs.start(chain(DOUBLE_B), {})
    assert wait_until(lambda: cold_runs.get(cold_id)["state"] in ("success", "failed", "stopped"), RUN_SECONDS)
    cold = cold_runs.get(cold_id)
    assert cold["state"] == "success", cold.get("error")

    def files(data_folder: str) -> dict[str, bytes]:
        root = Path(data_folder)
        return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}

    warm_files, cold_files = files(warm["data_folder"]), files(cold["data_folder"])
    assert warm_files and warm_files == cold_files
