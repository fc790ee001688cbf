"""Asking a zygote (jimu.run.zygote) to start one node: the requester's half of its protocol."""

from __future__ import annotations

import json
import os
import select
import socket
import sys
import time

# The zygote's socket; NodeProcess starts Jimu's own nodes through it when set (the runner sets it).
ZYGOTE_ENV = "JIMU_ZYGOTE"
ENTRY_PREFIX = ("-m", "jimu.runtime.entry")
CONNECT_TIMEOUT_SECONDS = 5.0


class ZygoteUnavailable(OSError):
    """The zygote did not take the request (not running, refused, or answered with an error)."""


def configured_zygote() -> str | None:
    return os.environ.get(ZYGOTE_ENV) or None


def request_for(command: list[str], env: dict | None, grace: float = 5.0) -> dict:
    """`python -m jimu.runtime.entry ARGS` with this Python runs in a fork; any other command is exec'd."""
    command = [str(part) for part in command]
    if len(command) >= 3 and command[0] == sys.executable and tuple(command[1:3]) == ENTRY_PREFIX:
        body = {"entry": command[3:]}
    else:
        body = {"exec": command}
    return {**body, "env": dict(os.environ if env is None else env), "cwd": os.getcwd(), "grace": grace}


class ZygoteChild:
    """A process the zygote forked for us: its pid at once, its exit status when it ends."""

    def __init__(self, socket_path: str, request: dict, log_fd: int):
        self.status: int | None = None
        self.lost = False
        self._buffer = b""
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            self.sock.settimeout(CONNECT_TIMEOUT_SECONDS)
            self.sock.connect(socket_path)
            socket.send_fds(self.sock, [(json.dumps(request) + "\n").encode()], [log_fd])
            reply = self._read_message(CONNECT_TIMEOUT_SECONDS)
        except OSError as exc:
            self.sock.close()
            raise ZygoteUnavailable(f"the zygote at {socket_path} is not answering ({exc})") from exc
        if reply is None or "pid" not in reply:
            self.sock.close()
            raise ZygoteUnavailable(f"the zygote at {socket_path} did not start the node: {reply}")
        self.pid: int = reply["pid"]
        self.sock.setblocking(False)

    def poll_exit(self, wait_seconds: float | None) -> int | None:
        """The exit status once the child ended (negative: a signal); None while it runs.

        When the zygote goes away first, `lost` is set and None is returned: the caller kills the group.
        """
        if self.status is not None or self.lost:
            return self.status
        end = None if wait_seconds is None else time.monotonic() + wait_seconds
        while True:
            message = self._next_message()
            if message is not None:
                self.status = int(message["exit"])
                return self.status
            if self.lost:
                return None
            remaining = None if end is None else end - time.monotonic()
            if remaining is not None and remaining <= 0:
                return None
            select.select([self.sock], [], [], remaining)

    def release(self) -> None:
        """The child's group is cleaned up: the zygote may reap it now."""
        try:
            self.sock.setblocking(True)
            self.sock.sendall(b"release\n")
        except OSError:
            pass
        finally:
            self.sock.close()

    def _next_message(self) -> dict | None:
        try:
            chunk = self.sock.recv(4096)
        except BlockingIOError:
            chunk = None
        except OSError:
            chunk = b""
        if chunk == b"":
            self.lost = True
        elif chunk:
            self._buffer += chunk
        line, newline, rest = self._buffer.partition(b"\n")
        if not newline:
            return None
        self._buffer = rest
        return json.loads(line)

    def _read_message(self, timeout: float) -> dict | None:
        self.sock.settimeout(timeout)
        while b"\n" not in self._buffer:
            chunk = self.sock.recv(4096)
            if not chunk:
                return None
            self._buffer += chunk
        line, _, self._buffer = self._buffer.partition(b"\n")
        return json.loads(line)
