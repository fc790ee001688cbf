"""What one job of the warm runner (jimu.run.runner) does in its process: the
client's environment and output, and the `run` and `execute` kinds themselves."""

from __future__ import annotations

import json
import os
import signal
import socket
import sys
import threading
import traceback
from contextlib import contextmanager
from pathlib import Path

from jimu.catalog_cache import cached_catalog
from jimu.run.runner_protocol import send_line
from jimu.run.zygote_client import ZYGOTE_ENV

# Never taken from a client's environment: they are the runner's own.
RUNNER_ENV_KEYS = ("JIMU_HOME", ZYGOTE_ENV, "JIMU_PROGRESS_FILE")


def run_job_in_this_process(request: dict) -> int:
    """A `run` job: what `jimu run` does, printing the same lines (they reach the client)."""
    from jimu.run.command import reporting_errors, run_and_report

    components = [Path(folder) for folder in request.get("components") or []]
    verbose = bool(request.get("verbose"))

    def run() -> int:
        catalog = cached_catalog(components)
        if isinstance(request.get("file"), str):
            logical_date = request.get("logical_date") if isinstance(request.get("logical_date"), str) else None
            return run_and_report(
                Path(request["file"]), list(request.get("param_args") or []), catalog, verbose, logical_date
            )
        return run_spec_and_report(request, catalog, verbose)

    try:
        return reporting_errors(run)
    except Exception:  # noqa: BLE001 - a bug must not end the runner: say it to the client
        traceback.print_exc()
        return 1


def run_spec_and_report(request: dict, catalog, verbose: bool) -> int:
    """A `run` job given the pipeline as JSON (the editor's way)."""
    from jimu.errors import SpecError
    from jimu.run.command import print_run_summary
    from jimu.run.local import run_pipeline_locally
    from jimu.validate import validate_pipeline_json

    spec = request["spec"]
    data = spec if isinstance(spec, str) else json.dumps(spec)
    source = request.get("source") if isinstance(request.get("source"), str) else None
    report = validate_pipeline_json(data, catalog)
    if not report.ok:
        raise SpecError(source or "<request>", report.issues)
    params = request.get("params") if isinstance(request.get("params"), dict) else {}
    summary = run_pipeline_locally(report.spec, catalog, params, source, quiet_airflow=not verbose)
    return print_run_summary(summary)


def execute_job(folder: str) -> int:
    """An `execute` job: jimu.run.execute.execute_request(folder), imported by name at call time."""
    import importlib

    try:
        execute = importlib.import_module("jimu.run.execute")
        result = execute.execute_request(Path(folder))
    except KeyboardInterrupt as exc:
        return 128 + getattr(exc, "signum", signal.SIGINT)
    except Exception:  # noqa: BLE001 - recorded in the runner's log; the run record says the rest
        traceback.print_exc()
        return 1
    return result if isinstance(result, int) else 0


class OutputStream:
    """The job's stdout and stderr (fds 1 and 2) as lines to its client, while it runs."""

    def __init__(self):
        self.conn: socket.socket | None = None
        self.send_lock = threading.Lock()
        self.readers: list[threading.Thread] = []

    def to(self, conn: socket.socket) -> None:
        self.conn = conn

    def follow(self, fd: int, key: str) -> None:
        thread = threading.Thread(target=self._pump, args=(fd, key), daemon=True)
        thread.start()
        self.readers.append(thread)

    def _pump(self, fd: int, key: str) -> None:
        with os.fdopen(fd, "rb") as pipe:
            for raw in pipe:
                line = raw.decode("utf-8", errors="replace").rstrip("\n")
                if self.conn is None:
                    continue
                with self.send_lock:
                    try:
                        send_line(self.conn, {key: line})
                    except OSError:
                        self.conn = None  # the client went away; the job goes on

    def join(self) -> None:
        for thread in self.readers:
            thread.join(timeout=10)


@contextmanager
def job_environment(request: dict):
    """The client's working directory and environment, and fds 1/2 as pipes to it; all restored after."""
    saved_env = dict(os.environ)
    saved_cwd = os.getcwd()
    client_env = request.get("env") if isinstance(request.get("env"), dict) else None
    if client_env is not None:
        keep = {key: saved_env[key] for key in saved_env if key in RUNNER_ENV_KEYS or key.startswith("AIRFLOW")}
        os.environ.clear()
        os.environ.update({str(k): str(v) for k, v in client_env.items()})
        os.environ.update(keep)
    if isinstance(request.get("cwd"), str) and os.path.isdir(request["cwd"]):
        os.chdir(request["cwd"])
    stream = OutputStream()
    sys.stdout.flush()
    sys.stderr.flush()
    saved_fds = os.dup(1), os.dup(2)
    for target, key in ((1, "out"), (2, "err")):
        read_end, write_end = os.pipe()
        os.dup2(write_end, target)
        os.close(write_end)
        stream.follow(read_end, key)
    try:
        yield stream
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os.dup2(saved_fds[0], 1)
        os.dup2(saved_fds[1], 2)
        os.close(saved_fds[0])
        os.close(saved_fds[1])
        stream.join()
        os.chdir(saved_cwd)
        os.environ.clear()
        os.environ.update(saved_env)
