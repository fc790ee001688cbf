"""Execute one recorded run request: `python -m jimu.run.execute FOLDER`, or execute_request(folder).

The contract with whoever runs it (the editor's cold executor, the warm runner): the folder
was made by jimu.run.records.create_run; this process owns the run while it lives (owner
lock), is the only writer of its events.jsonl and state.json, and leaves a final state.
SIGTERM stops the run: the running node's process group is stopped and the run is `stopped`.
"""

from __future__ import annotations

import gc
import signal
import sys
import threading
import time
import traceback
from pathlib import Path

from jimu.errors import JimuError
from jimu.run.node_process import log_tail
from jimu.run.records import EventLog, owning, read_request, read_state, run_folder, write_state

NODE_FINAL_STATES = frozenset({"success", "failed", "skipped", "upstream_failed", "removed"})
LOG_POLL_SECONDS = 0.1
LOG_LINE_CHARS = 4000  # a longer line is cut: one event stays small


class RunRecorder:
    """The events sink: appends each event and keeps state.json up to date, from any thread."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.log = EventLog(folder)
        self.state = read_state(folder)
        self.lock = threading.RLock()
        self.logs = LogFollower(self)

    def run_event(self, state: str, **facts) -> None:
        with self.lock:
            now = time.time()
            self.state.update(state=state, **facts)
            if state == "running" and not self.state.get("started"):
                self.state["started"] = now
            if state in ("success", "failed", "stopped"):
                self.state["ended"] = now
                self.state["seconds"] = round(now - (self.state.get("started") or now), 3)
                self._settle_nodes(state)
            write_state(self.folder, self.state)
            self.log.append({"type": "run", "state": state, **facts})

    def __call__(self, event: dict) -> None:
        """What run_pipeline_locally calls with each event."""
        if event["type"] == "run":
            facts = {key: value for key, value in event.items() if key not in ("type", "state")}
            self.run_event(event["state"], **facts)
            return
        node, state = event["node"], event["state"]
        with self.lock:
            if state == "running" and event.get("log"):
                self.logs.follow(node, Path(event["log"]))
            elif state in NODE_FINAL_STATES:
                self.logs.drain(node)
            record = self.state["nodes"].setdefault(node, {})
            if state == "running":
                record.clear()
                record["started"] = time.time()
            elif record.get("started"):
                record["ended"] = time.time()
            facts = {key: value for key, value in event.items() if key not in ("type", "node") and value not in (None, [], {})}
            if event.get("log") and state != "running":
                facts["log_tail"] = log_tail(Path(event["log"]))
            record.update(facts)
            write_state(self.folder, self.state)
            self.log.append({"type": "node", "node": node, **facts})

    def nodes_queued(self, nodes: list[str]) -> None:
        with self.lock:
            for node in nodes:
                self.state["nodes"][node] = {"state": "queued"}
                self.log.append({"type": "node", "node": node, "state": "queued"})
            write_state(self.folder, self.state)

    def log_line(self, node: str, line: str) -> None:
        with self.lock:
            self.log.append({"type": "log", "node": node, "line": line[:LOG_LINE_CHARS]})

    def _settle_nodes(self, run_state: str) -> None:
        """Nodes the run ended without: none once Airflow finished, all of them when it never started."""
        self.logs.stop()
        for record in self.state["nodes"].values():
            if record.get("state") == "running":
                record.update(state="failed", reason=f"the run was {run_state} while it ran")
            elif record.get("state") == "queued":
                record.update(state="not_run", reason=f"the run was {run_state} before it started")


class LogFollower(threading.Thread):
    """Turns each line of a running node's log file into a log event, in order, while the node runs."""

    def __init__(self, recorder: RunRecorder):
        super().__init__(daemon=True, name="jimu-log-follower")
        self.recorder = recorder
        self.files: dict[str, tuple[Path, int]] = {}  # node -> (log file, bytes already sent)
        self._stopping = threading.Event()

    def follow(self, node: str, path: Path) -> None:
        self.files[node] = (path, 0)  # a retry rewrites the log from its start
        if not self.is_alive() and not self._stopping.is_set():
            self.start()

    def drain(self, node: str) -> None:
        """Send what the node's log holds still, the last line too; then stop following it."""
        if node in self.files:
            self._read(node, final=True)
            del self.files[node]

    def stop(self) -> None:
        for node in list(self.files):
            self.drain(node)
        self._stopping.set()

    def run(self) -> None:
        while not self._stopping.wait(LOG_POLL_SECONDS):
            with self.recorder.lock:
                for node in list(self.files):
                    self._read(node, final=False)

    def _read(self, node: str, final: bool) -> None:
        path, offset = self.files[node]
        try:
            with path.open("rb") as handle:
                handle.seek(offset)
                data = handle.read()
        except OSError:  # not created yet
            return
        lines = data.split(b"\n")
        rest = lines.pop()  # after the last newline: a line being written
        if final and rest:
            lines.append(rest)
            rest = b""
        for line in lines:
            self.recorder.log_line(node, line.decode("utf-8", errors="replace").rstrip("\r"))
        self.files[node] = (path, offset + len(data) - len(rest))


def execute_request(folder: Path | str) -> int:
    """Run the request recorded in `folder`; 0 when the run succeeded, 1 otherwise."""
    folder = Path(folder)
    with owning(folder):
        recorder = RunRecorder(folder)
        recorder.run_event("running")
        try:
            final, error = _execute(read_request(folder), recorder)
        except KeyboardInterrupt:  # SIGTERM/SIGINT before or after Airflow's part of the run
            final, error = "stopped", "stopped before its nodes ran"
        except JimuError as exc:
            final, error = "failed", str(exc)
        except Exception as exc:  # recorded, never lost: the run must end with a state and a reason
            final, error = "failed", f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=8)}"
        recorder.run_event(final, error=error)
    return 0 if final == "success" else 1


def _execute(request: dict, recorder: RunRecorder) -> tuple[str, str | None]:
    import json

    from jimu.catalog_cache import cached_catalog
    from jimu.run.local import run_pipeline_locally
    from jimu.validate import validate_pipeline_json

    catalog = cached_catalog()  # as `jimu run` builds it: built-ins, $JIMU_COMPONENT_PATH, the store
    report = validate_pipeline_json(json.dumps(request["spec"]), catalog)
    if not report.ok:
        issues = [str(issue) for issue in report.issues if issue.severity == "error"]
        return "failed", "the pipeline is not valid:\n" + "\n".join(f"  {issue}" for issue in issues)
    spec, params = report.spec, request.get("params") or {}
    recorder.nodes_queued([node.id for node in spec.nodes])
    problems = param_problems(spec, params)
    if problems:
        return "failed", "params are not valid:\n" + "\n".join(f"  {problem}" for problem in problems)
    reuse = None
    if request.get("rerun_of"):
        from jimu.run.rerun import plan_rerun

        reuse = plan_rerun(spec, run_folder(request["rerun_of"]), request["from_node"])
    summary = run_pipeline_locally(
        spec, catalog, params, request.get("source"), out=_say, events=recorder, reuse=reuse)
    if summary.stopped_by:
        return "stopped", f"stopped by {summary.stopped_by}"
    if summary.ok:
        return "success", None
    failed = [outcome.node for outcome in summary.nodes if outcome.state == "failed"]
    return "failed", f"node(s) failed: {', '.join(failed)}" if failed else f"the run ended {summary.state}"


def param_problems(spec, params: object) -> list[str]:
    """What is wrong with a run's pipeline params, one line each naming the param and the fix."""
    from jimu.validate.rules_params import schema_validator

    if not isinstance(params, dict):
        return ["params: expected an object of pipeline param values"]
    problems = []
    for name, value in sorted(params.items()):
        if name not in spec.params:
            known = ", ".join(sorted(spec.params)) or "none"
            problems.append(f"param {name!r}: pipeline {spec.id!r} has no such param; use one of: {known}")
            continue
        for err in schema_validator(spec.params[name]).iter_errors(value):
            problems.append(f"param {name!r}: {value!r}: {err.message}; give a value that fits its schema")
    return problems


def _say(text: str) -> None:
    print(text, flush=True)


def _stop(signum, frame) -> None:
    raise KeyboardInterrupt(f"stopped by {signal.Signals(signum).name}")


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m jimu.run.execute RUN_FOLDER", file=sys.stderr)
        return 2
    signal.signal(signal.SIGTERM, _stop)  # until run_pipeline_locally installs its own
    gc.set_threshold(200_000, 100, 100)  # as `jimu run`: Airflow's many objects make default GC cost seconds
    code = execute_request(Path(args[0]))
    sys.stdout.flush()
    sys.stderr.flush()
    return code


if __name__ == "__main__":
    import os

    os._exit(main())  # skip tearing down Airflow's object graph, as `jimu run` does
