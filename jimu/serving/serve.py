"""`python -m jimu.serving.serve --model URI`: serve one model with uvicorn.

Locally the manager starts it on 127.0.0.1 with `--reuse-port`, so a re-deploy can bind the
same port while the old server still answers, and with `--ready-file`: the server also listens
on a private port, written there, which only it answers (the manager's health check cannot
reach the old server through it). In a pod it binds --host 0.0.0.0 (the model URI may come
from $JIMU_MODEL_URI).
"""

from __future__ import annotations

import argparse
import json
import os
import socket
from pathlib import Path

from jimu.files import write_atomically


def bind(host: str, port: int, reuse_port: bool = False) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if reuse_port:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m jimu.serving.serve", description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=os.environ.get("JIMU_MODEL_URI"), help="model folder or URI (default $JIMU_MODEL_URI)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--reuse-port", action="store_true", help="share the port with the server being replaced")
    parser.add_argument("--ready-file", type=Path, help="write {pid, port, health_port} here once listening")
    parser.add_argument("--log-level", default="warning")
    args = parser.parse_args(argv)
    if not args.model:
        parser.error("give --model or set JIMU_MODEL_URI")

    import uvicorn

    from jimu.serving.app import create_app

    app = create_app(args.model)  # load before binding: a broken model never takes traffic
    sockets = [bind(args.host, args.port, args.reuse_port)]
    if args.ready_file:
        sockets.append(bind("127.0.0.1", 0))
        ready = {"pid": os.getpid(), "port": sockets[0].getsockname()[1], "health_port": sockets[1].getsockname()[1]}
        write_atomically(args.ready_file, json.dumps(ready))
    config = uvicorn.Config(app, log_level=args.log_level, access_log=False, timeout_graceful_shutdown=10)
    uvicorn.Server(config).run(sockets=sockets)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
