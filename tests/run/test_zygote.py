"""The zygote: a node it starts is its child in a group of its own, with the requester's env, cwd
and log; other users are refused; without a zygote the node is spawned and its log says why.

The node-process behaviours (timeouts, stops, leftovers, the requester's death) run through a
zygote in test_node_process.py (fixture node_start); exit codes in test_exit_semantics.py.
"""

from __future__ import annotations

import os
import socket
import sys
from pathlib import Path

import pytest

from jimu.run.node_process import NodeProcess
from jimu.run.zygote_client import ZygoteChild, ZygoteUnavailable, request_for
from tests.run.processes import MARK_ENV

PROBE = (
    "import os, sys\n"
    "stat = open('/proc/self/stat').read().rsplit(')', 1)[1].split()\n"
    "print('ppid', stat[1], 'pgid', stat[2], 'sid', stat[3], 'pid', os.getpid())\n"
    "print('cwd', os.getcwd())\n"
    "print('probe', os.environ.get('JIMU_PROBE'))\n"
    "print('stdin', os.readlink('/proc/self/fd/0'))\n"
    "print('to stderr', file=sys.stderr)\n"
)


def facts(log: Path) -> dict[str, str]:
    found = {}
    for line in log.read_text().splitlines():
        words = line.split()
        for key, value in zip(words[::2], words[1::2], strict=False):
            found[key] = value
    return found


def run_probe(tmp_path: Path, mark: str, zygote: str | None) -> tuple[int, Path]:
    log_file = tmp_path / "log.txt"
    env = {**os.environ, MARK_ENV: mark, "JIMU_PROBE": "from-the-requester"}
    workdir = tmp_path / "workdir"
    workdir.mkdir()
    previous = os.getcwd()
    os.chdir(workdir)  # the requester's cwd is the node's, as with a spawned process
    try:
        with log_file.open("wb") as log:
            node = NodeProcess([sys.executable, "-c", PROBE], log, env=env, zygote=zygote)
        try:
            status = node.wait(timeout=30)
        finally:
            node.close()
    finally:
        os.chdir(previous)
    return status, log_file


def test_a_node_from_the_zygote_is_its_child_in_a_group_of_its_own_with_the_requesters_env(tmp_path, mark, zygote):
    status, log = run_probe(tmp_path, mark, zygote.path)
    seen = facts(log)
    assert status == 0, log.read_text()
    assert int(seen["ppid"]) == zygote.pid  # forked by the zygote, not spawned by us
    assert seen["pgid"] == seen["sid"] == seen["pid"]  # os.setsid(): its own session and group
    assert seen["cwd"] == str(tmp_path / "workdir")
    assert seen["probe"] == "from-the-requester"
    assert seen["stdin"] == "/dev/null"
    assert "to stderr" in log.read_text()  # stdout and stderr both go to the node's log


def test_without_a_zygote_the_node_is_spawned_and_its_log_says_so(tmp_path, mark):
    status, log = run_probe(tmp_path, mark, str(tmp_path / "no-zygote.sock"))
    seen = facts(log)
    assert status == 0, log.read_text()
    assert int(seen["ppid"]) == os.getpid()
    assert "is not answering" in log.read_text() and "starting the node as a new process instead" in log.read_text()


def test_an_entry_command_runs_in_a_fork_and_any_other_command_is_execd():
    entry = request_for([sys.executable, "-m", "jimu.runtime.entry", "--invocation-file", "x.json"], {"A": "1"})
    assert entry["entry"] == ["--invocation-file", "x.json"] and entry["env"] == {"A": "1"}
    other = request_for(["/opt/env/bin/python", "-m", "jimu.runtime.entry"], None)
    assert other["exec"] == ["/opt/env/bin/python", "-m", "jimu.runtime.entry"] and other["env"] == dict(os.environ)


@pytest.mark.skipif(os.getuid() != 0, reason="needs root to connect as another user")
def test_another_user_is_refused(tmp_path, zygote):
    folder = Path(zygote.path).parent
    modes = folder.stat().st_mode, Path(zygote.path).stat().st_mode
    os.chmod(folder, 0o755)
    os.chmod(zygote.path, 0o777)  # only SO_PEERCRED stands in the way now
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child reports through the pipe
        answer = b"?"
        try:
            os.setuid(65534)
            with open(os.devnull, "wb") as log:
                ZygoteChild(zygote.path, request_for(["true"], {}), log.fileno())
            answer = b"started"
        except ZygoteUnavailable:
            answer = b"refused"
        finally:
            os.write(write_end, answer)
            os._exit(0)
    os.close(write_end)
    try:
        os.waitpid(pid, 0)
        assert os.read(read_end, 16) == b"refused"
    finally:
        os.close(read_end)
        os.chmod(folder, modes[0])
        os.chmod(zygote.path, modes[1])


def test_a_bad_request_gets_an_error_and_the_zygote_serves_on(tmp_path, mark, zygote):
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(10)
        sock.connect(zygote.path)
        sock.sendall(b'{"neither": []}\n')
        assert b"needs 'entry' or 'exec'" in sock.recv(4096)
    status, _ = run_probe(tmp_path, mark, zygote.path)
    assert status == 0
