"""What the Airflow plugin costs Airflow: importing it, building the editor app, and a request.

(a) Import. Every Airflow process loads plugins (scheduler, dag processor, triggerer, ...).
    Jimu: `import jimu.plugins.airflow_plugin` in a fresh process after Airflow's plugins
    manager is imported. Baseline, in the same process just before: `import
    airflow.plugins_manager`, which every one of those processes pays anyway.
(b) App build. Only the api-server builds the editor app (on first read of `fastapi_apps`).
    Jimu: `editor_app()` in a fresh process once Airflow's `core_api.security` is imported (the
    api-server imports it for its own routes before it reads plugins). Baseline, in the same
    process just before: that import.
(c) Request. A real `airflow api-server` with the plugin (tests/plugins/airflow_server.py):
    `GET /jimu/api/health` with a bearer token (Airflow's JWT check + the mount), against
    Airflow's own `GET /api/v2/version` (no auth) on the same server and keep-alive client.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (
    REPO,
    Row,
    interleaved,
    isolated_home,
    machine_summary,
    median,
    parse_args,
    print_table,
    section,
    spread,
)

IMPORT_CODE = """
import json, time
started = time.perf_counter(); import airflow.plugins_manager; baseline = time.perf_counter() - started
started = time.perf_counter(); import jimu.plugins.airflow_plugin; jimu = time.perf_counter() - started
print(json.dumps([jimu, baseline]))
"""
BUILD_CODE = """
import json, time
import airflow.plugins_manager, jimu.plugins.airflow_plugin as plugin
started = time.perf_counter(); import airflow.api_fastapi.core_api.security; baseline = time.perf_counter() - started
started = time.perf_counter(); plugin.editor_app(); jimu = time.perf_counter() - started
print(json.dumps([jimu, baseline]))
"""


def in_fresh_processes(code: str, runs: int) -> tuple[list[float], list[float]]:
    """(jimu, baseline) seconds from `runs` fresh interpreters, each printing its own pair."""
    jimu, baseline = [], []
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
        pair = json.loads(out.strip().splitlines()[-1])
        jimu.append(pair[0])
        baseline.append(pair[1])
    return jimu, baseline


def bench_fresh_process(title: str, code: str, runs: int, case: str, baseline_name: str, goal: str, ok, rows):
    section(f"{title}: {runs} fresh processes")
    jimu, baseline = in_fresh_processes(code, runs)
    print(f"   jimu {spread(jimu)}; {baseline_name} {spread(baseline)}")
    rows.append(
        Row("plugin", case, median(jimu), median(baseline), baseline_name=baseline_name, goal=goal,
            ok=ok(median(jimu), median(baseline)))
    )


def bench_requests(root: Path, repeat: int, rows: list[Row]) -> None:
    import httpx

    sys.path.insert(0, str(REPO))
    from tests.plugins.airflow_server import running_airflow_server

    section(f"(c) requests through a real api-server: {repeat} interleaved pairs")
    with running_airflow_server(root / "server") as server:
        token = server.token("viewer")
        with httpx.Client(base_url=server.base_url, timeout=30) as client:
            headers = {"Authorization": f"Bearer {token}"}

            def jimu():
                client.get("/jimu/api/health", headers=headers).raise_for_status()

            def airflow():
                client.get("/api/v2/version", headers=headers).raise_for_status()

            times = interleaved({"jimu": jimu, "airflow": airflow}, repeat, warmup=5)
    print(f"   /jimu/api/health {spread(times['jimu'])}; /api/v2/version {spread(times['airflow'])}")
    extra = median(times["jimu"]) - median(times["airflow"])
    rows.append(
        Row("plugin", "GET /jimu/api/health (JWT)", median(times["jimu"]), median(times["airflow"]),
            baseline_name="GET /api/v2/version", goal="<= 5 ms over Airflow's own route",
            ok=extra <= 0.005, note=f"{extra * 1e3:+.1f} ms per request")
    )


def main() -> None:
    args = parse_args(__doc__.splitlines()[0])
    root = isolated_home("plugin", keep=args.keep)
    processes = args.repeat or (3 if args.quick else 7)
    requests = args.repeat or (50 if args.quick else 300)
    print(machine_summary())
    rows: list[Row] = []
    bench_fresh_process(
        "(a) import", IMPORT_CODE, processes, "import the plugin module", "import airflow.plugins_manager",
        "<= 1% of the baseline", lambda jimu, base: jimu <= 0.01 * base, rows,
    )
    bench_fresh_process(
        "(b) editor app build", BUILD_CODE, processes, "build the editor app (api-server only)",
        "import core_api.security", "<= 100 ms", lambda jimu, base: jimu <= 0.1, rows,
    )
    bench_requests(root, requests, rows)
    print_table("Airflow plugin", rows)


if __name__ == "__main__":
    main()
