"""Model serving: POST /predict of a deployed model (a real uvicorn server) vs predict in-process.

Jimu: LogisticRegression and a 100-tree RandomForest trained on scikit-learn's breast_cancer
(569 x 30), stored with `write_model` (skops + card) and deployed with
`jimu.serving.manager.deploy` (`python -m jimu.serving.serve` on 127.0.0.1, its default
workers and threads unless --configs says otherwise). Each timed request sends a body encoded
once beforehand ({"rows": [{feature: value}]}, 1 or 100 rows) on a keep-alive connection
(`http.client`: a light client, since it shares the cores with the server) and includes the
server's validation, predict + predict_proba, the JSON answer and reading it back.
Baseline, in the same run: `estimator.predict(X)` + `estimator.predict_proba(X)` on the same
rows as a numpy array, in this process.

1. Latency, 1 client: HTTP and in-process interleaved call by call; p50 / p99 and
   overhead = HTTP p50 - in-process p50 (goal <= 2 ms with 1 row).
2. Concurrency, 1-row bodies, 1 / 8 / 32 clients: N client processes (one keep-alive
   connection each) for a fixed window, against N threads calling predict in this process
   for the same window; the two alternate, case by case, for several rounds (with
   --configs, every configuration is deployed at once and takes its turn in each round). Throughput
   (requests/s; median of the rounds), p50 / p99 of every request, and HTTP / in-process
   ratios (goal: throughput >= 0.7x the in-process one at 8 clients). Also CPU seconds per
   request: the server's processes (from /proc) against the in-process threads' own CPU time,
   a figure that a busy machine disturbs much less than throughput.
On a 2-core machine the client processes share the cores with the server.
"""

from __future__ import annotations

import http.client
import json
import multiprocessing
import os
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import Row, fmt_seconds, isolated_home, machine_summary, median, parse_args, print_table, section

GOAL_OVERHEAD = 0.002
GOAL_THROUGHPUT = 0.7  # of in-process, at GOAL_CLIENTS
GOAL_CLIENTS = 8
CLIENTS = (1, 8, 32)
HEADERS = {"content-type": "application/json"}


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100), linear interpolation (numpy's default)."""
    ordered = sorted(values)
    k = (len(ordered) - 1) * q / 100
    low = int(k)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def models():
    from sklearn.datasets import load_breast_cancer
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.linear_model import LogisticRegression

    data = load_breast_cancer(as_frame=True)
    X, y = data.frame[list(data.feature_names)], data.target
    # Fitted on arrays: the card names the features. (Fitted on the frame, every in-process call
    # would warn about the missing column names, and sklearn's per-call warning filters race
    # between the baseline's threads, so the warnings would be printed.)
    yield "logreg", LogisticRegression(max_iter=10_000).fit(X.to_numpy(), y), X, y
    yield "forest100", RandomForestClassifier(n_estimators=100, random_state=0, n_jobs=1).fit(X.to_numpy(), y), X, y


def process_tree_cpu(pid: int) -> float:
    """CPU seconds (user + system) used so far by `pid` and its children (the server's workers)."""
    ticks = os.sysconf("SC_CLK_TCK")
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        children = []
    total = 0.0
    for process in [pid, *map(int, children)]:
        try:
            fields = Path(f"/proc/{process}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / ticks
    return total


class Client:
    """One keep-alive connection posting a fixed body to /predict."""

    def __init__(self, url: str, body: bytes) -> None:
        parts = urlsplit(url)
        self.connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        self.path, self.body = parts.path, body

    def post(self) -> tuple[int, bytes]:
        self.connection.request("POST", self.path, self.body, HEADERS)
        response = self.connection.getresponse()
        return response.status, response.read()

    def close(self) -> None:
        self.connection.close()


def latency(url: str, body: bytes, estimator, array, requests: int, warmup: int) -> tuple[list[float], list[float]]:
    """(HTTP seconds, in-process seconds) per call, interleaved one for one."""
    client = Client(url, body)
    for _ in range(warmup):
        client.post()
        estimator.predict(array), estimator.predict_proba(array)
    http_times, local = [], []
    clock = time.perf_counter
    for _ in range(requests):
        started = clock()
        status, answer = client.post()
        http_times.append(clock() - started)
        if status != 200:
            raise RuntimeError(f"POST /predict answered {status}: {answer[:300]!r}")
        started = clock()
        estimator.predict(array)
        estimator.predict_proba(array)
        local.append(clock() - started)
    client.close()
    return http_times, local


def _client_process(url: str, body: bytes, seconds: float, start_line, results) -> None:
    client = Client(url, body)
    client.post()  # connect outside the timing
    start_line.wait()
    deadline = time.monotonic() + seconds
    times, errors = [], 0
    while True:
        started = time.monotonic()
        if started >= deadline:
            break
        status, _ = client.post()
        finished = time.monotonic()
        if status != 200:
            errors += 1
        elif finished <= deadline:
            times.append(finished - started)
    client.close()
    results.put((times, errors))


def http_load(url: str, body: bytes, clients: int, seconds: float, server_pid: int) -> tuple[float, list[float], int, float]:
    """(requests/s, seconds per request, errors, server CPU seconds per request) of `clients` processes posting for `seconds`."""
    context = multiprocessing.get_context("fork")  # the clients only use http.client
    start_line, results = context.Barrier(clients + 1), context.Queue()
    processes = [
        context.Process(target=_client_process, args=(url, body, seconds, start_line, results), daemon=True)
        for _ in range(clients)
    ]
    for process in processes:
        process.start()
    start_line.wait()
    cpu = process_tree_cpu(server_pid)
    times, errors = [], 0
    for _ in processes:
        more, failed = results.get(timeout=seconds + 120)
        times += more
        errors += failed
    cpu = process_tree_cpu(server_pid) - cpu
    for process in processes:
        process.join()
    return len(times) / seconds, times, errors, cpu / max(1, len(times) + errors)


def local_load(estimator, array, threads: int, seconds: float) -> tuple[float, list[float], float]:
    """(calls/s, seconds per call, CPU seconds per call) of `threads` threads calling predict + predict_proba for `seconds`."""
    start_line = threading.Barrier(threads + 1)
    per_thread: list[list[float]] = [[] for _ in range(threads)]
    cpu = [0.0] * threads

    def worker(i: int, times: list[float]) -> None:
        start_line.wait()
        deadline = time.monotonic() + seconds
        cpu[i] = -time.thread_time()
        while (started := time.monotonic()) < deadline:
            estimator.predict(array)
            estimator.predict_proba(array)
            if (finished := time.monotonic()) <= deadline:
                times.append(finished - started)
        cpu[i] += time.thread_time()

    workers = [threading.Thread(target=worker, args=(i, times), daemon=True) for i, times in enumerate(per_thread)]
    for thread in workers:
        thread.start()
    start_line.wait()
    for thread in workers:
        thread.join()
    times = [t for chunk in per_thread for t in chunk]
    return len(times) / seconds, times, sum(cpu) / max(1, len(times))


def parse_configs(parser) -> None:
    parser.add_argument(
        "--configs", default="default",
        help="server configurations to compare, comma-separated WORKERSxTHREADS (e.g. 1x1,1x4,2x1); "
             "'default' is the server's own choice",
    )


def deploy_config(config: str) -> None:
    """Set the environment the deployed server reads its workers and threads from."""
    from jimu.serving.serve import THREADS_ENV, WORKERS_ENV

    os.environ.pop(WORKERS_ENV, None)
    os.environ.pop(THREADS_ENV, None)
    if config != "default":
        workers, threads = config.split("x")
        os.environ.update({WORKERS_ENV: workers, THREADS_ENV: threads})


def main() -> int:
    args = parse_args(__doc__.splitlines()[0], parse_configs)
    root = isolated_home("serving", keep=args.keep)
    requests = args.repeat or (300 if args.quick else 1000)
    window, rounds = (2.0, 1) if args.quick else (5.0, 3)
    configs = args.configs.split(",")
    print(f"bench_serving: {machine_summary()}; {requests} requests per latency case, "
          f"{rounds} round(s) of {window:.0f} s per concurrency case; configs {configs}")

    import numpy as np

    from jimu.runtime.models import write_model
    from jimu.serving import manager
    from jimu.serving.serve import usable_cpus

    print(f"   usable CPUs: {usable_cpus()} (the default server runs one worker per usable CPU, 1 thread each)")
    rows: list[Row] = []
    for name, estimator, X, _y in models():
        uri = str(root / "models" / name)
        write_model(uri, estimator, {
            "features": list(X.columns), "label": "target", "classes": [int(c) for c in estimator.classes_],
            "task": "classification", "name": name,
        })
        # Every configuration is deployed at once, so that their windows can alternate.
        deployments = {}
        try:
            for i, config in enumerate(configs):
                label = name if config == "default" else f"{name} [{config}]"
                deploy_config(config)
                started = time.perf_counter()
                deployments[label] = manager.deploy(f"bench-{name}-{i}", uri)
                seconds = time.perf_counter() - started
                print(f"   {label}: deploy (spawn to healthy) {fmt_seconds(seconds)} at {deployments[label].url}")
                rows.append(Row("serving", f"{label}: deploy (spawn to healthy)", seconds))
            for label, deployment in deployments.items():
                section(f"{label}: latency, 1 client, HTTP and in-process alternating call by call")
                rows += latency_rows(label, f"{deployment.url}/predict", estimator, X, requests, np)
            rows += concurrency_rows(name, deployments, estimator, X, window, rounds, np)
        finally:
            for i in range(len(deployments)):
                manager.stop(f"bench-{name}-{i}")
    print_table("serving: POST /predict on a local deployment vs predict in-process", rows)
    return 0


def latency_rows(label: str, url: str, estimator, X, requests: int, np) -> list[Row]:
    rows = []
    for n in (1, 100):
        frame = X.iloc[:n]
        body = json.dumps({"rows": frame.to_dict(orient="records")}).encode()
        array = frame.to_numpy(dtype=np.float64)
        client = Client(url, body)
        status, answer = client.post()
        client.close()
        if status != 200 or json.loads(answer)["predictions"] != estimator.predict(array).tolist():
            print(f"   WARNING: the server's answer differs from the in-process one: {status} {answer[:200]!r}")
        http_times, local = latency(url, body, estimator, array, requests, warmup=50)
        h50, h99, l50, l99 = median(http_times), percentile(http_times, 99), median(local), percentile(local, 99)
        overhead = h50 - l50
        print(f"   {n:>3} row(s): HTTP p50 {fmt_seconds(h50)} p99 {fmt_seconds(h99)}; "
              f"in-process p50 {fmt_seconds(l50)} p99 {fmt_seconds(l99)}; overhead p50 {fmt_seconds(overhead)}",
              flush=True)
        rows.append(Row("serving", f"{label}, {n} row(s), 1 client: p50", h50, l50, baseline_name="in-process"))
        rows.append(Row("serving", f"{label}, {n} row(s), 1 client: p99", h99, l99, baseline_name="in-process"))
        rows.append(Row("serving", f"{label}, {n} row(s), 1 client: overhead p50 (HTTP - in-process)", overhead,
                        goal="<= 2 ms" if n == 1 else "", ok=overhead <= GOAL_OVERHEAD if n == 1 else None))
    return rows


def concurrency_rows(name: str, deployments: dict, estimator, X, window: float, rounds: int, np) -> list[Row]:
    section(f"{name}: 1-row bodies, {rounds} x {window:.0f} s per case; each server and in-process alternating")
    frame = X.iloc[:1]
    body = json.dumps({"rows": frame.to_dict(orient="records")}).encode()
    array = frame.to_numpy(dtype=np.float64)
    # (rates, seconds per request, errors, CPU per request) by server label, then client count
    served = {label: {n: [[], [], 0, []] for n in CLIENTS} for label in deployments}
    local: dict[int, list] = {n: [[], [], []] for n in CLIENTS}
    for _ in range(rounds):
        for n in CLIENTS:
            for label, deployment in deployments.items():
                rate, times, errors, cpu = http_load(f"{deployment.url}/predict", body, n, window, deployment.pid)
                tally = served[label][n]
                tally[0].append(rate)
                tally[1] += times
                tally[2] += errors
                tally[3].append(cpu)
            rate, times, cpu = local_load(estimator, array, n, window)
            local[n][0].append(rate)
            local[n][1] += times
            local[n][2].append(cpu)
    rows = []
    for label in deployments:
        print(f"   {label}:")
        for n in CLIENTS:
            (rates, times, errors, cpus), (local_rates, local_times, local_cpus) = served[label][n], local[n]
            rps, local_rps = median(rates), median(local_rates)
            h50, h99, l50, l99 = (median(times), percentile(times, 99), median(local_times), percentile(local_times, 99))
            ratio = rps / local_rps
            print(f"   {n:>2} client(s): {rps:,.0f} req/s, p50 {fmt_seconds(h50)} p99 {fmt_seconds(h99)}, "
                  f"server CPU {fmt_seconds(median(cpus))}/request; in-process {n} thread(s): {local_rps:,.0f} calls/s, "
                  f"p50 {fmt_seconds(l50)} p99 {fmt_seconds(l99)}, CPU {fmt_seconds(median(local_cpus))}/call; "
                  f"throughput ratio {ratio:.2f}x" + (f"; {errors} errors" if errors else ""), flush=True)
            goal = n == GOAL_CLIENTS
            rows.append(Row("serving", f"{label}, 1 row, {n} client(s): throughput", rps, local_rps, unit="req/s",
                            baseline_name=f"in-process, {n} thread(s), calls/s",
                            goal=f">= {GOAL_THROUGHPUT}x" if goal else "", ok=ratio >= GOAL_THROUGHPUT if goal else None,
                            note=f"{errors} non-200 answers" if errors else ""))
            baseline = f"in-process, {n} thread(s)"
            rows.append(Row("serving", f"{label}, 1 row, {n} client(s): p50", h50, l50, baseline_name=baseline))
            rows.append(Row("serving", f"{label}, 1 row, {n} client(s): p99", h99, l99, baseline_name=baseline))
            rows.append(Row("serving", f"{label}, 1 row, {n} client(s): CPU per request", median(cpus), median(local_cpus),
                            baseline_name=baseline))
    return rows


if __name__ == "__main__":
    sys.exit(main())
