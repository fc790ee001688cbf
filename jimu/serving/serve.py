"""`python -m jimu.serving.serve --model URI`: serve one model with uvicorn.

Locally the manager starts it on 127.0.0.1 with `--reuse-port`, so a re-deploy can bind the
same port while the old server still answers, and with `--ready-file`: the server also listens
on a private port, written there, which only it answers (the manager's health check cannot
reach the old server through it). In a pod it binds --host 0.0.0.0 (the model URI may come
from $JIMU_MODEL_URI).

Workers: one process per usable CPU by default. scikit-learn's predict holds the GIL for most
of a small request (a 100-tree forest is a Python loop over the trees), so threads in one
process do not add throughput: processes do (see benchmarks/README.md, serving). With more
than one worker, this process loads the model, binds the sockets and forks the workers (the
model's memory is shared copy-on-write and a worker starts in milliseconds, where a spawned
one would import everything and load the model again); it replaces a worker that dies and
passes SIGTERM/SIGINT on to all of them.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import signal
import socket
import sys
import time
import traceback
from pathlib import Path

from jimu.files import write_atomically

WORKERS_ENV = "JIMU_SERVING_WORKERS"
THREADS_ENV = "JIMU_SERVING_THREADS"


def bind(host: str, port: int, reuse_port: bool = False) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if reuse_port:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def usable_cpus() -> int:
    """CPUs this process may run on: its affinity mask, capped by a cgroup v2 CPU quota (a pod's limit)."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cpus = os.cpu_count() or 1
    try:
        quota, period = Path("/sys/fs/cgroup/cpu.max").read_text().split()[:2]
        if quota != "max":
            cpus = min(cpus, math.ceil(int(quota) / int(period)))
    except (OSError, ValueError):
        pass
    return max(1, cpus)


def _exit_with_parent() -> None:
    # A worker orphaned by a SIGKILLed supervisor would keep serving the old model on a shared port.
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def serve_forked(server_for_worker, sockets: list[socket.socket], workers: int) -> int:
    """Fork `workers` processes running `server_for_worker().run(sockets=sockets)`; supervise them."""
    gc.freeze()  # the loaded model stays in shared pages: the workers' collector never touches it
    started: dict[int, float] = {}
    stopping = False

    def start_worker() -> None:
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                for sig in (signal.SIGTERM, signal.SIGINT):
                    signal.signal(sig, signal.SIG_DFL)  # uvicorn installs its own once serving
                _exit_with_parent()
                server_for_worker().run(sockets=sockets)
                code = 0
            except BaseException:
                traceback.print_exc()
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(code)
        started[pid] = time.monotonic()

    def stop(signum: int, _frame) -> None:
        nonlocal stopping
        stopping = True
        for sock in sockets:
            sock.close()  # a listening socket left open here would take connections nobody accepts
        for pid in started:
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for _ in range(workers):
        start_worker()
    while started:
        pid, status = os.wait()
        lived = time.monotonic() - started.pop(pid)
        if not stopping:
            print(f"jimu.serving: worker {pid} exited ({status=}) after {lived:.1f} s; starting another", flush=True)
            time.sleep(max(0.0, 1.0 - lived))  # no fork storm if workers die at once
            if not stopping:  # a SIGTERM may have come during the pause
                start_worker()
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m jimu.serving.serve", description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=os.environ.get("JIMU_MODEL_URI"), help="model folder or URI (default $JIMU_MODEL_URI)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--reuse-port", action="store_true", help="share the port with the server being replaced")
    parser.add_argument("--ready-file", type=Path, help="write {pid, port, health_port} here once listening")
    parser.add_argument("--log-level", default="warning")
    parser.add_argument(
        "--workers", type=int, default=int(os.environ.get(WORKERS_ENV) or 0),
        help=f"worker processes (default ${WORKERS_ENV}, else one per usable CPU)",
    )
    parser.add_argument(
        "--threads", type=int, default=int(os.environ.get(THREADS_ENV) or 1),
        help=f"predictions at once per worker, each in a thread off the event loop (default ${THREADS_ENV}, else 1)",
    )
    args = parser.parse_args(argv)
    if not args.model:
        parser.error("give --model or set JIMU_MODEL_URI")
    if args.threads < 1 or args.workers < 0:
        parser.error("--threads must be >= 1 and --workers >= 0 (0: one per usable CPU)")
    workers = args.workers or usable_cpus()

    import uvicorn

    from jimu.serving.app import create_app

    app = create_app(args.model, threads=args.threads)  # load before binding: a broken model never takes traffic
    sockets = [bind(args.host, args.port, args.reuse_port)]
    if args.ready_file:
        sockets.append(bind("127.0.0.1", 0))
        ready = {"pid": os.getpid(), "port": sockets[0].getsockname()[1], "health_port": sockets[1].getsockname()[1]}
        write_atomically(args.ready_file, json.dumps(ready))
    options = dict(log_level=args.log_level, access_log=False, timeout_graceful_shutdown=10)
    if workers == 1:
        uvicorn.Server(uvicorn.Config(app, **options)).run(sockets=sockets)
        return 0

    return serve_forked(lambda: uvicorn.Server(uvicorn.Config(app, **options)), sockets, workers)


if __name__ == "__main__":
    raise SystemExit(main())
