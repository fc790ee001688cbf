"""A real `airflow api-server` in a throwaway home, with the jimu plugin found by its entry point.

Shared by the plugin tests and benchmarks/bench_plugin.py. The server gets its own process
group; stopping it stops every process it started (the api-server leaves children on SIGTERM),
found by process group and by a /proc walk of its descendants.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

SIMPLE_AUTH_MANAGER = "airflow.api_fastapi.auth.managers.simple.simple_auth_manager.SimpleAuthManager"
# SimpleAuthManager roles: "user" may edit DAGs (PUT), "viewer" may only read them.
USERS = {"editor": ("user", "editor-password"), "viewer": ("viewer", "viewer-password")}
START_TIMEOUT = 180.0
STOP_GRACE = 10.0


@dataclass
class AirflowServer:
    base_url: str
    home: Path
    log_file: Path
    process: subprocess.Popen

    def token(self, user: str) -> str:
        """A JWT from `POST /auth/token` for one of USERS."""
        response = httpx.post(
            f"{self.base_url}/auth/token",
            json={"username": user, "password": USERS[user][1]},
            timeout=30,
        )
        assert response.status_code == 201, response.text
        return response.json()["access_token"]

    def log_tail(self, lines: int = 60) -> str:
        try:
            text = self.log_file.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(root: Path, plugins_folder: Path | None = None) -> dict[str, str]:
    """Environment of a project-local Airflow: its own home, SQLite DB, dags folder and users."""
    airflow_home = root / "airflow"
    airflow_home.mkdir(parents=True, exist_ok=True)
    passwords = root / "passwords.json"
    passwords.write_text(json.dumps({name: password for name, (_, password) in USERS.items()}))
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("AIRFLOW__", "JIMU_", "PYTEST_")) and key != "AIRFLOW_HOME"
    }
    env.update(
        {
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
            "JIMU_HOME": str(root / "jimu"),
            "AIRFLOW_HOME": str(airflow_home),
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{airflow_home / 'airflow.db'}",
            "AIRFLOW__CORE__DAGS_FOLDER": str(root / "dags"),
            "AIRFLOW__CORE__PLUGINS_FOLDER": str(plugins_folder or root / "plugins"),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__CORE__AUTH_MANAGER": SIMPLE_AUTH_MANAGER,
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": ",".join(
                f"{name}:{role}" for name, (role, _) in USERS.items()
            ),
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": str(passwords),
            "AIRFLOW__API_AUTH__JWT_SECRET": "jimu-plugin-tests-only",
            "AIRFLOW__JIMU__WORKSPACE": str(root / "workspace"),
            "AIRFLOW__JIMU__WARM_RUNS": "False",  # these tests start no runs: no runner to start and stop
            "DO_NOT_TRACK": "1",
            "SCARF_NO_ANALYTICS": "1",
            "AIRFLOW__DAG_FACTORY__ENABLE_TELEMETRY": "False",
        }
    )
    return env


@contextmanager
def running_airflow_server(root: Path, plugins_folder: Path | None = None):
    """`airflow db migrate`, then `airflow api-server` on a free loopback port until the block ends."""
    env = server_env(root, plugins_folder)
    log_file = root / "api-server.log"
    airflow = str(Path(sys.executable).parent / "airflow")
    migrate = subprocess.run([airflow, "db", "migrate"], env=env, capture_output=True, text=True)
    if migrate.returncode != 0:
        raise RuntimeError(f"airflow db migrate failed:\n{migrate.stdout[-3000:]}\n{migrate.stderr[-3000:]}")
    port = free_port()
    with open(log_file, "wb") as log:
        process = subprocess.Popen(
            [airflow, "api-server", "--host", "127.0.0.1", "--port", str(port), "--workers", "1"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    server = AirflowServer(f"http://127.0.0.1:{port}", Path(env["AIRFLOW_HOME"]), log_file, process)
    try:
        wait_until_healthy(server)
        yield server
    finally:
        leftovers = stop_process_tree(process)
        if leftovers:
            raise RuntimeError(f"api-server processes still alive after SIGKILL: {leftovers}")


def wait_until_healthy(server: AirflowServer, timeout: float = START_TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            if httpx.get(f"{server.base_url}/api/v2/monitor/health", timeout=5).status_code == 200:
                return
        except httpx.TransportError:
            pass
        if server.process.poll() is not None:
            raise RuntimeError(f"api-server exited with {server.process.returncode}:\n{server.log_tail()}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"api-server not healthy after {timeout:.0f} s:\n{server.log_tail()}")
        time.sleep(0.2)


def _proc_stat(pid: str) -> tuple[str, int, int] | None:
    """(state, parent pid, process group) of a process, from /proc/<pid>/stat."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            fields = handle.read().rsplit(b")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return fields[0].decode(), int(fields[1]), int(fields[2])


def process_tree(root_pid: int) -> set[int]:
    """Live processes descending from root_pid or sharing its process group (zombies excluded)."""
    stats = {int(pid): stat for pid in os.listdir("/proc") if pid.isdigit() and (stat := _proc_stat(pid))}
    live = {pid for pid, (state, _, _) in stats.items() if state not in ("Z", "X")}
    tree = {pid for pid in live if stats[pid][2] == root_pid} | ({root_pid} & live)
    frontier = [root_pid]
    while frontier:
        parent = frontier.pop()
        for pid, (_, ppid, _) in stats.items():
            if ppid == parent and pid not in tree:
                frontier.append(pid)
                if pid in live:
                    tree.add(pid)
    return tree


def stop_process_tree(process: subprocess.Popen, grace: float = STOP_GRACE) -> set[int]:
    """SIGTERM the server and each process it started, SIGKILL what is left after grace; the survivors."""
    members = process_tree(process.pid)
    _signal_each(members, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        process.poll()  # reap our own child so it does not linger as a zombie
        members = (members | process_tree(process.pid)) & _live_pids()
        if not members:
            break
        time.sleep(0.1)
    _signal_each(members, signal.SIGKILL)
    try:
        process.wait(5)
    except subprocess.TimeoutExpired:
        pass
    # A killed process takes a moment to go on a loaded machine (its memory is freed first).
    deadline = time.monotonic() + 5
    while (left := (members | process_tree(process.pid)) & _live_pids()) and time.monotonic() < deadline:
        time.sleep(0.1)
    return left


def _live_pids() -> set[int]:
    return {
        int(pid)
        for pid in os.listdir("/proc")
        if pid.isdigit() and (stat := _proc_stat(pid)) and stat[0] not in ("Z", "X")
    }


def _signal_each(pids: set[int], signum: int) -> None:
    for pid in pids:
        try:
            os.kill(pid, signum)
        except ProcessLookupError:
            pass
