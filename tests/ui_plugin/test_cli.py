"""`jimu ui` as a real process: it serves the API and the page, and guards non-loopback binds."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import time

import httpx
import pytest

from jimu.run.runner_protocol import RunnerClient, pid_alive
from jimu.ui_plugin.frontend import DIST
from tests.ui_plugin.live import free_port, wait_until_up


@pytest.fixture
def ui_env(tmp_path):
    env = {**os.environ, "JIMU_HOME": str(tmp_path / "home"), "PYTHONUNBUFFERED": "1"}
    env.pop("JIMU_UI_TOKEN", None)
    return env


def start(args: list[str], env: dict, runner: bool = False) -> subprocess.Popen:
    """`jimu ui` as a real process; without `runner`, runs would be cold (no runner to wait for)."""
    extra = [] if runner else ["--no-runner"]
    return subprocess.Popen([sys.executable, "-m", "jimu.cli", "ui", *args, *extra], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def stop(process: subprocess.Popen) -> str:
    process.terminate()
    out, _ = process.communicate(timeout=60)
    return out


def test_serves_the_api_and_the_built_editor(ui_env, tmp_path):
    port = free_port()
    opened = tmp_path / "opened.txt"
    ui_env["BROWSER"] = f"{shlex.quote(sys.executable)} -c " + shlex.quote(
        f"import sys; open({str(opened)!r}, 'w').write(sys.argv[1])") + " %s"
    process = start(["--port", str(port), "--open"], ui_env, runner=True)
    runner_pid = None
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until_up(url + "/api/health", process=process)
        assert httpx.get(url + "/api/health").json() == {"status": "ok", "mode": "standalone"}
        page = httpx.get(url + "/")
        # make setup builds the front end; the page is its index.html (tests/ui_plugin/test_frontend.py).
        assert page.status_code == 200 and page.text == (DIST / "index.html").read_text(encoding="utf-8")
        assert httpx.get(url + "/docs").status_code == 200
        workspace = tmp_path / "home" / "workspace"
        assert workspace.is_dir()
        assert httpx.post(url + "/api/pipelines", json={"id": "first"}).status_code == 201
        assert (workspace / "first.json").is_file()
        deadline = time.monotonic() + 10
        while not opened.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert opened.read_text() == f"http://127.0.0.1:{port}/"
        # The warm runner starts with the editor, for this home.
        home = tmp_path / "home"
        deadline = time.monotonic() + 120
        while RunnerClient.connect(home) is None and time.monotonic() < deadline:
            time.sleep(0.2)
        runner = RunnerClient.connect(home)
        assert runner is not None, (home / "runner" / "runner.log").read_text(errors="replace")[-3000:]
        runner_pid = runner.pid
    finally:
        out = stop(process)
    assert f"http://127.0.0.1:{port}/" in out and str(workspace) in out
    # ... and stops with it, since the editor started it.
    deadline = time.monotonic() + 30
    while pid_alive(runner_pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not pid_alive(runner_pid)


def test_refuses_a_public_address_without_a_token(ui_env):
    refused = subprocess.run([sys.executable, "-m", "jimu.cli", "ui", "--host", "0.0.0.0", "--port", str(free_port())],
                             env=ui_env, capture_output=True, text=True, timeout=60)
    assert refused.returncode == 2
    assert "--token" in refused.stderr and "JIMU_UI_TOKEN" in refused.stderr


def test_with_a_token_every_api_call_needs_it(ui_env):
    port = free_port()
    ui_env["JIMU_UI_TOKEN"] = "t0ken"
    process = start(["--host", "0.0.0.0", "--port", str(port)], ui_env)
    try:
        url = f"http://127.0.0.1:{port}/api/health"
        wait_until_up(url, process=process)
        assert httpx.get(url).status_code == 401
        assert httpx.get(url, headers={"Authorization": "Bearer wrong"}).status_code == 401
        assert httpx.get(url, headers={"Authorization": "Bearer t0ken"}).status_code == 200
    finally:
        stop(process)


def test_help_names_the_options():
    out = subprocess.run([sys.executable, "-m", "jimu.cli", "ui", "--help"], capture_output=True, text=True,
                         check=True).stdout
    for option in ("--workspace", "--host", "--port", "--open", "--token", "JIMU_UI_TOKEN"):
        assert option in out


def test_the_core_never_imports_the_editor():
    from tests.conftest import REPO

    importing = [p for p in (REPO / "jimu").rglob("*.py") if "ui_plugin" in p.read_text(encoding="utf-8")]
    assert importing == []
    # A built-in command neither loads the entry points nor the editor; `jimu --help` lists `ui`.
    probe = ("import sys, jimu.cli; jimu.cli.main(['home', '--json']); "
             "print(sorted(m for m in sys.modules if m.startswith(('jimu.ui_plugin', 'fastapi', 'uvicorn'))))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.rstrip().endswith("[]")
    listed = subprocess.run([sys.executable, "-m", "jimu.cli", "--help"], capture_output=True, text=True).stdout
    assert " ui " in listed
