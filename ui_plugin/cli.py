"""`jimu ui`: the editor on this machine, registered through the `jimu.commands` entry point.

The core `jimu` command never imports the editor: it loads this module's `register` from the
entry point, and FastAPI and uvicorn are imported only when `jimu ui` runs.
"""

from __future__ import annotations

import argparse
import ipaddress
import os
import sys
import threading
import webbrowser
from pathlib import Path

TOKEN_ENV = "JIMU_UI_TOKEN"
DEFAULT_PORT = 8765
# Exit status when the server may not start as asked (argparse uses 2 for usage errors too).
REFUSED = 2

EPILOG = f"""examples:
  jimu ui                                  # http://127.0.0.1:{DEFAULT_PORT}/, workspace in $JIMU_HOME/workspace
  jimu ui --workspace pipelines/ --open    # edit the pipelines in ./pipelines and open a browser
  JIMU_UI_TOKEN=s3cret jimu ui --host 0.0.0.0   # reachable from other machines: every API call
                                                # then needs `Authorization: Bearer s3cret`
"""


def register(sub) -> None:
    """Add `ui` to the `jimu` command's subparsers."""
    p = sub.add_parser(
        "ui", help="serve the visual editor and its API on this machine",
        description="Serve the editor's API under /api (docs at /docs) and its front end at /.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--workspace", type=Path, default=None,
                   help="folder of pipeline JSON files (default: $JIMU_HOME/workspace, created if missing)")
    p.add_argument("--host", default="127.0.0.1",
                   help="address to listen on (default 127.0.0.1; any other address needs a token)")
    p.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT})")
    p.add_argument("--open", action="store_true", help="open the editor in a web browser")
    p.add_argument("--token", default=None,
                   help=f"require `Authorization: Bearer TOKEN` on every API call (default ${TOKEN_ENV})")
    p.add_argument("--dags-folder", type=Path, default=None,
                   help="where deploy writes DAG files (default: deploy is off)")
    p.add_argument("--no-runner", action="store_true",
                   help="run each pipeline in a fresh process (slow start) instead of the warm runner")
    p.set_defaults(run=run_ui)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name: it may resolve to anything


def run_ui(args) -> int:
    token = args.token or os.environ.get(TOKEN_ENV) or None
    if not is_loopback(args.host) and not token:
        print(f"error: refusing to listen on {args.host} without a token: anyone who reaches it could edit "
              f"and deploy pipelines; pass --token TOKEN or set ${TOKEN_ENV} (or listen on 127.0.0.1)",
              file=sys.stderr)
        return REFUSED
    import uvicorn

    from jimu.home import jimu_home
    from jimu.ui_plugin.app import create_app
    from jimu.ui_plugin.config import UiConfig

    workspace = (args.workspace or jimu_home() / "workspace").absolute()
    workspace.mkdir(parents=True, exist_ok=True)
    config = UiConfig(workspace=workspace, token=token,
                      dags_folder=args.dags_folder.absolute() if args.dags_folder else None,
                      component_dirs=tuple(Path(d) for d in getattr(args, "components", [])),
                      warm_runs=not args.no_runner, start_runner=not args.no_runner)
    app = create_app(config)
    host = f"[{args.host}]" if ":" in args.host else args.host
    url = f"http://{host}:{args.port}/"
    print(f"Jimu editor: {url} (API docs {url}docs)")
    print(f"  workspace: {workspace}")
    if token:
        print("  every API call needs `Authorization: Bearer <token>`")
    if not args.no_runner:
        print("  runs: the warm runner of this Jimu home (started now if none is up; stopped on exit if started here)")
    sys.stdout.flush()
    if args.open:
        threading.Timer(1.0, webbrowser.open, args=(url,)).start()
    uvicorn.run(app, host=args.host, port=args.port, log_level="info")
    return 0
