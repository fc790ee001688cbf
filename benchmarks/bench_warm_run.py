"""Warm runs (runner + zygote) vs the cold `jimu run` of the same pipelines, measured in the same run.

Both sides are `python -m jimu.cli run FILE` in a fresh process, as a user types it, in one Jimu
home: with a runner up it runs there (warm), `--cold` runs in the process itself (today's path).
Cases, interleaved warm/cold:
  wine:     the 4-node wine example end to end;
  api:      the same, started over the editor API (`POST /api/runs`, then its SSE stream to the
            run's last event), as the editor does it; against the same cold `jimu run`;
  chains:   N chained no-op nodes (N = 1, 5, 10): fixed cost and per-node cost (least-squares fit);
  memory:   the runner's RSS after 100 runs of a 1-node pipeline, against its RSS after the first.
Goals (issue 8): wine under 1.5 s warm (over the API too); fixed cost under 0.5 s; per-node cost under 150 ms.
"""

from __future__ import annotations

import json
import os
import socket
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_local_run import Runner, chain_spec, fit, write_noop_component
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
)

WINE = REPO / "templates" / "wine_quality" / "pipeline.json"
GOAL_WINE, GOAL_FIXED, GOAL_PER_NODE = 1.5, 0.5, 0.150


def main() -> int:
    args = parse_args(__doc__.splitlines()[0])
    root = isolated_home("warm-run", keep=args.keep, quiet=False)
    sizes = (1, 5) if args.quick else (1, 5, 10)
    repeat = args.repeat or (1 if args.quick else 5)
    memory_runs = 20 if args.quick else 100
    print(f"bench_warm_run: {machine_summary()}; {repeat} timed runs per case")

    components = root / "components"
    write_noop_component(components)
    os.environ["JIMU_COMPONENT_PATH"] = str(components)
    pipelines = root / "pipelines"
    pipelines.mkdir()
    for n in sizes:
        (pipelines / f"noop_chain_{n}.json").write_text(json.dumps(chain_spec(n)), encoding="utf-8")
    logs = root / "logs"
    logs.mkdir()
    commands = Runner(logs)
    cwd = root / "cwd"
    cwd.mkdir()

    from jimu.run.runner_protocol import start_runner

    section("starting the runner")
    started = time.perf_counter()
    client = start_runner()
    startup = time.perf_counter() - started
    print(f"   runner up in {startup:.2f} s (pid {client.pid})", flush=True)

    def jimu_run(file: Path, cold: bool):
        command = [sys.executable, "-m", "jimu.cli", "run", *(["--cold"] if cold else []), str(file)]
        return lambda: commands.run(f"{'cold' if cold else 'warm'} {file.stem}", command, dict(os.environ), cwd, 900)

    rows = []
    try:
        section("wine example, end to end")
        times = interleaved({"warm": jimu_run(WINE, False), "cold": jimu_run(WINE, True)}, repeat)
        wine_warm, wine_cold = median(times["warm"]), median(times["cold"])
        rows.append(Row("warm_run", "wine example, end to end", wine_warm, wine_cold, baseline_name="cold jimu run",
                        goal=f"< {GOAL_WINE:g} s", ok=wine_warm < GOAL_WINE))

        section("wine example, started over the editor API and followed by SSE")
        with editor_api(root) as api:
            over_api = [api_run(api) for _ in range(repeat)]
        rows.append(Row("warm_run", "wine over the API (POST + SSE to the end)", median(over_api), wine_cold,
                        baseline_name="cold jimu run", goal=f"< {GOAL_WINE:g} s", ok=median(over_api) < GOAL_WINE))

        section(f"no-op chains of {sizes} nodes")
        cases = {}
        for n in sizes:
            for cold in (False, True):
                cases[(n, cold)] = jimu_run(pipelines / f"noop_chain_{n}.json", cold)
        times = interleaved(cases, repeat)
        warm_fit = fit({n: median(times[(n, False)]) for n in sizes})
        cold_fit = fit({n: median(times[(n, True)]) for n in sizes})
        for n in sizes:
            rows.append(Row("warm_run", f"{n}-node no-op chain", median(times[(n, False)]), median(times[(n, True)]),
                            baseline_name="cold jimu run"))
        rows.append(Row("warm_run", "fixed cost (fit)", warm_fit[0], cold_fit[0], baseline_name="cold jimu run",
                        goal=f"< {GOAL_FIXED:g} s", ok=warm_fit[0] < GOAL_FIXED))
        rows.append(Row("warm_run", "per-node cost (fit)", warm_fit[1], cold_fit[1], baseline_name="cold jimu run",
                        goal=f"< {GOAL_PER_NODE * 1000:g} ms", ok=warm_fit[1] < GOAL_PER_NODE))

        section(f"runner memory over {memory_runs} runs")
        spec = chain_spec(1)
        first_rss = None
        for i in range(memory_runs):
            for message in client.run({"spec": spec, "env": dict(os.environ), "cwd": str(cwd)}):
                if "end" in message and message["end"]["exit"] != 0:
                    commands.failures.append(f"memory run {i}: exit {message['end']['exit']}")
            if i == 0:
                first_rss = client.status()["rss_bytes"]
        last_rss = client.status()["rss_bytes"]
        growth = (last_rss - first_rss) / max(1, memory_runs - 1) / 2**20
        rows.append(Row("warm_run", f"runner RSS after {memory_runs} runs", last_rss / 2**20, first_rss / 2**20,
                        unit="MB", baseline_name="after the first run", note=f"{growth:.2f} MB per run"))
        rows.append(Row("warm_run", "runner start-up (once)", startup, None))
    finally:
        client.shutdown()

    print_table("warm runs (runner + zygote) vs cold jimu run", rows)
    for failure in commands.failures:
        print(f"FAILED: {failure}")
    return 1 if commands.failures else 0


@contextmanager
def editor_api(root: Path):
    """The editor app on a loopback port, with wine_quality in its workspace; runs go to the runner."""
    import httpx
    import uvicorn

    from jimu.ui_plugin.app import create_app
    from jimu.ui_plugin.config import UiConfig

    workspace = root / "workspace"
    workspace.mkdir(exist_ok=True)
    (workspace / "wine_quality.json").write_bytes(WINE.read_bytes())
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(UiConfig(workspace=workspace)), host="127.0.0.1", port=port,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=120) as client:
            yield client
    finally:
        server.should_exit = True
        thread.join(10)


def api_run(api) -> float:
    """Seconds from POST /api/runs to the run's last SSE event; fails loudly unless the run succeeded."""
    started = time.perf_counter()
    run_id = api.post("/api/runs", json={"pipeline": "wine_quality"}).json()["run_id"]
    last = None
    with api.stream("GET", f"/api/runs/{run_id}/events") as response:
        for line in response.iter_lines():
            if line.startswith("data:"):
                event = json.loads(line[5:])
                if event.get("type") == "run" and event.get("state") in ("success", "failed", "stopped"):
                    last = event
                    break
    seconds = time.perf_counter() - started
    if last is None or last["state"] != "success":
        raise SystemExit(f"the run over the API did not succeed: {last}")
    print(f"   api run {run_id}: {seconds:.2f} s", flush=True)
    return seconds


if __name__ == "__main__":
    sys.exit(main())
