"""The pyalink component (StandardScaler + LogisticRegression on Alink/Flink, Python 3.8) vs scikit-learn in-process.

Jimu: the built-in `pyalink@1.0.0` component run the way a local run runs it: its own Python 3.8
environment (built once by `python_for(catalog.require("pyalink@1.0.0"))`, timed apart), one
`python3.8 -m jimu.runtime.entry --invocation-file ...` process that reads the table, starts a
local Flink environment in a JVM (`useLocalEnv`), fits the chain on breast_cancer (569 x 30),
transforms the same rows and writes the result table.
Baseline, in the same run: scikit-learn's `make_pipeline(StandardScaler(), LogisticRegression())`
fitted and applied to the same rows in this process.

The PyAlink time is broken down from the process's own output, each line time-stamped as it
arrives (spawn + imports + reading the table until the component logs "starting a local Alink
environment"; then `import pyalink.alink` until its banner, the JVM launch until py4j's "JVM
listening on", and from there to the entry's "done" line: Flink's local env, the job and the
write), and by a probe process in the same environment that times `import pyalink.alink`, `useLocalEnv(1)`
and `resetEnv()` alone: the job's own share is the rest.
No goal: the ratio says what running a JVM framework per node costs next to in-process sklearn.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (
    Row,
    fmt_seconds,
    isolated_home,
    machine_summary,
    median,
    parse_args,
    print_table,
    section,
    spread,
)

REF = "pyalink@1.0.0"
AGREEMENT = 0.95
START_MARK = "starting a local Alink environment"
DONE_MARK = "done:"
IMPORTED_MARK = "Use one of the following commands to start using PyAlink"  # printed by `import pyalink.alink`
JVM_MARK = "JVM listening on"  # py4j gateway up: the JVM runs; useLocalEnv then starts Flink's local env

PROBE = r'''
import json, os, sys, time
t0 = time.perf_counter()
sys.path.insert(0, sys.argv[1])
import main as component  # the component's own JVM flags
os.environ["JAVA_TOOL_OPTIONS"] = component.java_tool_options(os.environ.get("JAVA_TOOL_OPTIONS", ""))
t1 = time.perf_counter()
from pyalink.alink import resetEnv, useLocalEnv
t2 = time.perf_counter()
useLocalEnv(1)
t3 = time.perf_counter()
resetEnv()
t4 = time.perf_counter()
print("JIMU_PROBE " + json.dumps({"import_pyalink": t2 - t1, "use_local_env": t3 - t2, "reset_env": t4 - t3}), flush=True)
'''


def breast_cancer():
    import pandas as pd
    from sklearn.datasets import load_breast_cancer

    data = load_breast_cancer()
    frame = pd.DataFrame(data.data, columns=[f"f{i}" for i in range(data.data.shape[1])])
    frame["label"] = data.target.astype("int64")
    return frame


def sklearn_chain(features, labels):
    """The baseline: the same chain fitted on the rows and applied to them, in this process."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
    return model.fit(features, labels).predict(features)


def run_timestamped(command: list[str], env: dict, cwd: Path, log: Path, timeout: float) -> tuple[int | None, float, list]:
    """(exit code or None on timeout, wall seconds, [(seconds since spawn, line)]) of a process."""
    lines: list[tuple[float, str]] = []
    started = time.perf_counter()
    proc = subprocess.Popen(command, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL, text=True, errors="replace")

    def reader():
        for line in proc.stdout:
            lines.append((time.perf_counter() - started, line.rstrip("\n")))

    thread = threading.Thread(target=reader, daemon=True)
    thread.start()
    try:
        code = proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        code = None
    seconds = time.perf_counter() - started
    thread.join(timeout=5)
    log.write_text("\n".join(f"{t:8.3f}  {line}" for t, line in lines) + "\n", encoding="utf-8")
    return code, seconds, lines


def first_at(lines: list, mark: str) -> float | None:
    return next((t for t, line in lines if mark in line), None)


def main() -> int:
    args = parse_args(__doc__.splitlines()[0])
    root = isolated_home("pyalink", keep=args.keep)
    repeat = args.repeat or (1 if args.quick else 2)
    print(f"bench_pyalink: {machine_summary()}; {repeat} timed run(s) per side")

    import pyarrow as pa

    from jimu.catalog import ComponentCatalog
    from jimu.run.envs import env_digest, python_for
    from jimu.runtime import storage

    component = ComponentCatalog.from_dirs().require(REF)
    frame = breast_cancer()
    features = [c for c in frame.columns if c != "label"]
    X, y = frame[features].to_numpy(), frame["label"].to_numpy()
    chain = [
        {"op": "StandardScaler", "columns": features},
        {"op": "LogisticRegression", "features": features, "label": "label", "params": {"maxIter": 100}},
    ]
    work = root / "work"
    work.mkdir()
    input_uri = str(work / "in")
    storage.write_table(input_uri, pa.Table.from_pandas(frame, preserve_index=False))

    section(f"one-time: the component's Python {component.spec.runtime.python} environment (env {env_digest(component)})")
    echoed: list[str] = []
    started = time.perf_counter()
    try:
        python = python_for(component, echo=echoed.append)
    except Exception as exc:  # no python3.8 or no network/wheels: say so instead of a traceback
        print(f"   FAILED to build the environment: {exc}")
        print_table("pyalink chain vs scikit-learn", [Row("pyalink", "environment build", None, ok=False, note=str(exc)[:300])])
        return 1
    build_seconds = time.perf_counter() - started
    for line in echoed:
        print(f"   {line}")
    print(f"   python_for() took {fmt_seconds(build_seconds)} ({python})")
    started = time.perf_counter()
    python_for(component, echo=echoed.append)
    cached_seconds = time.perf_counter() - started
    print(f"   cached python_for(): {fmt_seconds(cached_seconds)}")

    env = {**os.environ, "PYTHONPATH": ""}
    cwd = root / "cwd"  # empty: nothing in it can shadow an import
    cwd.mkdir()
    failures: list[str] = []
    runs = 0

    def pyalink_run() -> dict | None:
        nonlocal runs
        runs += 1
        out_uri = str(work / f"out-{runs}")
        invocation = {
            "version": 1, "pipeline": "bench", "node": "alink", "component": REF, "run_id": f"bench_{runs}",
            "params": {"chain": chain}, "pipeline_params": {}, "inputs": {"table": input_uri},
            "outputs": {"table": out_uri},
        }
        invocation_file, result_file = work / f"invocation-{runs}.json", work / f"result-{runs}.json"
        invocation_file.write_text(json.dumps(invocation), encoding="utf-8")
        command = [python, "-m", "jimu.runtime.entry", "--invocation-file", str(invocation_file),
                   "--component-dir", str(component.folder), "--result-file", str(result_file)]
        log = work / f"run-{runs}.log"
        code, seconds, lines = run_timestamped(command, env, cwd, log, timeout=900)
        if code != 0:
            failures.append(f"run {runs}: exit {code}; log {log}")
            print(f"   FAILED pyalink run {runs} (exit {code}); last lines:\n" + "\n".join(text for _, text in lines[-15:]))
            return None
        result = json.loads(result_file.read_text(encoding="utf-8"))
        out = storage.read_table(out_uri).to_pandas()
        return {"seconds": seconds, "lines": lines, "entry_seconds": result.get("seconds"), "out": out, "log": log}

    def probe() -> dict | None:
        code, seconds, lines = run_timestamped([python, "-c", PROBE, str(component.folder)], env, cwd,
                                               work / f"probe-{runs}.log", timeout=600)
        found = next((json.loads(line.split(" ", 1)[1]) for _, line in lines if line.startswith("JIMU_PROBE ")), None)
        if code != 0 or found is None:
            failures.append(f"probe: exit {code}")
            return None
        return {**found, "process": seconds}

    def sklearn_run() -> float:
        started = time.perf_counter()
        sklearn_chain(X, y)
        return time.perf_counter() - started

    section("warm-up (untimed): one pyalink run (page cache, JIT-less first JVM start) and sklearn")
    warm = pyalink_run()
    if warm:
        print(f"   warm-up pyalink run: {fmt_seconds(warm['seconds'])}")
    sklearn_run()

    times: dict[str, list[float]] = {"pyalink": [], "sklearn": [], "to_start": [], "start_to_done": [], "entry": [],
                                   "imported": [], "jvm": [], "after_jvm": []}
    probes: list[dict] = []
    last = warm
    for round_ in range(repeat):
        section(f"round {round_ + 1}/{repeat}")
        run = pyalink_run()
        if run:
            last = run
            times["pyalink"].append(run["seconds"])
            start_at, done_at = first_at(run["lines"], START_MARK), first_at(run["lines"], DONE_MARK)
            if start_at is not None and done_at is not None:
                times["to_start"].append(start_at)
                times["start_to_done"].append(done_at - start_at)
                imported_at, jvm_at = first_at(run["lines"], IMPORTED_MARK), first_at(run["lines"], JVM_MARK)
                if imported_at is not None and jvm_at is not None:
                    times["imported"].append(imported_at - start_at)
                    times["jvm"].append(jvm_at - imported_at)
                    times["after_jvm"].append(done_at - jvm_at)
            if run["entry_seconds"] is not None:
                times["entry"].append(run["entry_seconds"])
            print(f"   pyalink component process: {fmt_seconds(run['seconds'])}")
        # sklearn is milliseconds: many calls per round so its median is stable
        sk = [sklearn_run() for _ in range(20)]
        times["sklearn"].extend(sk)
        print(f"   sklearn in-process (20 calls): median {fmt_seconds(median(sk))}")
        found = probe()
        if found:
            probes.append(found)
            print(f"   probe: import pyalink {fmt_seconds(found['import_pyalink'])}, useLocalEnv(1) "
                  f"{fmt_seconds(found['use_local_env'])}, resetEnv() {fmt_seconds(found['reset_env'])}")

    rate = None
    if last:
        import numpy as np

        expected = sklearn_chain(X, y)
        rate = float(np.mean(last["out"]["prediction"].to_numpy().astype("int64") == expected))
        print(f"\n   predictions: pyalink vs scikit-learn agree on {rate:.4f} of rows (log: {last['log']})")

    section("medians")
    for name, values in times.items():
        if values:
            print(f"   {name:<14} {spread(values)}")

    rows = [Row("pyalink", "environment build (once per env digest)", build_seconds,
                note=f"venv + pip install --no-deps of the 34 locked requirements; a cached python_for() then takes "
                     f"{fmt_seconds(cached_seconds)}")]
    if times["pyalink"]:
        total = median(times["pyalink"])
        rows.append(Row("pyalink", "StandardScaler + LogisticRegression, 569 x 30", total, median(times["sklearn"]),
                        baseline_name="sklearn in-process", goal="none; agreement >= 0.95",
                        ok=None if rate is None else rate >= AGREEMENT,
                        note=f"prediction agreement with sklearn {rate:.4f} (>= {AGREEMENT} required)" if rate is not None else ""))
        if times["to_start"]:
            to_start, after = median(times["to_start"]), median(times["start_to_done"])
            rows.append(Row("pyalink", "  spawn + imports + read table (log)", to_start))
            for label, key in (("  import pyalink (log)", "imported"), ("  JVM launch (log)", "jvm")):
                if times[key]:
                    rows.append(Row("pyalink", label, median(times[key])))
            if times["after_jvm"]:
                rows.append(Row("pyalink", "  Flink local env + job + write (log)", median(times["after_jvm"])))
            else:
                rows.append(Row("pyalink", "  local env + job + write (log)", after))
        if probes:
            imp = median([p["import_pyalink"] for p in probes])
            env_start = median([p["use_local_env"] for p in probes])
            reset = median([p["reset_env"] for p in probes])
            rows.append(Row("pyalink", "  import pyalink.alink (probe)", imp))
            rows.append(Row("pyalink", "  useLocalEnv(1): JVM + Flink local env (probe)", env_start))
            rows.append(Row("pyalink", "  resetEnv() (probe)", reset))
            if times["to_start"]:
                job = median(times["start_to_done"]) - imp - env_start - reset
                rows.append(Row("pyalink", "  the job itself (rest, estimate)", job, median(times["sklearn"]),
                                baseline_name="sklearn in-process",
                                note="local env + job + write minus the probe's import, useLocalEnv and resetEnv"))
    if failures:
        rows.append(Row("pyalink", "failed runs", None, ok=False, note="; ".join(failures[:3])))
    print_table("pyalink component (Python 3.8, local Flink) vs scikit-learn in-process", rows)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
