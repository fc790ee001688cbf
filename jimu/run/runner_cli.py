"""`jimu run` on the warm runner, and `jimu runner start|status|stop`.

Kept light: `jimu run` with a runner up imports nothing of Airflow, pandas or pydantic.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path

from jimu.run.runner_protocol import (
    RunnerClient,
    RunnerError,
    log_path,
    pid_alive,
    remove_stale_files,
    start_runner,
)

# The runner's own settings: a job runs with the client's environment except these.
RUNNER_ONLY_ENV = ("JIMU_HOME", "JIMU_ZYGOTE", "JIMU_PROGRESS_FILE")


def client_env() -> dict[str, str]:
    return {key: value for key, value in os.environ.items() if key not in RUNNER_ONLY_ENV and not key.startswith("AIRFLOW")}


def run_on_warm_runner(args) -> int | None:
    """`jimu run` through the warm runner when one is up; None when none is (the caller runs cold)."""
    client = RunnerClient.connect()
    if client is None:
        return None
    job = {
        "file": str(Path(args.file).absolute()),
        "param_args": list(args.param),
        "logical_date": getattr(args, "logical_date", None),
        "components": [str(Path(folder).absolute()) for folder in args.components],
        "verbose": bool(args.verbose),
        "cwd": os.getcwd(),
        "env": client_env(),
    }
    try:
        messages = client.run(job)
        first = next(messages)
    except (OSError, StopIteration) as exc:  # it went away or is restarting: run cold, as without one
        print(f"jimu: the warm runner (pid {client.pid}) did not take the run ({exc}); running here", file=sys.stderr)
        return None
    print(f"jimu: using the warm runner (pid {client.pid}, up {client.uptime_text()})", flush=True)
    return _follow(client, first["job"], messages)


def _follow(client: RunnerClient, job: str, messages) -> int:
    """Print the job's output; Ctrl-C or SIGTERM stops the job (twice: at once), as in a cold run."""
    def stop(signum, frame):
        try:
            client.stop(job, signal.Signals(signum).name)
        except OSError as exc:
            print(f"jimu: could not stop job {job} on the runner: {exc}", file=sys.stderr)

    previous = {signum: signal.signal(signum, stop) for signum in (signal.SIGINT, signal.SIGTERM)}
    try:
        for message in messages:
            if "out" in message:
                print(message["out"], flush=True)
            elif "err" in message:
                print(message["err"], file=sys.stderr, flush=True)
            elif "end" in message:
                return int(message["end"]["exit"])
    except RunnerError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    return 1


def runner_command(action: str, foreground: bool = False) -> int:
    if action == "start":
        return _start(foreground)
    if action == "stop":
        return _stop()
    return _status()


def _start(foreground: bool) -> int:
    client = RunnerClient.connect()
    if client is not None:
        print(f"jimu: a runner is already up (pid {client.pid}, up {client.uptime_text()})")
        return 0
    if foreground:
        from jimu.run.runner import serve

        return serve()
    try:
        client = start_runner()
    except RunnerError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"jimu: runner started (pid {client.pid}); its log: {log_path()}")
    return 0


def _status() -> int:
    client = RunnerClient.connect()
    if client is None:
        stale = remove_stale_files()
        if stale:
            print(f"jimu: no runner is up (removed the stale files of pid {stale['pid']}, which is gone)")
        else:
            print("jimu: no runner is up; `jimu runner start` starts one")
        return 1
    status = client.status()
    queue = ", ".join(status["queue"]) or "empty"
    print(f"pid:       {status['pid']}")
    print(f"up:        {client.uptime_text()}")
    print(f"runs done: {status['runs_done']}")
    print(f"memory:    {status['rss_bytes'] / 2**20:.0f} MB")
    print(f"running:   {status['running'] or 'nothing'}")
    print(f"queue:     {queue}")
    return 0


def _stop() -> int:
    client = RunnerClient.connect()
    if client is None:
        remove_stale_files()
        print("jimu: no runner is up")
        return 0
    try:
        client.shutdown()
    except OSError:
        pass
    deadline = time.monotonic() + 30
    while pid_alive(client.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    if pid_alive(client.pid):
        os.kill(client.pid, signal.SIGKILL)
    remove_stale_files()
    print(f"jimu: runner stopped (pid {client.pid})")
    return 0
