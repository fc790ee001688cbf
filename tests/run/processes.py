"""Finding and ending the processes a test started, by a marker in their environment."""

from __future__ import annotations

import os
import signal
import time
import uuid
from pathlib import Path

MARK_ENV = "JIMU_TEST_PROCESS_MARK"


def new_mark() -> str:
    return f"jimu-test-{uuid.uuid4().hex}"


def marked_processes(mark: str) -> dict[int, str]:
    """Live processes (zombies excluded) whose environment carries the mark: pid -> command line."""
    needle = f"{MARK_ENV}={mark}".encode()
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            state = (entry / "stat").read_bytes().rsplit(b")", 1)[1].split()[0]
            if state in (b"Z", b"X") or needle not in (entry / "environ").read_bytes():
                continue
            found[int(entry.name)] = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except (OSError, IndexError):  # ended meanwhile, or not ours to read
            continue
    return found


def wait_until(predicate, timeout: float, interval: float = 0.1):
    """Poll until predicate() is truthy; returns its last value (falsy when the deadline passed)."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() >= deadline:
            return value
        time.sleep(interval)


def kill_marked(mark: str) -> None:
    """Cleanup for a test's finally: SIGKILL every process still carrying the mark, by pid."""
    for pid in marked_processes(mark):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
