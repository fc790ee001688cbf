"""Talking to the warm runner (jimu.run.runner): where it listens, its messages, and a small client.

One runner per $JIMU_HOME; its files live in $JIMU_HOME/runner/ (a 0700 folder):
  runner.sock  the unix socket it serves (only the same uid is answered, checked with SO_PEERCRED)
  runner.json  {pid, started, socket}: written once it is ready; stale when that pid is gone
  runner.lock  held (flock) for the runner's whole life: one runner per home
  runner.log   its own output; zygote.sock: its fork server

Protocol: one connection per request; the client sends one JSON object on one line, the runner
answers with JSON lines.
  {"kind": "status"}                     -> {"pid", "uptime", "runs_done", "rss_bytes", "running", "queue"}
  {"kind": "run", "file" | "spec", ...}  -> {"job": id, "position": n}, then {"out": line} / {"err": line}
                                            as `jimu run` prints them, then {"end": {"exit": code}}
      file: a pipeline file (as `jimu run FILE`), with "param_args": ["name=value", ...]
      spec: a pipeline as JSON (object or text), with "params": {...} and "source" (for the DAG header)
      also: "components" (extra folders), "verbose" (Airflow's own output too), "cwd", "env"
  {"kind": "execute", "folder": path}    -> {"job": id}: jimu.run.execute.execute_request(folder), queued
  {"kind": "wait", "job": id}             -> {"end": {"exit": code}} once the job ended (the last 1,000 are kept)
  {"kind": "stop", "job": id, "signal": "SIGTERM"|"SIGINT"} -> {"job", "was": "running"|"queued"|"unknown"}
  {"kind": "shutdown"}                   -> {"ok": true}; the runner stops its job and exits
Any request can be answered with {"error": message}.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from jimu.home import jimu_home

READY_TIMEOUT_SECONDS = 120.0
# The runner's exit code when another runner holds the home's lock (a race of two starters): wait for that one.
ALREADY_RUNNING_EXIT = 3
MAX_LINE_BYTES = 16 << 20


class RunnerError(OSError):
    """The runner refused a request or went away in the middle of one."""


def runner_dir(home: Path | None = None) -> Path:
    return (home or jimu_home()) / "runner"


def make_runner_dir(home: Path | None = None) -> Path:
    folder = runner_dir(home)
    folder.mkdir(parents=True, exist_ok=True)
    os.chmod(folder, 0o700)  # sockets inside: only this user may reach them
    return folder


def socket_path(home: Path | None = None) -> Path:
    return runner_dir(home) / "runner.sock"


def info_path(home: Path | None = None) -> Path:
    return runner_dir(home) / "runner.json"


def log_path(home: Path | None = None) -> Path:
    return runner_dir(home) / "runner.log"


def read_info(home: Path | None = None) -> dict | None:
    try:
        info = json.loads(info_path(home).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return info if isinstance(info, dict) and isinstance(info.get("pid"), int) else None


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    stat = Path(f"/proc/{pid}/stat")
    try:  # a zombie is gone for our purposes
        return stat.read_bytes().rsplit(b")", 1)[1].split()[0] not in (b"Z", b"X")
    except (OSError, IndexError):
        return True


def remove_stale_files(home: Path | None = None) -> dict | None:
    """Remove runner.json and runner.sock left by a runner that died; returns what the stale file said."""
    info = read_info(home)
    if info is not None and pid_alive(info["pid"]):
        return None
    for path in (info_path(home), socket_path(home)):
        path.unlink(missing_ok=True)
    return info


def send_line(sock: socket.socket, message: dict) -> None:
    sock.sendall((json.dumps(message) + "\n").encode())


class LineReader:
    """JSON messages, one per line, from a socket."""

    def __init__(self, sock: socket.socket):
        self.sock, self.buffer = sock, b""

    def __iter__(self):
        return self

    def __next__(self) -> dict:
        while b"\n" not in self.buffer:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise StopIteration
            self.buffer += chunk
            if len(self.buffer) > MAX_LINE_BYTES:
                raise RunnerError("a message from the runner is too long")
        line, _, self.buffer = self.buffer.partition(b"\n")
        return json.loads(line)


@dataclass(frozen=True)
class RunnerClient:
    """Requests to the warm runner of a Jimu home; each opens its own connection."""

    socket: Path
    pid: int
    started: float

    @classmethod
    def connect(cls, home: Path | None = None) -> RunnerClient | None:
        """A client of the runner that serves this home, or None when none is up."""
        info = read_info(home)
        if info is None or not pid_alive(info["pid"]):
            return None
        client = cls(Path(info.get("socket") or socket_path(home)), info["pid"], float(info.get("started", 0)))
        try:
            client.status()
        except OSError:
            return None
        return client

    def request(self, message: dict, timeout: float | None = 30.0) -> tuple[socket.socket, LineReader]:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            sock.settimeout(timeout)
            sock.connect(str(self.socket))
            send_line(sock, message)
        except OSError:
            sock.close()
            raise
        return sock, LineReader(sock)

    def ask(self, message: dict, timeout: float | None = 30.0) -> dict:
        """One request, one answer."""
        sock, reader = self.request(message, timeout)
        with sock:
            reply = next(reader, None)
        if reply is None:
            raise RunnerError(f"the runner (pid {self.pid}) closed the connection without answering")
        if "error" in reply:
            raise RunnerError(reply["error"])
        return reply

    def status(self) -> dict:
        return self.ask({"kind": "status"})

    def execute(self, folder: Path | str) -> str:
        """Queue jimu.run.execute.execute_request(folder); returns the job id at once."""
        return self.ask({"kind": "execute", "folder": str(Path(folder).absolute())})["job"]

    def wait(self, job: str) -> int:
        """Block until a job ended; its exit code."""
        return self.ask({"kind": "wait", "job": job}, timeout=None)["end"]["exit"]

    def stop(self, job: str, signal_name: str = "SIGTERM") -> str:
        """Stop a job as SIGTERM (or SIGINT) stops a cold `jimu run`; 'running', 'queued' or 'unknown'."""
        return self.ask({"kind": "stop", "job": job, "signal": signal_name})["was"]

    def shutdown(self) -> None:
        self.ask({"kind": "shutdown"})

    def run(self, job: dict):
        """Start a `run` job; yields its messages: {"job"}, then {"out"}/{"err"} lines, then {"end"}."""
        sock, reader = self.request({"kind": "run", **job}, timeout=None)
        with sock:
            for message in reader:
                if "error" in message:
                    raise RunnerError(message["error"])
                yield message
                if "end" in message:
                    return
        raise RunnerError(f"the runner (pid {self.pid}) went away before the run ended")

    def uptime_text(self) -> str:
        seconds = max(0, time.time() - self.started)
        if seconds < 120:
            return f"{seconds:.0f} s"
        if seconds < 7200:
            return f"{seconds / 60:.0f} min"
        return f"{seconds / 3600:.1f} h"


def start_runner(home: Path | None = None, timeout: float = READY_TIMEOUT_SECONDS) -> RunnerClient:
    """Start a runner in the background (its own session) and wait until it answers."""
    home = home or jimu_home()
    folder = make_runner_dir(home)
    remove_stale_files(home)
    env = {**os.environ, "JIMU_HOME": str(home)}
    with open(folder / "runner.log", "ab") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "jimu.run.runner"], stdin=subprocess.DEVNULL, stdout=log, stderr=log,
            env=env, start_new_session=True, cwd=str(home),
        )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        client = RunnerClient.connect(home)
        if client is not None:
            return client
        if process.poll() is not None and process.returncode != ALREADY_RUNNING_EXIT:
            tail = log_path(home).read_text(encoding="utf-8", errors="replace").splitlines()[-15:]
            raise RunnerError(f"the runner exited with code {process.returncode} while starting:\n" + "\n".join(tail))
        time.sleep(0.1)
    raise RunnerError(f"the runner did not answer within {timeout:g} s; see {log_path(home)}")


def ensure_runner(home: Path | None = None, timeout: float = READY_TIMEOUT_SECONDS) -> RunnerClient:
    """The runner of this home, started when none is up; returns once it answers."""
    return RunnerClient.connect(home) or start_runner(home, timeout)
