"""Recording and streaming a run's events (the editor's live view) vs writing/reading the bare lines.

Recording: a synthetic 20-node run through the execute sink (RunRecorder): each node queued,
running, 100 log lines, success; every node state change rewrites state.json atomically (fsync).
Baseline: the same events appended to a file with nothing else (EventLog.append alone).
Streaming: GET /api/runs/{id}/events of that finished run over real HTTP (uvicorn, httpx), every
event to the end, vs GET /api/runs/{id} (one JSON state) of the same server.
Goal: recording costs < 10 ms per node state change beyond the bare append (1% of a cold node's
~0.8 s; the atomic, fsynced state.json write is most of it); the stream serves > 5,000 events/s
so a chatty node never lags behind in the editor.
"""

from __future__ import annotations

import socket
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import Row, interleaved, isolated_home, machine_summary, median, parse_args, print_table, spread

NODES, LINES = 20, 100


def record_run(root: Path, with_state: bool) -> Path:
    from jimu.run.execute import RunRecorder
    from jimu.run.records import EventLog, create_run

    spec = {"id": "bench", "nodes": [{"id": f"n{i}"} for i in range(NODES)], "edges": []}
    folder = create_run(spec, {}, root=root)
    if not with_state:
        log = EventLog(folder)
        for i in range(NODES):
            for state in ("queued", "running"):
                log.append({"type": "node", "node": f"n{i}", "state": state})
            for line in range(LINES):
                log.append({"type": "log", "node": f"n{i}", "line": f"line {line} of a chatty node"})
            log.append({"type": "node", "node": f"n{i}", "state": "success", "seconds": 0.1, "rows": {"table": 3}})
        log.append({"type": "run", "state": "success"})
        return folder
    recorder = RunRecorder(folder)
    recorder.nodes_queued([f"n{i}" for i in range(NODES)])
    for i in range(NODES):
        recorder({"type": "node", "node": f"n{i}", "state": "running"})
        for line in range(LINES):
            recorder.log_line(f"n{i}", f"line {line} of a chatty node")
        recorder({"type": "node", "node": f"n{i}", "state": "success", "seconds": 0.1, "rows": {"table": 3}})
    recorder.run_event("success")
    return folder


def main() -> int:
    args = parse_args(__doc__.splitlines()[0])
    root = isolated_home("run_events", keep=args.keep)
    repeat = args.repeat or (3 if args.quick else 15)
    print(f"bench_run_events: {machine_summary()}; {repeat} timed runs each")
    runs = root / "home" / "runs"
    changes = NODES * 3 + 2
    times = interleaved({"recorder": lambda: record_run(runs, True), "append": lambda: record_run(runs, False)},
                        repeat)
    extra_per_change = (median(times["recorder"]) - median(times["append"])) / changes
    rows = [Row("run_events", f"record {NODES} nodes x {LINES} log lines", median(times["recorder"]),
                median(times["append"]), baseline_name="bare appends",
                note=f"recorder {spread(times['recorder'])}; appends {spread(times['append'])}")]
    rows.append(Row("run_events", "extra per node state change", extra_per_change, unit="s",
                    goal="< 10 ms", ok=extra_per_change < 0.010))

    import httpx
    import uvicorn

    from jimu.ui_plugin.app import create_app
    from jimu.ui_plugin.config import UiConfig

    folder = record_run(runs, True)
    events = sum(1 for _ in (folder / "events.jsonl").open())
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(UiConfig(workspace=root)), host="127.0.0.1", port=port,
                                           log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
        def stream() -> None:
            with client.stream("GET", f"/api/runs/{folder.name}/events") as response:
                received = sum(1 for line in response.iter_lines() if line.startswith("id:"))
            assert received == events, (received, events)

        def state() -> None:
            assert client.get(f"/api/runs/{folder.name}").status_code == 200

        served = interleaved({"stream": stream, "state": state}, repeat)
    server.should_exit = True
    rate = events / median(served["stream"])
    rows.append(Row("run_events", f"SSE stream of {events} events", median(served["stream"]), median(served["state"]),
                    baseline_name="GET the run's state", note=f"stream {spread(served['stream'])}"))
    rows.append(Row("run_events", "SSE events per second", rate, unit="events/s", goal="> 5,000", ok=rate > 5000))
    print_table("run events: record and stream", rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
