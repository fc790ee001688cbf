"""Run one node as a child process with a resolved invocation file: the local half of the contract.

Each node runs in its own process group (its own session), so whatever it starts can be
stopped with it: on a timeout, on a stop (SIGTERM/SIGINT of `jimu run`, Airflow's on_kill)
and when the process that started it dies, even by SIGKILL (a small watchdog process notices;
for a node forked by a zygote, jimu.run.zygote, the zygote does).
"""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import threading
import time
from collections import deque
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from jimu.errors import RunError
from jimu.home import jimu_home
from jimu.run.zygote_client import ZygoteChild, ZygoteUnavailable, configured_zygote, request_for
from jimu.runtime.exit_codes import FATAL_EXIT_CODE, SKIP_EXIT_CODE
from jimu.runtime.invocation import run_folder_name

LOG_TAIL_LINES = 30
# `jimu run` names a file here; each finished node appends one JSON line for its progress output.
PROGRESS_FILE_ENV = "JIMU_PROGRESS_FILE"
# How long a stopped node's processes get between SIGTERM and SIGKILL.
STOP_GRACE_SECONDS = 5.0
KILL_SETTLE_SECONDS = 5.0  # how long close() waits for SIGKILLed members to be gone
REASON_CHARS = 120


@dataclass(frozen=True)
class NodeResult:
    node: str
    seconds: float
    rows_written: dict[str, int]
    exports: list[str]
    log_file: Path
    skipped: str | None = None
    metrics: dict[str, dict[str, float]] | None = None
    warnings: tuple[str, ...] = ()


class NodeFailed(RunError):
    """A node's process failed, timed out or was stopped; `reason` is what its progress line shows."""

    def __init__(self, message: str, *, reason: str, log_file: Path):
        super().__init__(message)
        self.reason = reason
        self.log_file = log_file


class NodeFatalError(NodeFailed):
    """The node's component said retrying will not help (jimu.runtime.FatalError)."""


def run_root(pipeline: str, run_id: str) -> Path:
    return jimu_home() / "runs" / pipeline / run_folder_name(run_id)


def node_log_file(invocation: dict) -> Path:
    return run_root(invocation["pipeline"], invocation["run_id"]) / invocation["node"] / "log.txt"


def log_tail(path: Path, lines: int = LOG_TAIL_LINES) -> str:
    try:
        with path.open(encoding="utf-8", errors="replace") as handle:
            return "".join(deque(handle, maxlen=lines))
    except OSError:
        return ""


def read_result(path: Path) -> dict:
    """The entry's result file; {} when it is missing or not what the runtime writes."""
    try:
        result = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return result if isinstance(result, dict) else {}


def failure_reason(code: int, log_file: Path) -> str:
    """A few words for a progress line: how the process ended and the last thing it said."""
    if code < 0:
        name = signal.Signals(-code).name if -code in signal.Signals._value2member_map_ else f"signal {-code}"
        why = f"killed by {name}" + (" (out of memory?)" if code == -signal.SIGKILL else "")
    else:
        why = f"exited with code {code}"
    last = next((line.strip() for line in reversed(log_tail(log_file, 5).splitlines()) if line.strip()), "")
    if " failed: " in last and last.startswith("jimu: node "):
        last = last.split(" failed: ", 1)[1]  # the runtime's own summary line: keep the error itself
    if len(last) > REASON_CHARS:
        last = last[: REASON_CHARS - 3] + "..."
    return f"{why}: {last}" if last else why


def failure_message(node: str, component: str, reason: str, log_file: Path) -> str:
    return (
        f"node {node!r} ({component}) {reason}; log: {log_file}\n"
        f"--- last lines of its log ---\n{log_tail(log_file)}"
    )


# Started beside each node, in a session of its own: it reads the node's process group id,
# then blocks on a pipe that only the parent holds. A byte means the parent cleaned up the
# group itself; end-of-file means the parent died (even by SIGKILL): it stops the whole group.
_WATCHDOG = """
import os, signal, sys, time
line = sys.stdin.buffer.readline()
if not line.strip() or sys.stdin.buffer.read(1):
    sys.exit(0)
pgid, grace = int(line), float(sys.argv[1])

def alive():  # a live member of the group; zombies do not count (an init may reap them late)
    try:
        names = [name for name in os.listdir("/proc") if name.isdigit()]
    except OSError:
        try:
            os.killpg(pgid, 0)
            return True
        except ProcessLookupError:
            return False
    for name in names:
        try:
            with open("/proc/" + name + "/stat", "rb") as stat:
                fields = stat.read().rsplit(b")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[2]) == pgid and fields[0] not in (b"Z", b"X"):
            return True
    return False

try:
    os.killpg(pgid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while alive() and time.monotonic() < deadline:
        time.sleep(0.05)
    os.killpg(pgid, signal.SIGKILL)
except ProcessLookupError:
    pass
"""

FROM_ENV = object()  # NodeProcess(zygote=...): the default, $JIMU_ZYGOTE

# Nodes running in this process, so a stop signal can reach them (dag.test runs one at a time).
_ACTIVE: set[NodeProcess] = set()


class NodeProcess:
    """A node's process, alone in a new process group; stopping it stops everything it started."""

    def __init__(
        self, command: list[str], log, grace: float = STOP_GRACE_SECONDS, env: dict | None = None, zygote=FROM_ENV
    ):
        """`zygote`: a fork server's socket to start the command through (default: $JIMU_ZYGOTE); None spawns."""
        self.grace = grace
        self.stop_reason: str | None = None
        self._term_sent: float | None = None
        self._killed = False
        self.proc: subprocess.Popen | None = None
        self._child: ZygoteChild | None = None
        self._pidfd = None
        zygote = configured_zygote() if zygote is FROM_ENV else zygote
        self._watchdog = self._watchdog_pipe = None
        try:
            if zygote:
                self._child = _start_in_zygote(zygote, command, log, env, grace)
            if self._child is not None:
                self.pgid = self._child.pid  # the zygote stops the group if this process dies
            else:
                self._watchdog, self._watchdog_pipe = _start_watchdog(grace)
                self.proc = subprocess.Popen(
                    command, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, env=env,
                    start_new_session=True,
                )
                self.pgid = self.proc.pid
                os.write(self._watchdog_pipe, f"{self.pgid}\n".encode())
        except BaseException:
            if self.proc is not None or self._child is not None:
                _signal_group(self.pgid if self._child else self.proc.pid, signal.SIGKILL)
                self._reap()
            self._release_watchdog()
            raise
        if self.proc is not None:
            self._pidfd = _pidfd_open(self.pgid)
        _ACTIVE.add(self)

    def wait(self, timeout: float | None = None) -> int:
        """Wait for the process to end, stopping it after `timeout`; its exit status (negative: a signal)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            status = self._exit_status(self._until_next_step(deadline))
            if status is not None:
                return status
            now = time.monotonic()
            if deadline is not None and now >= deadline and self._term_sent is None:
                self.terminate(f"timed out after {timeout:g} s (execution_timeout)")
            if self._term_sent is not None and now >= self._term_sent + self.grace and not self._killed:
                self._killed = True
                _signal_group(self.pgid, signal.SIGKILL)

    def terminate(self, reason: str) -> None:
        """Send SIGTERM to the whole group without waiting; wait() sends SIGKILL after the grace period.

        Safe in a signal handler (Airflow's on_kill, `jimu run`'s stop).
        """
        if self.stop_reason is None:
            self.stop_reason = reason
        if self._term_sent is None:
            self._term_sent = time.monotonic()
            _signal_group(self.pgid, signal.SIGTERM)

    def stop(self, reason: str) -> int:
        """SIGTERM, the grace period, then SIGKILL; returns once the node's process has ended."""
        self.terminate(reason)
        return self.wait()

    def close(self) -> list[int]:
        """Once the process ended: stop what it left running, reap it, let the watchdog go.

        Returns the pids of processes the node left behind (they are gone now). The process is
        reaped last: until then its pid, which is the group id, cannot be reused.
        """
        try:
            if self._exit_status(0) is None:  # close() without wait(): an error in between
                _signal_group(self.pgid, signal.SIGKILL)
            left = _group_members(self.pgid)
            if left:
                _signal_group(self.pgid, signal.SIGTERM)
                deadline = time.monotonic() + self.grace
                while _group_members(self.pgid) and time.monotonic() < deadline:
                    time.sleep(0.05)
                _signal_group(self.pgid, signal.SIGKILL)
                # SIGKILL is delivered asynchronously: on a busy machine a member can still be
                # running a moment later. "Gone now" is what callers are promised.
                deadline = time.monotonic() + KILL_SETTLE_SECONDS
                while _group_members(self.pgid) and time.monotonic() < deadline:
                    time.sleep(0.01)
            return left
        except BaseException:  # interrupted (Airflow's timeout alarm...): no grace left to give
            _signal_group(self.pgid, signal.SIGKILL)
            raise
        finally:
            self._reap()
            if self._pidfd is not None:
                os.close(self._pidfd)
                self._pidfd = None
            self._release_watchdog()
            _ACTIVE.discard(self)

    def _reap(self) -> None:
        if self._child is not None:
            if self._child.poll_exit(0) is None:  # the zygote went away: its child may still run
                _signal_group(self.pgid, signal.SIGKILL)
            self._child.release()
        else:
            self.proc.wait()

    def _until_next_step(self, deadline: float | None) -> float | None:
        """How long wait() may block: until the timeout, or the end of the grace period."""
        if self._killed:
            return 0.05  # SIGKILL sent: the process ends any moment
        if self._term_sent is not None:
            deadline = self._term_sent + self.grace
        return None if deadline is None else max(0.0, deadline - time.monotonic())

    def _exit_status(self, wait_seconds: float | None) -> int | None:
        """The exit status once the process ended, without reaping it; None while it runs."""
        if self._child is not None:
            return self._zygote_child_status(wait_seconds)
        end = None if wait_seconds is None else time.monotonic() + wait_seconds
        while True:
            result = os.waitid(os.P_PID, self.pgid, os.WEXITED | os.WNOHANG | os.WNOWAIT)
            if result is not None:
                return result.si_status if result.si_code == os.CLD_EXITED else -result.si_status
            remaining = None if end is None else end - time.monotonic()
            if remaining is not None and remaining <= 0:
                return None
            if self._pidfd is not None:  # readable once the process exits: no polling
                poller = select.poll()
                poller.register(self._pidfd, select.POLLIN)
                poller.poll(None if remaining is None else max(1, int(remaining * 1000)))
            else:
                time.sleep(0.02 if remaining is None else min(0.02, remaining))

    def _zygote_child_status(self, wait_seconds: float | None) -> int | None:
        status = self._child.poll_exit(wait_seconds)
        if status is None and self._child.lost:  # no one can tell how it ends now: end it here
            self.stop_reason = self.stop_reason or "stopped: the zygote that started it went away"
            _signal_group(self.pgid, signal.SIGKILL)
            self._child.status = -signal.SIGKILL
            return self._child.status
        return status

    def _release_watchdog(self) -> None:
        if self._watchdog is None:  # started by a zygote, which watches this process instead
            return
        try:
            os.write(self._watchdog_pipe, b"done")
        except OSError:
            pass
        os.close(self._watchdog_pipe)
        try:
            self._watchdog.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._watchdog.kill()
            self._watchdog.wait()


def _start_in_zygote(zygote: str, command: list[str], log, env: dict | None, grace: float) -> ZygoteChild | None:
    """The node forked by the zygote, or None (said in the node's log) when it cannot start it there."""
    try:
        return ZygoteChild(zygote, request_for(command, env, grace), log.fileno())
    except ZygoteUnavailable as exc:
        log.write(f"jimu: {exc}; starting the node as a new process instead\n".encode())
        log.flush()
        return None


def _start_watchdog(grace: float) -> tuple[subprocess.Popen, int]:
    read_end, write_end = os.pipe()  # not inheritable: only this process holds the write end
    try:
        watchdog = subprocess.Popen(
            [sys.executable, "-I", "-S", "-c", _WATCHDOG, str(grace)],
            stdin=read_end, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )
    except BaseException:
        os.close(write_end)
        raise
    finally:
        os.close(read_end)
    return watchdog, write_end


def _pidfd_open(pid: int) -> int | None:
    try:
        return os.pidfd_open(pid)
    except (AttributeError, OSError):  # not Linux >= 5.3: poll instead
        return None


def _signal_group(pgid: int, signum: int) -> None:
    try:
        os.killpg(pgid, signum)
    except ProcessLookupError:
        pass


def _group_members(pgid: int) -> list[int]:
    """Live (not zombie) processes in a process group, from /proc."""
    members = []
    try:
        entries = [entry.name for entry in os.scandir("/proc") if entry.name.isdigit()]
    except OSError:  # no /proc: the group exists or not
        try:
            os.killpg(pgid, 0)
            return [pgid]
        except ProcessLookupError:
            return []
    for pid in entries:
        try:
            with open(f"/proc/{pid}/stat", "rb") as handle:
                fields = handle.read().rsplit(b")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[2]) == pgid and fields[0] not in (b"Z", b"X"):
            members.append(int(pid))
    return members


# `jimu run` stops on SIGTERM/SIGINT: the running node's group is stopped, and no other node starts.
_stop_signal: int | None = None
_stop_handling = False
_inside_dag_test = False


class RunStopped(KeyboardInterrupt):
    """SIGTERM or SIGINT stopped `jimu run` where it could stop at once."""

    def __init__(self, signum: int):
        super().__init__(f"stopped by {signal.Signals(signum).name}")
        self.signum = signum


def stop_requested() -> int | None:
    """The signal that asked this process (`jimu run`) to stop, or None."""
    return _stop_signal


def _on_stop_signal(signum, frame) -> None:
    global _stop_signal
    first = _stop_signal is None
    _stop_signal = _stop_signal or signum
    for node in list(_ACTIVE):
        node.terminate(f"stopped: jimu run got {signal.Signals(signum).name}")
        if not first:
            _signal_group(node.pgid, signal.SIGKILL)
    # Inside dag.test() the first signal lets Airflow record the outcome (the node fails, the
    # others fail without starting); before it, or when asked twice, stop right here.
    if not first or not _inside_dag_test:
        raise RunStopped(signum)


@contextmanager
def stop_on_signals():
    """While inside, SIGTERM and SIGINT stop `jimu run`; see stopping_nodes_gently() for inside dag.test()."""
    global _stop_signal, _stop_handling
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {signum: signal.signal(signum, _on_stop_signal) for signum in (signal.SIGTERM, signal.SIGINT)}
    _stop_signal, _stop_handling = None, True
    try:
        yield
    finally:
        _stop_handling = False
        for signum, handler in previous.items():
            signal.signal(signum, handler)


@contextmanager
def stopping_nodes_gently():
    """Inside, a stop signal stops the running node (its whole group) and lets no other start."""
    global _inside_dag_test
    _inside_dag_test = True
    try:
        yield
    finally:
        _inside_dag_test = False


def keep_stop_handler() -> None:
    """Airflow's task runner sets its own SIGTERM handler before each task: put `jimu run`'s back."""
    if _stop_handling and threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _on_stop_signal)


def run_node_process(
    invocation: dict,
    component_dir: Path,
    timeout: float | None = None,
    echo=None,
    python: str | None = None,
    on_start=None,
) -> NodeResult:
    """Run `python -m jimu.runtime.entry` for a resolved invocation; raise NodeFailed on failure.

    `on_start` gets the NodeProcess once it runs (the operator keeps it for on_kill).
    """
    node = invocation["node"]
    folder = run_root(invocation["pipeline"], invocation["run_id"]) / node
    folder.mkdir(parents=True, exist_ok=True)
    invocation_file = folder / "invocation.json"
    result_file = folder / "result.json"
    log_file = folder / "log.txt"
    invocation_file.write_text(json.dumps(invocation, sort_keys=True), encoding="utf-8")
    result_file.unlink(missing_ok=True)
    command = [
        python or sys.executable, "-m", "jimu.runtime.entry",
        "--invocation-file", str(invocation_file),
        "--component-dir", str(component_dir),
        "--result-file", str(result_file),
    ]
    started = time.perf_counter()
    with log_file.open("wb") as log:
        # A component with its own Python or requirements is always a process of its own.
        process = NodeProcess(command, log, zygote=FROM_ENV if command[0] == sys.executable else None)
        try:
            if on_start is not None:
                on_start(process)
            code = process.wait(timeout)
        except BaseException as exc:  # Airflow's own timeout, Ctrl-C...: nothing of the node outlives it
            process.stop(f"stopped ({type(exc).__name__})")
            raise
        finally:
            left = process.close()
    if left:
        with log_file.open("a", encoding="utf-8") as log:
            log.write(f"jimu: stopped {len(left)} process(es) the node left running (pids {left})\n")
    seconds = time.perf_counter() - started
    if echo is not None:
        echo(log_file.read_text(encoding="utf-8", errors="replace"))
    component = invocation["component"]
    if process.stop_reason is not None:
        reason = process.stop_reason
        raise NodeFailed(failure_message(node, component, reason, log_file), reason=reason, log_file=log_file)
    result = read_result(result_file)
    # The skip and fatal codes count only with the runtime's own record of them in the result
    # file: a stray exit code never skips downstream nodes or switches retries off.
    if code == SKIP_EXIT_CODE and isinstance(result.get("skipped"), str):
        return NodeResult(node, seconds, {}, [], log_file, skipped=result["skipped"])
    if code == FATAL_EXIT_CODE and isinstance(result.get("fatal"), str):
        reason = f"failed, not retried: {result['fatal']}"
        if len(reason) > REASON_CHARS:
            reason = reason[: REASON_CHARS - 3] + "..."
        message = f"failed and is not retried (retrying will not help): {result['fatal']}"
        raise NodeFatalError(failure_message(node, component, message, log_file), reason=reason, log_file=log_file)
    if code != 0:
        reason = failure_reason(code, log_file)
        raise NodeFailed(failure_message(node, component, reason, log_file), reason=reason, log_file=log_file)
    return NodeResult(
        node, seconds, result.get("rows_written", {}), result.get("exports", []), log_file,
        metrics=result.get("metrics", {}), warnings=tuple(result.get("warnings", ())),
    )
