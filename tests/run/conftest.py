"""Fixtures shared by the run tests."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from jimu.run.zygote import READY_LINE
from jimu.run.zygote_client import ZYGOTE_ENV
from tests.run.processes import kill_marked, new_mark


@pytest.fixture
def mark():
    """A marker put in the environment of the processes a test starts; whatever carries it is killed after."""
    value = new_mark()
    try:
        yield value
    finally:
        kill_marked(value)


@dataclass(frozen=True)
class ZygoteServer:
    path: str
    pid: int


@pytest.fixture(scope="session")
def zygote():
    """One zygote for the session (it preloads pandas & co: seconds); it ends when its stdin closes."""
    folder = Path(tempfile.mkdtemp(prefix="jimu-zygote-"))
    path = folder / "zygote.sock"
    server = subprocess.Popen(
        [sys.executable, "-m", "jimu.run.zygote", "--socket", str(path), "--watch-stdin"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    try:
        assert server.stdout.readline().strip() == READY_LINE
        yield ZygoteServer(str(path), server.pid)
    finally:
        server.stdin.close()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        server.stdout.close()


@pytest.fixture(params=["spawned", "zygote"])
def node_start(request, monkeypatch):
    """Run the test twice: nodes spawned as new processes, and nodes forked by a zygote ($JIMU_ZYGOTE)."""
    if request.param == "zygote":
        monkeypatch.setenv(ZYGOTE_ENV, request.getfixturevalue("zygote").path)
    else:
        monkeypatch.delenv(ZYGOTE_ENV, raising=False)
    return request.param
