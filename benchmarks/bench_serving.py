"""Model serving: POST /predict of a deployed model (a real uvicorn process) vs predict in-process.

Jimu: LogisticRegression and a 100-tree RandomForest trained on scikit-learn's breast_cancer
(569 x 30), stored with `write_model` (skops + card) and deployed with
`jimu.serving.manager.deploy` (a `python -m jimu.serving.serve` process on 127.0.0.1). The
client is one keep-alive `httpx.Client`; the body (1 row or 100 rows as {"rows": [{feature:
value}]}) is encoded once, outside the timing; each timed request includes sending, the server's
validation, predict + predict_proba, the JSON answer and reading it back.
Baseline, in the same run and interleaved request by request: `estimator.predict(X)` +
`estimator.predict_proba(X)` on the same rows as a numpy array, in this process.
Reported: p50 / p99 of each, overhead = HTTP p50 - in-process p50 (goal <= 2 ms), and
throughput (requests/s, 1-row bodies) with 1, 4 and 16 concurrent clients (threads, one
keep-alive client each, for a fixed time), next to single-thread in-process calls/s.
The client threads share the machine's cores with the server: on a 2-core box the 16-client
figure is bounded by the CPU, not by the server alone.
"""

from __future__ import annotations

import json
import sys
import threading
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import Row, fmt_seconds, isolated_home, machine_summary, median, parse_args, print_table, section

GOAL_OVERHEAD = 0.002


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
    yield "logreg", LogisticRegression(max_iter=10_000).fit(X, y), X, y
    yield "forest100", RandomForestClassifier(n_estimators=100, random_state=0, n_jobs=1).fit(X, y), X, y


def latency(client, url: str, body: bytes, estimator, array, requests: int, warmup: int) -> tuple[list[float], list[float]]:
    """(HTTP seconds, in-process seconds) per call, interleaved one for one."""
    headers = {"content-type": "application/json"}
    for _ in range(warmup):
        client.post(url, content=body, headers=headers).raise_for_status()
        estimator.predict(array), estimator.predict_proba(array)
    http, local = [], []
    clock = time.perf_counter
    for _ in range(requests):
        started = clock()
        response = client.post(url, content=body, headers=headers)
        http.append(clock() - started)
        if response.status_code != 200:
            raise RuntimeError(f"POST /predict answered {response.status_code}: {response.text[:300]}")
        started = clock()
        estimator.predict(array)
        estimator.predict_proba(array)
        local.append(clock() - started)
    return http, local


def throughput(url: str, body: bytes, clients: int, seconds: float) -> tuple[float, int]:
    """(requests/s, errors) of `clients` threads, each with its own keep-alive client, for `seconds`."""
    import httpx

    headers = {"content-type": "application/json"}
    counts, errors = [0] * clients, [0] * clients
    clock = [0.0, 0.0]  # started, deadline: set by the barrier once every client is connected

    def go() -> None:
        clock[0] = time.perf_counter()
        clock[1] = clock[0] + seconds

    start_line = threading.Barrier(clients + 1, action=go)

    def worker(i: int) -> None:
        with httpx.Client(timeout=30.0) as client:
            client.post(url, content=body, headers=headers)  # connect outside the timing
            start_line.wait()
            while time.perf_counter() < clock[1]:
                if client.post(url, content=body, headers=headers).status_code == 200:
                    counts[i] += 1
                else:
                    errors[i] += 1

    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(clients)]
    for thread in threads:
        thread.start()
    start_line.wait()
    for thread in threads:
        thread.join(timeout=seconds + 60)
    elapsed = time.perf_counter() - clock[0]
    return sum(counts) / elapsed, sum(errors)


def local_throughput(estimator, array, seconds: float) -> float:
    calls, started = 0, time.perf_counter()
    deadline = started + seconds
    while time.perf_counter() < deadline:
        estimator.predict(array)
        estimator.predict_proba(array)
        calls += 1
    return calls / (time.perf_counter() - started)


def main() -> int:
    args = parse_args(__doc__.splitlines()[0])
    root = isolated_home("serving", keep=args.keep)
    requests = args.repeat or (500 if args.quick else 1000)
    window = 3.0 if args.quick else 10.0
    print(f"bench_serving: {machine_summary()}; {requests} requests per latency case, {window:.0f} s per throughput case")

    import httpx
    import numpy as np

    from jimu.runtime.models import write_model
    from jimu.serving import manager

    warnings.filterwarnings("ignore", message="X does not have valid feature names")
    rows: list[Row] = []
    for name, estimator, X, _y in models():
        uri = str(root / "models" / name)
        write_model(uri, estimator, {
            "features": list(X.columns), "label": "target", "classes": [int(c) for c in estimator.classes_],
            "task": "classification", "name": name,
        })
        section(f"{name}: deploy")
        started = time.perf_counter()
        deployment = manager.deploy(f"bench-{name}", uri)
        print(f"   deploy (spawn to healthy): {fmt_seconds(time.perf_counter() - started)} at {deployment.url}")
        rows.append(Row("serving", f"{name}: deploy (spawn to healthy)", time.perf_counter() - started))
        try:
            url = f"{deployment.url}/predict"
            with httpx.Client(timeout=30.0) as client:
                for n in (1, 100):
                    frame = X.iloc[:n]
                    body = json.dumps({"rows": frame.to_dict(orient="records")}).encode()
                    array = frame.to_numpy(dtype=np.float64)
                    answer = client.post(url, content=body, headers={"content-type": "application/json"}).json()
                    if answer["predictions"] != estimator.predict(array).tolist():
                        print("   WARNING: the server's predictions differ from the in-process ones")
                    http, local = latency(client, url, body, estimator, array, requests, warmup=100)
                    h50, h99, l50, l99 = median(http), percentile(http, 99), median(local), percentile(local, 99)
                    overhead = h50 - l50
                    print(f"   {n:>3} row(s): HTTP p50 {fmt_seconds(h50)} p99 {fmt_seconds(h99)}; "
                          f"in-process p50 {fmt_seconds(l50)} p99 {fmt_seconds(l99)}; overhead p50 {fmt_seconds(overhead)}",
                          flush=True)
                    rows.append(Row("serving", f"{name}, {n} row(s): p50", h50, l50, baseline_name="in-process"))
                    rows.append(Row("serving", f"{name}, {n} row(s): p99", h99, l99, baseline_name="in-process"))
                    rows.append(Row("serving", f"{name}, {n} row(s): overhead p50 (HTTP - in-process)", overhead,
                                    goal="<= 2 ms", ok=overhead <= GOAL_OVERHEAD))
            section(f"{name}: throughput, 1-row bodies, {window:.0f} s per case")
            frame = X.iloc[:1]
            body = json.dumps({"rows": frame.to_dict(orient="records")}).encode()
            array = frame.to_numpy(dtype=np.float64)
            local_rps = local_throughput(estimator, array, min(window, 3.0))
            print(f"   in-process, 1 thread: {local_rps:,.0f} calls/s")
            for clients in (1, 4, 16):
                rps, errors = throughput(url, body, clients, window)
                print(f"   {clients:>2} client(s): {rps:,.0f} requests/s" + (f", {errors} errors" if errors else ""), flush=True)
                rows.append(Row("serving", f"{name}, 1 row: {clients} client(s)", rps, local_rps, unit="req/s",
                                baseline_name="in-process 1 thread, calls/s",
                                note=f"{errors} non-200 answers" if errors else ""))
        finally:
            manager.stop(f"bench-{name}")
            print(f"   stopped bench-{name}")
    print_table("serving: POST /predict on a local deployment vs predict in-process", rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
