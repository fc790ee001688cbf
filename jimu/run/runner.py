"""`python -m jimu.run.runner`: the warm runner, a long-lived process that runs pipelines one at a time.

A cold `jimu run` spends ~9 s before its first node: importing Airflow, building the in-process
Execution API (Cadwyn's versioned routes), starting Python for every node. The runner pays that
once: it imports Airflow, warms the Execution API and starts a zygote (jimu.run.zygote) that
forks nodes with pandas & co already imported. Each job is the same run_pipeline_locally()
(`dag.test()`) as a cold run, so outputs, states and logs are the same.

One job at a time (a queue): the progress file's env var, the fd redirection of Airflow's output,
the working directory and GC thresholds are process-wide. Protocol: jimu.run.runner_protocol;
what one job does: jimu.run.runner_jobs.

What the runner does between jobs, found by prototypes:
- airflow.settings.DAGS_FOLDER is read once at import: set per run (else "dag is not serialized");
- each task leaks an eventpoll fd until gc.collect(): collect after each job;
- the operator's catalog cache would miss a component published since: it is keyed on the index;
- RSS grows ~0.7 MB a run: past RECYCLE_RUNS runs or RECYCLE_RSS_BYTES, or once Jimu's code
  changed on disk, the runner replaces itself (exec) when its queue is empty.
"""

from __future__ import annotations

import fcntl
import gc
import hashlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import OrderedDict, deque
from dataclasses import dataclass, field
from pathlib import Path

from jimu.catalog_cache import cached_catalog
from jimu.files import write_atomically
from jimu.home import jimu_home
from jimu.run.runner_jobs import execute_job, job_environment, run_job_in_this_process
from jimu.run.runner_protocol import (
    ALREADY_RUNNING_EXIT,
    LineReader,
    info_path,
    make_runner_dir,
    send_line,
    socket_path,
)
from jimu.run.zygote import READY_LINE, peer_uid
from jimu.run.zygote_client import ZYGOTE_ENV

RECYCLE_RUNS = int(os.environ.get("JIMU_RUNNER_RECYCLE_RUNS", "500"))
RECYCLE_RSS_BYTES = int(os.environ.get("JIMU_RUNNER_RECYCLE_RSS_MB", "2048")) << 20
FINISHED_JOBS_KEPT = 1000
JIMU_CODE = Path(__file__).resolve().parents[2]


def code_stamp() -> str:
    """Changes when Jimu's installed code changes (file names, sizes, mtimes)."""
    digest = hashlib.sha256()
    for folder in ("jimu", "operators"):
        for path in sorted((JIMU_CODE / folder).rglob("*.py")):
            stat = path.stat()
            digest.update(f"{path}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def rss_bytes() -> int:
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


@dataclass
class Job:
    id: str
    kind: str  # "run" or "execute"
    request: dict
    conn: socket.socket | None = None  # a run streams its output here
    stop_signal: int | None = None
    ended: bool = False  # its client got the end message
    exit_code: int | None = None
    done: threading.Event = field(default_factory=threading.Event)


class Runner:
    def __init__(self, home: Path):
        self.home = home
        self.started = time.time()
        self.runs_done = 0
        self.queue: deque[Job] = deque()
        self.lock = threading.Condition()
        self.current: Job | None = None
        # Jobs that ended, newest last, so a `wait` that arrives late still learns the exit code.
        self.finished: OrderedDict[str, Job] = OrderedDict()
        self.shutting_down = False
        self.zygote: subprocess.Popen | None = None
        self.code = code_stamp()
        self._signal_from_stop = False
        self.recycle = False
        self.interruptible = False  # a stop may interrupt the job here (not while its fds are restored)

    # --- start-up -------------------------------------------------------------------------

    def prepare(self) -> None:
        """Airflow imported and configured, the Execution API warm, the zygote up."""
        from jimu.airflow_env import configure_airflow, ensure_metadata_db

        self.start_zygote()
        airflow_home = configure_airflow(self.home / "compiled" / "_runner")
        gc.set_threshold(200_000, 100, 100)  # as `jimu run` does: Airflow makes many objects
        ensure_metadata_db(airflow_home, echo=log)
        warm_execution_api()
        import jimu.operators.local_component  # noqa: F401 - what every compiled DAG imports
        from jimu.run import local  # noqa: F401

        try:  # publish the built-ins and read the catalog now rather than in the first run
            cached_catalog()
        except Exception as exc:  # noqa: BLE001 - the first run reports it, to its client
            log(f"reading the component catalog: {type(exc).__name__}: {exc}")

        self.wait_for_zygote()
        # What start-up built lives as long as the process: keep it out of every later collection.
        gc.collect()
        gc.freeze()

    def start_zygote(self) -> None:
        path = socket_path(self.home).with_name("zygote.sock")
        self.zygote = subprocess.Popen(
            [sys.executable, "-m", "jimu.run.zygote", "--socket", str(path), "--watch-stdin"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=os.environ.copy(),
        )
        self.zygote_socket = str(path)

    def wait_for_zygote(self) -> None:
        line = self.zygote.stdout.readline().strip()
        if line != READY_LINE:
            log(f"the zygote did not start ({line!r}); nodes are started as new processes")
            os.environ.pop(ZYGOTE_ENV, None)
            return
        os.environ[ZYGOTE_ENV] = self.zygote_socket

    def zygote_alive(self) -> bool:
        return self.zygote is not None and self.zygote.poll() is None

    # --- serving --------------------------------------------------------------------------

    def listen(self) -> socket.socket:
        path = socket_path(self.home)
        path.unlink(missing_ok=True)
        server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        old = os.umask(0o077)
        try:
            server.bind(str(path))
        finally:
            os.umask(old)
        server.listen(64)
        info = {"pid": os.getpid(), "started": self.started, "socket": str(path), "python": sys.executable}
        write_atomically(info_path(self.home), json.dumps(info) + "\n")
        return server

    def accept_forever(self, server: socket.socket) -> None:
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                return  # closed: shutting down
            threading.Thread(target=self.answer, args=(conn,), daemon=True).start()

    def answer(self, conn: socket.socket) -> None:
        keep_open = False
        try:
            if peer_uid(conn) != os.getuid():
                return
            conn.settimeout(30)
            request = next(LineReader(conn), None)
            conn.settimeout(None)
            if not isinstance(request, dict):
                send_line(conn, {"error": "send one JSON object on one line"})
                return
            keep_open = self.handle(conn, request)
        except (OSError, ValueError) as exc:
            try:
                send_line(conn, {"error": f"bad request: {exc}"})
            except OSError:
                pass
        finally:
            if not keep_open:
                conn.close()

    def handle(self, conn: socket.socket, request: dict) -> bool:
        """Answer one request; True when the connection now belongs to a queued job."""
        kind = request.get("kind")
        if kind == "status":
            send_line(conn, self.status())
        elif kind in ("run", "execute"):
            if kind == "execute" and not isinstance(request.get("folder"), str):
                send_line(conn, {"error": "execute needs 'folder': a run-record folder path"})
                return False
            if kind == "run" and not (isinstance(request.get("file"), str) or "spec" in request):
                send_line(conn, {"error": "run needs 'file' (a pipeline file) or 'spec' (the pipeline as JSON)"})
                return False
            job = Job(uuid.uuid4().hex[:12], kind, request, conn if kind == "run" else None)
            with self.lock:
                if self.shutting_down:
                    send_line(conn, {"error": "the runner is shutting down or restarting; try again"})
                    return False
                self.queue.append(job)
                position = len(self.queue)
                send_line(conn, {"job": job.id, "position": position})
                self.lock.notify_all()
            if kind == "run":
                self.watch_client(job)
            return kind == "run"
        elif kind == "wait":
            job = self.find(str(request.get("job")))
            if job is None:
                send_line(conn, {"error": f"no job {str(request.get('job'))[:40]!r} in this runner"})
                return False
            job.done.wait()
            send_line(conn, {"end": {"exit": job.exit_code}})
        elif kind == "stop":
            send_line(conn, {"job": request.get("job"), "was": self.stop(str(request.get("job")), request.get("signal"))})
        elif kind == "shutdown":
            self.shut_down()
            send_line(conn, {"ok": True})
        else:
            send_line(conn, {"error": f"unknown kind {kind!r}: use run, execute, wait, stop, status or shutdown"})
        return False

    def find(self, job_id: str) -> Job | None:
        with self.lock:
            if self.current is not None and self.current.id == job_id:
                return self.current
            return next((job for job in self.queue if job.id == job_id), None) or self.finished.get(job_id)

    def status(self) -> dict:
        with self.lock:
            return {
                "pid": os.getpid(), "uptime": round(time.time() - self.started, 3), "runs_done": self.runs_done,
                "rss_bytes": rss_bytes(), "running": self.current.id if self.current else None,
                "queue": [job.id for job in self.queue], "zygote": self.zygote_alive(),
            }

    def stop(self, job_id: str, signal_name) -> str:
        """Stop one job as SIGTERM/SIGINT stops a cold `jimu run`; a queued job just leaves the queue."""
        signum = signal.SIGINT if signal_name == "SIGINT" else signal.SIGTERM
        with self.lock:
            for job in self.queue:
                if job.id == job_id:
                    self.queue.remove(job)
                    self._end_unrun(job, 128 + signum, f"jimu: stopped by {signal.Signals(signum).name} while queued")
                    return "queued"
            if self.current is None or self.current.id != job_id:
                return "unknown"
            self.current.stop_signal = signum
            self._signal_from_stop = True
            # The job runs in the main thread, under `jimu run`'s own signal handler: the same stop.
            signal.pthread_kill(threading.main_thread().ident, signum)
            return "running"

    def shut_down(self) -> None:
        with self.lock:
            self.shutting_down = True
            for job in list(self.queue):
                self._end_unrun(job, 1, "jimu: the runner is shutting down; the job did not run")
            self.queue.clear()
            if self.current is not None:
                self.current.stop_signal = signal.SIGTERM
                self._signal_from_stop = True
                signal.pthread_kill(threading.main_thread().ident, signal.SIGTERM)
            self.lock.notify_all()

    def _end_unrun(self, job: Job, code: int, why: str) -> None:
        job.ended, job.exit_code = True, code
        self._remember(job)
        if job.conn is not None:
            try:
                send_line(job.conn, {"err": why})
                send_line(job.conn, {"end": {"exit": code}})
            except OSError:
                pass
            close_connection(job.conn)
        job.done.set()

    # --- jobs -----------------------------------------------------------------------------

    def on_signal(self, signum, frame) -> None:
        """Outside a job's own handler: a stop meant for a job that just ended is ignored; else shut down."""
        if self._signal_from_stop:
            self._signal_from_stop = False
            job = self.current
            if job is not None and job.stop_signal is not None and self.interruptible:
                from jimu.run.node_process import RunStopped

                raise RunStopped(job.stop_signal)
            return
        self.shutting_down = True
        raise SystemExit(128 + signum)

    def work(self) -> None:
        """Run queued jobs until shut down or due for a fresh process."""
        while True:
            with self.lock:
                while not self.queue and not self.shutting_down:
                    if self.due_for_recycling():
                        self.shutting_down = True
                        self.recycle = True
                        return
                    self.lock.wait(timeout=1.0)
                if self.shutting_down:
                    return
                job = self.queue.popleft()
                self.current = job
                self._signal_from_stop = False
            try:
                self.run_job(job)
            finally:
                with self.lock:
                    self.current = None
                    if not job.ended:
                        self.runs_done += 1
                if not job.ended:  # ended by an error of the runner itself: the client still hears of it
                    self._end_unrun(job, 1, "jimu: the runner could not run this job; see its log")
                job.done.set()

    def run_job(self, job: Job) -> None:
        if not self.zygote_alive():
            log("the zygote is gone; starting a new one")
            self.start_zygote()
            self.wait_for_zygote()
        started = time.perf_counter()
        with job_environment(job.request) as stream:
            if job.conn is not None:
                stream.to(job.conn)
            self.interruptible = True
            try:
                code = run_job_in_this_process(job.request) if job.kind == "run" else execute_job(job.request["folder"])
            except KeyboardInterrupt:  # a stop between the job's own steps, outside `jimu run`'s handler
                print(f"jimu: stopped by {signal.Signals(job.stop_signal or signal.SIGTERM).name}", file=sys.stderr)
                code = 128 + (job.stop_signal or signal.SIGTERM)
            finally:
                self.interruptible = False
        self._end(job, code)
        ended = time.perf_counter()
        gc.collect()  # each task leaves an eventpoll fd that only a collection closes; after the reply
        log(f"job {job.id} ({job.kind}) ended with exit code {code} in {ended - started:.2f} s "
            f"(then {time.perf_counter() - ended:.2f} s of gc)")

    def _remember(self, job: Job) -> None:
        with self.lock:
            self.finished[job.id] = job
            while len(self.finished) > FINISHED_JOBS_KEPT:
                self.finished.popitem(last=False)

    def _end(self, job: Job, code: int) -> None:
        with self.lock:  # counted before the client hears of the end: its next status includes it
            self.runs_done += 1
        job.ended, job.exit_code = True, code
        self._remember(job)
        if job.conn is None:
            return
        try:
            send_line(job.conn, {"end": {"exit": code}})
        except OSError:
            pass
        close_connection(job.conn)

    def watch_client(self, job: Job) -> None:
        """A `run` job's client that goes away (killed, Ctrl-C twice) stops its job, as a dead `jimu run` would."""
        try:
            while job.conn.recv(4096):
                pass
        except OSError:
            pass
        if not job.ended:
            self.stop(job.id, "SIGTERM")

    def due_for_recycling(self) -> bool:
        return self.runs_done >= RECYCLE_RUNS or rss_bytes() > RECYCLE_RSS_BYTES or (
            self.runs_done > 0 and code_stamp() != self.code
        )


def close_connection(conn: socket.socket) -> None:
    """Close a connection another thread may be reading (shutdown wakes it up; close alone may not)."""
    try:
        conn.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    conn.close()


def warm_execution_api() -> None:
    """Build the in-process Execution API and its client now, not on the first task (~4 s of Cadwyn)."""
    from airflow.sdk.execution_time.supervisor import InProcessTestSupervisor

    client = InProcessTestSupervisor._api_client()
    try:
        client.get("health")
    except Exception as exc:  # noqa: BLE001 - warming only: the first task builds what is missing
        log(f"warming the Execution API: {type(exc).__name__}: {exc}")


def log(text: str) -> None:
    print(f"{time.strftime('%Y-%m-%d %H:%M:%S')} jimu runner[{os.getpid()}]: {text}", file=sys.__stderr__, flush=True)


def hold_home_lock(home: Path):
    """The lock that makes this the only runner of the home; None when another runner holds it."""
    handle = open(make_runner_dir(home) / "runner.lock", "a")  # noqa: SIM115 - held for the process's life
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        return None
    return handle


def serve() -> int:
    """Run the runner in this process until `jimu runner stop`, SIGTERM or Ctrl-C."""
    home = jimu_home()
    os.environ["JIMU_HOME"] = str(home)
    lock = hold_home_lock(home)
    if lock is None:
        print(f"jimu: a runner already serves {home}", file=sys.stderr)
        return ALREADY_RUNNING_EXIT
    runner = Runner(home)
    started = time.perf_counter()
    runner.prepare()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, runner.on_signal)
    server = runner.listen()
    threading.Thread(target=runner.accept_forever, args=(server,), daemon=True).start()
    log(f"ready in {time.perf_counter() - started:.1f} s on {server.getsockname()} (home {home})")
    try:
        runner.work()
    except SystemExit:
        pass
    finally:
        server.close()
        with runner.lock:
            runner.shutting_down = True
            for job in list(runner.queue):
                runner._end_unrun(job, 1, "jimu: the runner stopped; the job did not run")
            runner.queue.clear()
        if not runner.recycle:
            info_path(home).unlink(missing_ok=True)
            socket_path(home).unlink(missing_ok=True)
        if runner.zygote is not None:
            runner.zygote.stdin.close()  # it serves no more and ends with its last child
    if runner.recycle:
        log(f"replacing this process after {runner.runs_done} runs ({rss_bytes() >> 20} MB, code changed: "
            f"{code_stamp() != runner.code})")
        sys.stdout.flush()
        sys.stderr.flush()
        os.execv(sys.executable, [sys.executable, "-m", "jimu.run.runner"])
    log("stopped")
    return 0


if __name__ == "__main__":
    sys.exit(serve())
