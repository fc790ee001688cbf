"""The editor's run service: start, queue, stop, read and rerun runs.

Runs queue in a small SQLite table beside the records and execute one at a time per
executor. An executor runs `jimu.run.execute` for a run folder somewhere; ColdExecutor
starts one fresh process per run (a warm executor reuses a long-lived runner instead).
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from contextlib import closing
from pathlib import Path
from typing import Protocol

from jimu.run.records import (
    FINAL_STATES,
    EventLog,
    create_run,
    list_runs,
    read_events,
    read_request,
    read_state,
    run_folder,
    runs_root,
    write_state,
)

QUEUE_FILE = "queue.sqlite"


class Executor(Protocol):
    def submit(self, folder: Path) -> object:
        """Start executing the run in `folder`; a handle for stop() and wait()."""

    def stop(self, handle: object) -> None:
        """Ask the run to stop (its running node's process group with it); returns at once."""

    def wait(self, handle: object) -> int:
        """Block until the run's execution ended; its exit status (negative: killed by that signal)."""


class ColdExecutor:
    """One `python -m jimu.run.execute FOLDER` process per run, in a process group of its own."""

    def submit(self, folder: Path) -> subprocess.Popen:
        with (folder / "execute.log").open("ab") as log:
            return subprocess.Popen(
                [sys.executable, "-m", "jimu.run.execute", str(folder)],
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )

    def stop(self, handle: subprocess.Popen) -> None:
        # The run turns SIGTERM into "stop the node's process group, no other node starts".
        try:
            os.killpg(handle.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass

    def wait(self, handle: subprocess.Popen) -> int:
        return handle.wait()


class WarmExecutor:
    """Each run is an `execute` job of the home's warm runner (jimu.run.runner), started on first use.

    The runner has Airflow, its Execution API and a zygote with pandas & co ready, so a run
    starts in a fraction of a second instead of ~9 s. A runner that cannot start or went away
    is reported as a failed submit or wait; the run service then records the run as failed.
    """

    def __init__(self, home: Path | None = None):
        self.home = home
        self.started = None  # the runner this executor started, stopped by close()
        self._lock = threading.Lock()

    def client(self):
        """The home's runner; started (and waited for) when none is up."""
        from jimu.run.runner_protocol import RunnerClient, start_runner

        with self._lock:
            client = RunnerClient.connect(self.home)
            if client is None:
                client = self.started = start_runner(self.home)
            return client

    def close(self) -> None:
        """Stop the runner this executor started (one started by `jimu runner start` stays)."""
        with self._lock:
            started, self.started = self.started, None
        if started is not None:
            try:
                started.shutdown()
            except OSError:
                pass

    def submit(self, folder: Path) -> tuple:
        client = self.client()
        return client, client.execute(folder)

    def stop(self, handle: tuple) -> None:
        client, job = handle
        try:
            client.stop(job)
        except OSError:  # the runner is gone: so is the run
            pass

    def wait(self, handle: tuple) -> int:
        client, job = handle
        try:
            return client.wait(job)
        except OSError:
            return 1


class RunQueue:
    """Runs waiting for the executor, oldest first; kept in SQLite so two services never take the same one."""

    def __init__(self, path: Path):
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.execute("CREATE TABLE IF NOT EXISTS queue (run_id TEXT PRIMARY KEY, enqueued REAL, started REAL)")

    def _connect(self):
        return closing(sqlite3.connect(self.path, timeout=30, isolation_level=None))

    def add(self, run_id: str) -> None:
        with self._connect() as db:
            db.execute("INSERT INTO queue VALUES (?, ?, NULL)", (run_id, time.time()))

    def take(self) -> str | None:
        """The oldest waiting run, now marked started; None when none waits."""
        with self._connect() as db:
            db.execute("BEGIN IMMEDIATE")
            row = db.execute("SELECT run_id FROM queue WHERE started IS NULL ORDER BY enqueued LIMIT 1").fetchone()
            if row is not None:
                db.execute("UPDATE queue SET started = ? WHERE run_id = ?", (time.time(), row[0]))
            db.execute("COMMIT")
        return row[0] if row else None

    def remove(self, run_id: str, waiting_only: bool = False) -> bool:
        """Drop a run from the queue; True when it was there (and, with waiting_only, not started)."""
        query = "DELETE FROM queue WHERE run_id = ?" + (" AND started IS NULL" if waiting_only else "")
        with self._connect() as db:
            return db.execute(query, (run_id,)).rowcount > 0


class RunService:
    """What the routes call; every method takes and returns plain values."""

    def __init__(self, executor: Executor | None = None, root: Path | None = None):
        self.root = root or runs_root()
        self.executor = executor or ColdExecutor()
        self.queue = RunQueue(self.root / QUEUE_FILE)
        self._lock = threading.Condition()
        self._current: tuple[str, object] | None = None  # the run executing now and its handle
        self._stopping: set[str] = set()
        self._worker: threading.Thread | None = None

    def start(self, spec: dict, params: dict, source: str | None = None,
              rerun_of: str | None = None, from_node: str | None = None) -> str:
        """Queue a run of `spec` (checked when it executes: an invalid spec makes a failed run); its id."""
        if rerun_of is not None:
            self._check_rerun(spec, rerun_of, from_node)
        folder = create_run(spec, params, source=source, rerun_of=rerun_of, from_node=from_node, root=self.root)
        EventLog(folder).append({"type": "run", "state": "queued"})
        with self._lock:
            self.queue.add(folder.name)
            if self._worker is None:
                self._worker = threading.Thread(target=self._work, daemon=True, name="jimu-run-queue")
                self._worker.start()
            self._lock.notify_all()
        return folder.name

    def rerun(self, run_id: str, from_node: str, spec: dict | None = None, params: dict | None = None) -> str:
        """Run `from_node` and its downstream nodes again, reusing the earlier run's other outputs."""
        request = read_request(run_folder(run_id, self.root))
        return self.start(spec or request["spec"], request["params"] if params is None else params,
                          request.get("source"), rerun_of=run_id, from_node=from_node)

    def stop(self, run_id: str) -> dict:
        """Stop a queued or running run; a finished run is left as it is. Its state."""
        folder = run_folder(run_id, self.root)
        with self._lock:
            if self._current is not None and self._current[0] == run_id:
                self._stopping.add(run_id)
                self.executor.stop(self._current[1])
            elif self.queue.remove(run_id, waiting_only=True):
                _end_run(folder, "stopped", "stopped before it started")
        return read_state(folder)

    def close(self) -> None:
        """Let go of the executor's resources (a warm runner it started); queued runs stay queued."""
        close = getattr(self.executor, "close", None)
        if close is not None:
            close()

    def get(self, run_id: str) -> dict:
        return read_state(run_folder(run_id, self.root))

    def list(self, pipeline: str | None = None) -> list[dict]:
        return list_runs(pipeline, self.root)

    def events(self, run_id: str, after: int = 0) -> list[tuple[int, dict]]:
        return read_events(run_folder(run_id, self.root), after)[0]

    def folder(self, run_id: str) -> Path:
        return run_folder(run_id, self.root)

    def _check_rerun(self, spec: dict, rerun_of: str, from_node: str | None) -> None:
        from pydantic import ValidationError

        from jimu.run.rerun import RerunRefused, plan_rerun
        from jimu.spec import PipelineSpec

        earlier = run_folder(rerun_of, self.root)
        if not isinstance(from_node, str):
            raise RerunRefused("a rerun needs from_node: the node to run again with everything downstream of it")
        try:
            parsed = PipelineSpec.model_validate(spec)
        except ValidationError as exc:
            raise RerunRefused(f"the pipeline to rerun is not valid: {exc.errors()[0]['msg']}; validate it first") from None
        plan_rerun(parsed, earlier, from_node)

    def _work(self) -> None:
        while True:
            with self._lock:
                run_id = self.queue.take()
                while run_id is None:
                    if not self._lock.wait(timeout=60):
                        self._worker = None  # idle: the next start() starts a new worker
                        return
                    run_id = self.queue.take()
                folder = self.root / run_id
                try:
                    handle = self.executor.submit(folder)
                except Exception as exc:  # could not even start: the run ends here, the queue goes on
                    self.queue.remove(run_id)
                    _end_run(folder, "failed", f"could not start the run: {exc}")
                    continue
                self._current = (run_id, handle)
            code = self.executor.wait(handle)
            with self._lock:
                self._current = None
                self.queue.remove(run_id)
                stopped = run_id in self._stopping
                self._stopping.discard(run_id)
            _settle(folder, code, stopped)


def _settle(folder: Path, code: int, stopped: bool) -> None:
    """After the executing process ended: a run it left without a final state gets one."""
    state = read_state(folder)
    if state["state"] in FINAL_STATES and state.get("ended"):
        return
    if stopped:
        _end_run(folder, "stopped", "stopped before it could record its end")
    else:
        how = f"was killed by signal {-code}" if code < 0 else f"exited with code {code}"
        _end_run(folder, "failed", f"the process executing the run {how}; see {folder / 'execute.log'}")


def _end_run(folder: Path, state: str, error: str) -> None:
    """Write a final state for a run no process executes (never started, or its process died)."""
    record = read_state(folder)
    now = time.time()
    for node in record["nodes"].values():
        if node.get("state") in ("queued", "running"):
            node.update(state="not_run" if node["state"] == "queued" else "failed", reason=f"the run was {state}")
    record.update(state=state, error=error, ended=now,
                  seconds=round(now - record["started"], 3) if record.get("started") else None)
    write_state(folder, record)
    EventLog(folder).append({"type": "run", "state": state, "error": error})
