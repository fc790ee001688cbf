"""Local managed deployments: one background server per name under $JIMU_HOME/deployments/<name>/.

    state.json         {name, pid, port, url, model_uri, digest, started, log}
    server-<stamp>.log the server's output (its tail is shown when it fails to start)

Servers bind 127.0.0.1 only. Re-deploying a name starts the new server on the same port
(SO_REUSEPORT), waits until it answers on its own private port, then stops the old one:
the URL stays the same and requests keep being answered during the switch.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx

from jimu.airflow_env import jimu_home
from jimu.errors import JimuError
from jimu.files import write_atomically
from jimu.refs import DEPLOYMENT_NAME
from jimu.runtime.served import RECORD_FILE

HOST = "127.0.0.1"
STATE_FILE = RECORD_FILE  # the record jimu.runtime.served reads: which model a name serves
SERVER_MODULE = "jimu.serving.serve"


class DeploymentError(JimuError):
    """A deployment could not be started, found or stopped."""


@dataclass
class Deployment:
    name: str
    pid: int
    port: int
    url: str
    model_uri: str
    digest: str
    started: str
    log: str
    status: str = "alive"


def deployments_dir() -> Path:
    return jimu_home() / "deployments"


def _folder(name: str) -> Path:
    if not DEPLOYMENT_NAME.accepts(name):
        raise DeploymentError(
            f"deployment name {name!r} is not valid: use lowercase letters, digits, '-' and '_', starting with a letter"
        )
    return deployments_dir() / name


def _read_state(name: str) -> Deployment | None:
    path = _folder(name) / STATE_FILE
    try:
        return Deployment(**json.loads(path.read_text(encoding="utf-8")))
    except FileNotFoundError:
        return None


def _is_server(pid: int) -> bool:
    """True while `pid` runs our server (not a zombie, not a recycled pid)."""
    try:
        os.waitpid(pid, os.WNOHANG)  # reaps it if it is our own exited child
    except ChildProcessError:
        pass
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return False  # someone else's process: our pid was recycled
    cmdline = Path(f"/proc/{pid}/cmdline")
    if cmdline.exists():
        try:
            return SERVER_MODULE in cmdline.read_bytes().decode(errors="replace")
        except OSError:
            return False
    return True


def _can_bind(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        try:
            sock.bind((HOST, port))
        except OSError:
            return False
    return True


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def _tail(path: Path, lines: int = 20) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return "(no log)"
    return "\n".join(text.splitlines()[-lines:]) or "(empty log)"


def _absolute(model_uri: str) -> str:
    return model_uri if "://" in model_uri else str(Path(model_uri).absolute())


def _wait_ready(proc: subprocess.Popen, ready_file: Path, log: Path, timeout: float) -> tuple[int, str]:
    """(port, digest) once the new server answers /health on its private port."""
    deadline = time.monotonic() + timeout
    with httpx.Client(timeout=1.0) as client:
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise DeploymentError(f"the server exited with code {proc.returncode} before answering; log tail:\n{_tail(log)}")
            if ready_file.exists():
                ready = json.loads(ready_file.read_text(encoding="utf-8"))
                try:
                    response = client.get(f"http://{HOST}:{ready['health_port']}/health")
                    if response.status_code == 200:
                        return ready["port"], response.json()["digest"]
                except httpx.TransportError:
                    pass
            time.sleep(0.05)
    _terminate(proc.pid)
    raise DeploymentError(f"the server did not answer /health within {timeout:.0f} s; log tail:\n{_tail(log)}")


def deploy(name: str, model_uri: str, *, timeout: float = 60.0) -> Deployment:
    """Serve the model at `model_uri` as `name`; replaces a running deployment of that name in place."""
    folder = _folder(name)
    folder.mkdir(parents=True, exist_ok=True)
    model_uri = _absolute(model_uri)
    old = _read_state(name)
    port = old.port if old and _can_bind(old.port) else _free_port()
    stamp = time.time_ns()
    ready_file, log = folder / f".ready-{stamp}.json", folder / f"server-{stamp}.log"
    command = [
        sys.executable, "-m", SERVER_MODULE, "--model", model_uri, "--host", HOST, "--port", str(port),
        "--reuse-port", "--ready-file", str(ready_file),
    ]
    with open(log, "ab") as out:
        proc = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True, close_fds=True,  # survives the caller; Ctrl-C in a shell does not reach it
        )
    try:
        port, digest = _wait_ready(proc, ready_file, log, timeout)
    finally:
        ready_file.unlink(missing_ok=True)
    _forget(proc)
    deployment = Deployment(
        name=name, pid=proc.pid, port=port, url=f"http://{HOST}:{port}", model_uri=model_uri, digest=digest,
        started=datetime.now(UTC).isoformat(timespec="seconds"), log=str(log),
    )
    write_atomically(folder / STATE_FILE, json.dumps(asdict(deployment), indent=2) + "\n")
    if old and old.pid != proc.pid:
        _terminate(old.pid)
        Path(old.log).unlink(missing_ok=True)
    return deployment


def _forget(proc: subprocess.Popen) -> None:
    # The server outlives this Popen on purpose; reaping happens in _is_server.
    proc.returncode = 0


def list_deployments() -> list[Deployment]:
    """Every deployment with state, each marked alive or dead."""
    found = []
    root = deployments_dir()
    for state in sorted(root.glob(f"*/{STATE_FILE}")) if root.exists() else []:
        deployment = _read_state(state.parent.name)
        if deployment:
            deployment.status = "alive" if _is_server(deployment.pid) else "dead"
            found.append(deployment)
    return found


def _terminate(pid: int, grace: float = 10.0) -> None:
    """SIGTERM (uvicorn finishes requests in flight), SIGKILL after `grace` seconds."""
    if not _is_server(pid):
        return
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        if not _is_server(pid):
            return
        time.sleep(0.05)
    os.kill(pid, signal.SIGKILL)
    while _is_server(pid) and time.monotonic() < deadline + 5:
        time.sleep(0.05)


def stop(name: str) -> Deployment:
    """Stop the server of `name` and forget the deployment."""
    deployment = _read_state(name)
    if deployment is None:
        raise DeploymentError(f"no deployment named {name!r}; see `jimu deployments list`")
    _terminate(deployment.pid)
    folder = _folder(name)
    for path in folder.iterdir():
        path.unlink(missing_ok=True)
    folder.rmdir()
    deployment.status = "stopped"
    return deployment
