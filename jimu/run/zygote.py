"""`python -m jimu.run.zygote --socket PATH`: a fork server that starts nodes with their imports done.

A fresh `python -m jimu.runtime.entry` spends ~0.8 s importing pandas, pyarrow and duckdb before
a node does anything. This process imports them once, then forks one child per node. It is
always spawned fresh, never forked from an Airflow process (threads, SQLite connections), and
runs no Python threads, so a fork never copies a lock held by another Python thread (native
libraries' own pools, e.g. OpenBLAS's, handle fork themselves).

Protocol (a unix socket; one connection per node; JSON lines; see jimu.run.zygote_client):
  request   {"entry": [args of jimu.runtime.entry] | "exec": [command], "env": {...}, "cwd": "...", "grace": s}
            with the node's log file descriptor attached (SCM_RIGHTS): the child's stdout and stderr
  reply     {"pid": N} at once, then {"exit": status} when the child ends (negative: a signal)
  requester "release" once it has cleaned up the child's process group; only then is the child
            reaped, so its pid (the group id) cannot be reused before. A requester that closes the
            connection without it died: the zygote stops the group (SIGTERM, "grace" seconds, SIGKILL),
            which is the watchdog a spawned node gets.

The child calls os.setsid() (its own process group, as a spawned node has), applies the env, cwd
and log redirection, reseeds `random` and numpy's global RNG, runs the entry's supervise() with
the operator's exact arguments and leaves with os._exit().

What cannot vary per node (read once, at import, by a preloaded module): PYTHONHASHSEED and every
other interpreter start-up setting (PYTHONPATH, -X options, sys.path), thread-count variables read
when numpy/pyarrow/duckdb load (OMP_NUM_THREADS, OPENBLAS_NUM_THREADS, ARROW_NUM_THREADS...),
and the locale. TZ is re-read (time.tzset) in each child.
"""

from __future__ import annotations

import argparse
import array
import json
import os
import random
import selectors
import signal
import socket
import struct
import sys
import time

# Loaded before serving: what built-in components and the runtime import on every node.
PRELOAD = (
    "jimu.runtime.entry",
    "jimu.runtime.context",
    "jimu.runtime.database",
    "numpy",
    "pandas",
    "pyarrow",
    "pyarrow.dataset",
    "pyarrow.parquet",
    "pyarrow.csv",
    "pyarrow.json",
    "pyarrow.pandas_compat",
    "duckdb",
    "sqlglot",
    "sqlglot.optimizer",
    "yaml",
    # load_table's package:// URIs (the wine example's data) and the train components.
    "sklearn",
    "sklearn.datasets",
)
SQL_DIALECTS = ("duckdb", "sqlite", "postgres", "mysql", "bigquery", "snowflake", "spark")
READY_LINE = "jimu-zygote ready"
MAX_REQUEST_BYTES = 4 << 20
ENTRY_MODULE = "jimu.runtime.entry"
DEFAULT_GRACE_SECONDS = 5.0


def signal_group(pgid: int, signum: int) -> None:
    try:
        os.killpg(pgid, signum)
    except ProcessLookupError:
        pass


def preload() -> None:
    import importlib

    for name in PRELOAD:
        try:
            importlib.import_module(name)
        except ImportError:  # an optional library: its nodes import it themselves
            continue
    try:
        from sqlglot.dialects.dialect import Dialect

        for dialect in SQL_DIALECTS:
            Dialect.get_or_raise(dialect)
    except Exception:  # noqa: BLE001 - a speed-up only
        pass


def peer_uid(conn: socket.socket) -> int:
    creds = conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    return struct.unpack("3i", creds)[1]


def receive_request(conn: socket.socket) -> tuple[dict, list[int]]:
    """One JSON line and the file descriptors sent with it."""
    data, fds = b"", []
    while not data.endswith(b"\n"):
        chunk, ancillary, _, _ = conn.recvmsg(65536, socket.CMSG_SPACE(4 * array.array("i").itemsize))
        for level, kind, payload in ancillary:
            if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
                received = array.array("i")
                received.frombytes(payload[: len(payload) - len(payload) % received.itemsize])
                fds.extend(received)
        if not chunk:
            break
        data += chunk
        if len(data) > MAX_REQUEST_BYTES:
            break
    request = json.loads(data) if data.endswith(b"\n") else None
    if not isinstance(request, dict):
        for fd in fds:
            os.close(fd)
        raise ValueError("expected one JSON object on one line")
    return request, fds


def reseed() -> None:
    """Fresh entropy: a forked child otherwise repeats its parent's random state."""
    random.seed()
    numpy = sys.modules.get("numpy")
    if numpy is not None:
        numpy.random.seed(int.from_bytes(os.urandom(4), "little"))


def run_child(request: dict, log_fd: int | None, inherited: list[int]) -> None:
    """In the forked child: become a node process, run it, leave. Never returns."""
    code = 1
    try:
        os.setsid()
        for fd in inherited:  # the server's sockets, selector and other children's pidfds
            try:
                os.close(fd)
            except OSError:
                pass
        # As in a freshly started Python: default handlers, SIGPIPE ignored (Popen resets it for exec).
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.close(devnull)
        if log_fd is not None:
            os.dup2(log_fd, 1)
            os.dup2(log_fd, 2)
            os.close(log_fd)
        os.environ.clear()
        os.environ.update({str(k): str(v) for k, v in (request.get("env") or {}).items()})
        time.tzset()
        if request.get("cwd"):
            os.chdir(request["cwd"])
        if "exec" in request:
            signal.signal(signal.SIGPIPE, signal.SIG_DFL)
            command = [str(part) for part in request["exec"]]
            os.execvpe(command[0], command, os.environ)
        reseed()
        from jimu.runtime.entry import supervise

        sys.argv = [ENTRY_MODULE, *request["entry"]]
        code = supervise([str(arg) for arg in request["entry"]])
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else 1
    except BaseException as exc:  # noqa: BLE001 - say it in the node's log, then fail the node
        try:
            print(f"jimu: the zygote could not start the node: {type(exc).__name__}: {exc}", file=sys.stderr)
        except BaseException:  # noqa: BLE001
            pass
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)


class Child:
    """A forked node as the zygote sees it: its requester's connection and its exit status."""

    def __init__(self, pid: int, conn: socket.socket, grace: float):
        self.pid, self.conn, self.grace = pid, conn, grace
        self.pidfd = os.pidfd_open(pid)
        self.status: int | None = None
        self.released = False
        self.kill_at: float | None = None  # its requester died: SIGKILL for the group then


class Zygote:
    def __init__(self, path: str, watch_parent: bool = False):
        self.path, self.watch_parent = path, watch_parent
        self.selector = selectors.DefaultSelector()
        self.server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.children: dict[int, Child] = {}  # by pid
        self.running = True

    def bind(self) -> None:
        try:
            os.unlink(self.path)
        except FileNotFoundError:
            pass
        old = os.umask(0o077)
        try:
            self.server.bind(self.path)
        finally:
            os.umask(old)
        self.server.listen(64)
        self.socket_inode = os.stat(self.path).st_ino
        self.selector.register(self.server, selectors.EVENT_READ, ("accept", None))
        if self.watch_parent:  # stdin is a pipe from the runner: EOF when the runner ends
            self.selector.register(sys.stdin.fileno(), selectors.EVENT_READ, ("parent", None))

    def serve(self) -> None:
        while self.running or self.children:
            self._kill_orphaned_groups()
            deadlines = [child.kill_at for child in self.children.values() if child.kill_at is not None]
            timeout = max(0.0, min([1.0, *(at - time.monotonic() for at in deadlines)]))
            for key, _ in self.selector.select(timeout=timeout):
                what, child = key.data
                if what == "accept":
                    self._accept()
                elif what == "parent":
                    if not os.read(sys.stdin.fileno(), 4096):
                        self._shut_down()
                elif what == "exited":
                    self._exited(child)
                elif what == "conn":
                    self._from_requester(child)

    def _shut_down(self) -> None:
        """The runner is gone: serve no more. Children still report to their requesters (if any are
        left: a dead requester's watchdog stops its node) and the zygote exits after the last one."""
        self.running = False
        for sock_key in list(self.selector.get_map().values()):
            if sock_key.data[0] in ("accept", "parent"):
                self.selector.unregister(sock_key.fileobj)
        self.server.close()
        try:
            if os.stat(self.path).st_ino == self.socket_inode:  # not a successor's socket at the same path
                os.unlink(self.path)
        except OSError:
            pass

    def _accept(self) -> None:
        conn, _ = self.server.accept()
        try:
            if peer_uid(conn) != os.getuid():
                conn.close()
                return
            conn.settimeout(10)
            request, fds = receive_request(conn)
        except (OSError, ValueError) as exc:
            self._reply(conn, {"error": str(exc)})
            conn.close()
            return
        log_fd = fds[0] if fds else None
        for extra in fds[1:]:
            os.close(extra)
        if not isinstance(request.get("entry") or request.get("exec"), list):
            self._reply(conn, {"error": "the request needs 'entry' or 'exec': a list of arguments"})
            conn.close()
            if log_fd is not None:
                os.close(log_fd)
            return
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            run_child(request, log_fd, self._own_fds(conn))
        if log_fd is not None:
            os.close(log_fd)
        child = Child(pid, conn, float(request.get("grace") or DEFAULT_GRACE_SECONDS))
        self.children[pid] = child
        self._reply(conn, {"pid": pid})
        self.selector.register(child.pidfd, selectors.EVENT_READ, ("exited", child))
        self.selector.register(conn, selectors.EVENT_READ, ("conn", child))

    def _own_fds(self, conn: socket.socket) -> list[int]:
        fds = [self.server.fileno(), conn.fileno(), self.selector.fileno()]
        for child in self.children.values():
            fds += [child.pidfd, child.conn.fileno()]
        return fds

    def _exited(self, child: Child) -> None:
        self.selector.unregister(child.pidfd)
        result = os.waitid(os.P_PID, child.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT)
        if result is None:  # spurious wake-up: look again later
            self.selector.register(child.pidfd, selectors.EVENT_READ, ("exited", child))
            return
        child.status = result.si_status if result.si_code == os.CLD_EXITED else -result.si_status
        if not child.released:
            self._reply(child.conn, {"exit": child.status})
        self._maybe_reap(child)

    def _from_requester(self, child: Child) -> None:
        try:
            data = child.conn.recv(4096)
        except OSError:
            data = b""
        if data and b"release" in data:
            child.released = True
            self.selector.unregister(child.conn)
            self._maybe_reap(child)
        elif not data:
            # The requester died before it cleaned up (even by SIGKILL): stop the node's whole group
            # as its watchdog would: SIGTERM now, SIGKILL after the grace period. The child stays
            # unreaped until then, so its pid (the group id) cannot be reused meanwhile.
            self.selector.unregister(child.conn)
            signal_group(child.pid, signal.SIGTERM)
            child.kill_at = time.monotonic() + child.grace

    def _kill_orphaned_groups(self) -> None:
        now = time.monotonic()
        for child in list(self.children.values()):
            if child.kill_at is not None and now >= child.kill_at:
                signal_group(child.pid, signal.SIGKILL)
                child.kill_at = None
                child.released = True
                self._maybe_reap(child)

    def _maybe_reap(self, child: Child) -> None:
        if child.status is None or not child.released:
            return
        os.waitpid(child.pid, 0)
        os.close(child.pidfd)
        try:
            self.selector.unregister(child.conn)
        except (KeyError, ValueError):
            pass
        child.conn.close()
        del self.children[child.pid]

    @staticmethod
    def _reply(conn: socket.socket, message: dict) -> None:
        try:
            conn.sendall((json.dumps(message) + "\n").encode())
        except OSError:  # the requester went away; its watchdog stops the node
            pass


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m jimu.run.zygote", description=__doc__.split("\n\n")[0])
    parser.add_argument("--socket", required=True, help="unix socket path to serve on (its folder should be 0700)")
    parser.add_argument("--watch-stdin", action="store_true", help="stop serving when stdin reaches end-of-file")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C of a terminal stops nodes, not the server
    preload()
    zygote = Zygote(args.socket, watch_parent=args.watch_stdin)
    zygote.bind()
    print(READY_LINE, flush=True)
    zygote.serve()
    return 0


if __name__ == "__main__":
    sys.exit(main())
