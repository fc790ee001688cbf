"""The editor API under load: POST /api/validate of a 200-node spec and PUT saves, over real HTTP.

Server: `jimu ui` (uvicorn) in its own process on a loopback port, as users run it.
Clients: 1 and 8 concurrent httpx clients (threads), each sending its requests back to back.
Cases: validate after a one-query edit (what the editor sends on every change: 99 of the 100
SQL queries are unchanged, so their cached analysis is reused), validate with every query new
(a cold cache: every query parsed), and PUT of the 200-node spec (8 clients, each saving its own
pipeline with its own If-Match chain). Baseline: GET /api/health of the same server, measured
in the same rounds (A B A B ...), so the ratio is what the work costs over an HTTP round trip.
Goal: validate p50 < 100 ms.
"""

from __future__ import annotations

import copy
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import Row, fmt_seconds, isolated_home, machine_summary, parse_args, print_table, section

GOAL_SECONDS = 0.100
NODES = 200


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def start_server(root: Path) -> tuple[subprocess.Popen, str]:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    log = (root / "server.log").open("w")
    server = subprocess.Popen([sys.executable, "-m", "jimu.cli", "ui", "--workspace", str(root / "workspace"),
                               "--port", str(port)], stdout=log, stderr=subprocess.STDOUT, env=os.environ.copy())
    url = f"http://127.0.0.1:{port}"
    import httpx

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx.get(url + "/api/health", timeout=1)
            return server, url
        except httpx.TransportError:
            if server.poll() is not None:
                raise SystemExit(f"jimu ui exited: see {root / 'server.log'}") from None
            time.sleep(0.1)
    raise SystemExit("jimu ui did not answer within 60 s")


def burst(url: str, clients: int, per_client: int, make_request) -> list[float]:
    """Latencies of clients x per_client requests; make_request(client, n, http) sends one."""
    import httpx

    latencies: list[float] = []
    lock = threading.Lock()
    barrier = threading.Barrier(clients)

    def run(c: int) -> None:
        with httpx.Client(base_url=url, timeout=60) as http:
            make_request(c, -1, http)  # a connection and a warm path before the timing
            barrier.wait()
            mine = []
            for n in range(per_client):
                started = time.perf_counter()
                answer = make_request(c, n, http)
                mine.append(time.perf_counter() - started)
                if answer.status_code >= 400:
                    raise SystemExit(f"{answer.request.method} {answer.request.url}: {answer.status_code} {answer.text[:300]}")
            with lock:
                latencies.extend(mine)

    threads = [threading.Thread(target=run, args=(c,)) for c in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies


def main() -> int:
    args = parse_args(__doc__.splitlines()[0])
    root = isolated_home("editor_api", keep=args.keep)
    from specs import generate_pipeline

    rounds = args.repeat or (2 if args.quick else 5)
    per_client = 10 if args.quick else 20
    print(f"bench_editor_api: {machine_summary()}; {rounds} rounds, {per_client} requests per client per round")
    server, url = start_server(root)
    try:
        spec = generate_pipeline(NODES, "mesh", "bench_editor_api")
        sql_nodes = [i for i, n in enumerate(spec["nodes"]) if n["component"].startswith("sql@")]
        print(f"   {len(spec['nodes'])} nodes, {len(sql_nodes)} SQL; server {url}")
        edits = iter(range(10**9))

        def health(c, n, http):
            return http.get("/api/health")

        def validate_edit(c, n, http):
            doc = copy.deepcopy(spec)
            node = doc["nodes"][sql_nodes[next(edits) % len(sql_nodes)]]
            node["params"]["query"] += f"\n-- edit {next(edits)}"
            return http.post("/api/validate", content=json.dumps(doc))

        def validate_cold(c, n, http):
            doc = copy.deepcopy(spec)
            tag = next(edits)
            for i in sql_nodes:
                doc["nodes"][i]["params"]["query"] += f"\n-- cold {tag}"
            return http.post("/api/validate", content=json.dumps(doc))

        import httpx

        etags: dict[int, str] = {}
        for c in range(8):
            doc = {**spec, "id": f"bench-{c}"}
            etags[c] = httpx.post(url + "/api/pipelines", json=doc, timeout=60).json()["etag"]

        def save(c, n, http):
            doc = {**spec, "id": f"bench-{c}", "title": f"save {n}"}
            answer = http.put(f"/api/pipelines/bench-{c}", content=json.dumps(doc), headers={"If-Match": etags[c]})
            if answer.status_code == 200:
                etags[c] = answer.json()["etag"]
            return answer

        first = http_first_validate(url, spec)
        print(f"   first validate after start (catalog load + cold cache): {fmt_seconds(first)}")
        cases = {"health": health, "validate after an edit": validate_edit,
                 "validate, cold cache": validate_cold, "PUT save": save}
        plan = [(1, ["health", "validate after an edit", "validate, cold cache"]),
                (8, ["health", "validate after an edit", "validate, cold cache", "PUT save"])]
        results: dict[tuple[int, str], list[float]] = {}
        for clients, names in plan:
            section(f"{clients} concurrent client(s)")
            for _ in range(rounds):
                for name in names:  # interleaved: a noisy moment hits every case alike
                    cold = name == "validate, cold cache"
                    results.setdefault((clients, name), []).extend(
                        burst(url, clients, max(2, per_client // 5) if cold else per_client, cases[name]))
            for name in names:
                values = results[(clients, name)]
                print(f"   {name:<24} p50 {fmt_seconds(statistics.median(values)):>9}  "
                      f"p99 {fmt_seconds(percentile(values, 99)):>9}  (n={len(values)})")
    finally:
        server.terminate()
        server.wait(timeout=20)

    rows = []
    for (clients, name), values in results.items():
        if name == "health":
            continue
        base = results[(clients, "health")]
        p50 = statistics.median(values)
        goal = "p50 < 100 ms" if name == "validate after an edit" else ""
        rows.append(Row("editor_api", f"{name} p50, {clients} client(s)", p50, statistics.median(base),
                        baseline_name="GET /api/health p50", goal=goal,
                        ok=(p50 < GOAL_SECONDS) if goal else None,
                        note=f"p99 {fmt_seconds(percentile(values, 99))} (health p99 "
                             f"{fmt_seconds(percentile(base, 99))})"))
    print_table("editor API over HTTP: validate and save vs GET /api/health", rows)
    return 0


def http_first_validate(url: str, spec: dict) -> float:
    import httpx

    started = time.perf_counter()
    answer = httpx.post(url + "/api/validate", json=spec, timeout=120)
    seconds = time.perf_counter() - started
    if not answer.json()["ok"]:
        raise SystemExit(f"the generated spec does not validate: {answer.json()['issues'][:3]}")
    return seconds


if __name__ == "__main__":
    sys.exit(main())
