"""A real Airflow 3 (`airflow standalone`: scheduler, dag-processor, triggerer, api-server with the
LocalExecutor on SQLite) in a throwaway home, driven through its REST API like a data engineer would.

Every port is a free loopback one (the log servers' fixed defaults would clash with a second Airflow),
and stopping it ends each process it started, by pid: standalone leaves its children on SIGTERM.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.plugins.airflow_server import USERS, free_port, server_env, stop_process_tree

# USERS plus an admin: pools and connections are a platform team's to create (SimpleAuthManager roles).
REAL_AIRFLOW_USERS = {**USERS, "platform": ("admin", "platform-password")}
START_TIMEOUT = 240.0
RUN_TIMEOUT = 300.0
FINISHED = {"success", "failed"}


@dataclass
class RealAirflow:
    base_url: str
    dags_folder: Path
    log_file: Path
    process: subprocess.Popen

    def client(self, user: str = "editor") -> httpx.Client:
        """An API client logged in as one of USERS (a JWT from POST /auth/token)."""
        token = httpx.post(f"{self.base_url}/auth/token", timeout=60,
                           json={"username": user, "password": REAL_AIRFLOW_USERS[user][1]}).json()["access_token"]
        return httpx.Client(base_url=f"{self.base_url}/api/v2", timeout=60,
                            headers={"Authorization": f"Bearer {token}"})

    def log_tail(self, lines: int = 80) -> str:
        try:
            return "\n".join(self.log_file.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"


def wait_for_dag(api: httpx.Client, dag_id: str, timeout: float = START_TIMEOUT) -> None:
    """Until the dag-processor has parsed the file and the DAG is known to the API."""
    deadline = time.monotonic() + timeout
    while api.get(f"/dags/{dag_id}").status_code != 200:
        if time.monotonic() > deadline:
            raise TimeoutError(f"DAG {dag_id} not parsed after {timeout:.0f} s")
        time.sleep(1)


def trigger(api: httpx.Client, dag_id: str, logical_date: str, conf: dict | None = None) -> str:
    """Unpause the DAG and start a run for `logical_date`; answers its run id."""
    api.patch(f"/dags/{dag_id}", json={"is_paused": False}).raise_for_status()
    response = api.post(f"/dags/{dag_id}/dagRuns", json={"logical_date": logical_date, "conf": conf or {}})
    response.raise_for_status()
    return response.json()["dag_run_id"]


def wait_for_run(api: httpx.Client, dag_id: str, run_id: str, timeout: float = RUN_TIMEOUT) -> dict:
    """The run once it has finished: its state, and each task's."""
    deadline = time.monotonic() + timeout
    while True:
        run = api.get(f"/dags/{dag_id}/dagRuns/{run_id}").json()
        if run["state"] in FINISHED:
            tasks = api.get(f"/dags/{dag_id}/dagRuns/{run_id}/taskInstances").json()["task_instances"]
            return {"state": run["state"], "tasks": {t["task_id"]: t["state"] for t in tasks}}
        if time.monotonic() > deadline:
            raise TimeoutError(f"run {run_id} of {dag_id} still {run['state']} after {timeout:.0f} s")
        time.sleep(1)


@contextmanager
def running_real_airflow(root: Path, jimu_home: Path, extra_env: dict[str, str] | None = None):
    """`airflow standalone` in `root` until the block ends; its tasks use `jimu_home`.

    `extra_env` reaches every Airflow process (e.g. AIRFLOW_CONN_* connections for alerts).
    """
    env = server_env(root)
    passwords = root / "passwords.json"
    passwords.write_text(json.dumps({name: password for name, (_, password) in REAL_AIRFLOW_USERS.items()}))
    port = free_port()
    env.update({
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": ",".join(
            f"{name}:{role}" for name, (role, _) in REAL_AIRFLOW_USERS.items()),
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": str(passwords),
        **(extra_env or {}),
        "JIMU_HOME": str(jimu_home),
        "AIRFLOW__CORE__EXECUTOR": "LocalExecutor",
        "AIRFLOW__CORE__PARALLELISM": "4",
        "AIRFLOW__API__HOST": "127.0.0.1",
        "AIRFLOW__API__PORT": str(port),
        "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"http://127.0.0.1:{port}/execution/",
        "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": str(free_port()),
        "AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT": str(free_port()),
        "AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL": "5",
    })
    dags = Path(env["AIRFLOW__CORE__DAGS_FOLDER"])
    dags.mkdir(parents=True, exist_ok=True)
    log_file = root / "standalone.log"
    with open(log_file, "wb") as log:
        process = subprocess.Popen([str(Path(sys.executable).parent / "airflow"), "standalone"], env=env,
                                   stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                   start_new_session=True)
    airflow = RealAirflow(f"http://127.0.0.1:{port}", dags, log_file, process)
    try:
        _wait_healthy(airflow)
        yield airflow
    finally:
        leftovers = _after_kill(stop_process_tree(process))
        if leftovers:
            raise RuntimeError(f"airflow standalone processes still alive after SIGKILL: {leftovers}")


def _wait_healthy(airflow: RealAirflow) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        try:
            health = httpx.get(f"{airflow.base_url}/api/v2/monitor/health", timeout=10)
            if health.status_code == 200 and health.json().get("scheduler", {}).get("status") == "healthy":
                return
        except httpx.TransportError:
            pass
        if airflow.process.poll() is not None:
            raise RuntimeError(f"airflow standalone exited with {airflow.process.returncode}:\n{airflow.log_tail()}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"airflow standalone not healthy after {START_TIMEOUT:.0f} s:\n{airflow.log_tail()}")
        time.sleep(1)


def _after_kill(pids: set[int], timeout: float = 10.0) -> set[int]:
    """The pids still alive after up to `timeout`: on a loaded machine a SIGKILLed process takes a moment to go."""
    deadline = time.monotonic() + timeout
    while pids and time.monotonic() < deadline:
        time.sleep(0.2)
        pids = {pid for pid in pids if _alive(pid)}
    return pids


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")
