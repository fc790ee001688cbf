"""Local run of an N-node chain of no-op components (N = 1, 5, 20): `jimu run` vs its floor and plain Airflow.

Jimu: `python -m jimu.cli run pipeline.json` in a fresh process (what a user types), each node a
tiny no-op component (found through $JIMU_COMPONENT_PATH) that writes a 1-row table.
Baselines, measured in the same run:
  floor:   the same component processes run by a plain sequential loop of
           `python -m jimu.runtime.entry --invocation-file ...` (no Airflow at all);
  airflow: `airflow dags test` of an equivalent DAG of N chained BashOperator('true') tasks
           (plain Airflow, its own home and metadata DB).
Each total is fitted as fixed + per_node * N (least squares over the medians).
Goal: Jimu's fixed cost <= 3 s, and its per-node cost <= 100 ms above the floor's.

The script only relies on the CLI's exit status and on the runtime contract (the invocation
document and `jimu.runtime.entry`), so it keeps working while the local runner changes.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
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

GOAL_FIXED = 3.0
GOAL_PER_NODE_OVER_FLOOR = 0.100
COMPONENT = "noop@1.0.0"

NOOP_YAML = """\
name: noop
version: 1.0.0
title: No-op (benchmark)
description: Writes a one-row table; measures what running a node costs.
inputs:
  - name: table
    type: table
    required: false
outputs:
  - name: table
    type: table
params:
  type: object
  additionalProperties: false
  properties: {}
runtime:
  image: jimu/noop:1.0.0
  entrypoint: main.py:run
"""

NOOP_MAIN = '''\
"""A component that does (almost) nothing: one row out."""

import pyarrow as pa


def run(ctx) -> None:
    ctx.write_table("table", pa.table({"x": [1]}))
'''

NOOP_DOCKERFILE = """\
# Image for the benchmark's no-op component (never built by the benchmark; catalogs require one).
FROM python:3.11-slim
COPY . /opt/jimu/component
ENV JIMU_COMPONENT_DIR=/opt/jimu/component
"""

BASH_DAG = '''\
import datetime

from airflow.providers.standard.operators.bash import BashOperator
from airflow.sdk import DAG

with DAG(dag_id={dag_id!r}, schedule=None, start_date=datetime.datetime(2025, 1, 1), catchup=False) as dag:
    tasks = [BashOperator(task_id=f"t{{i:03d}}", bash_command="true") for i in range({n})]
    for upstream, downstream in zip(tasks, tasks[1:]):
        upstream >> downstream
'''


def write_noop_component(components: Path) -> None:
    """The no-op component's folder under `components` (found through $JIMU_COMPONENT_PATH)."""
    (components / "noop").mkdir(parents=True)
    (components / "noop" / "component.yaml").write_text(NOOP_YAML, encoding="utf-8")
    (components / "noop" / "main.py").write_text(NOOP_MAIN, encoding="utf-8")
    (components / "noop" / "Dockerfile").write_text(NOOP_DOCKERFILE, encoding="utf-8")


def chain_spec(n: int) -> dict:
    nodes = [{"id": f"node_{i:03d}", "component": COMPONENT} for i in range(n)]
    edges = [{"from": f"node_{i - 1:03d}.table", "to": f"node_{i:03d}.table"} for i in range(1, n)]
    return {"schema_version": 1, "id": f"noop_chain_{n}", "nodes": nodes, "edges": edges}


def fit(points: dict[int, float]) -> tuple[float, float]:
    """Least-squares (fixed, per_node) for seconds = fixed + per_node * n."""
    xs, ys = list(points), list(points.values())
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    sxx = sum((x - mean_x) ** 2 for x in xs)
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / sxx
    return mean_y - slope * mean_x, slope


class Runner:
    """Runs commands with a timeout, logs their output, and remembers failures."""

    def __init__(self, logs: Path):
        self.logs = logs
        self.failures: list[str] = []
        self.count = 0

    def run(self, name: str, command: list[str], env: dict, cwd: Path, timeout: float) -> float | None:
        """Wall-clock seconds, or None (and a note) when the command fails or times out."""
        self.count += 1
        log = self.logs / f"{self.count:03d}-{name.replace(' ', '_')}.log"
        started = time.perf_counter()
        with log.open("wb") as out:
            try:
                code = subprocess.run(command, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT,
                                      timeout=timeout, check=False).returncode
            except subprocess.TimeoutExpired:
                code = None
        seconds = time.perf_counter() - started
        if code == 0:
            return seconds
        why = f"timed out after {timeout:.0f} s" if code is None else f"exit code {code}"
        tail = "".join(log.read_text(errors="replace").splitlines(keepends=True)[-15:])
        self.failures.append(f"{name}: {why}; log {log}")
        print(f"   FAILED {name}: {why}; last lines of {log}:\n{tail}", flush=True)
        return None


def main() -> int:
    args = parse_args(__doc__.splitlines()[0])
    root = isolated_home("local-run", keep=args.keep, quiet=False)
    sizes = (1, 5) if args.quick else (1, 5, 20)
    repeat = args.repeat or (1 if args.quick else 5)
    print(f"bench_local_run: {machine_summary()}; chains of {sizes} nodes, {repeat} timed runs each")

    from jimu.runtime.invocation import resolve_invocation, static_invocation

    components = root / "components"
    write_noop_component(components)
    pipelines = root / "pipelines"
    pipelines.mkdir()
    logs = root / "logs"
    logs.mkdir()
    runner = Runner(logs)
    cwd = root / "cwd"  # an empty working directory: nothing in it can shadow an import
    cwd.mkdir()

    jimu_env = {**os.environ, "JIMU_COMPONENT_PATH": str(components)}
    airflow_home = root / "airflow_baseline"
    bash_dags = root / "bash_dags"
    bash_dags.mkdir()
    airflow_env = {
        **os.environ,
        "AIRFLOW_HOME": str(airflow_home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(bash_dags),
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{airflow_home / 'airflow.db'}",
        "AIRFLOW__LOGGING__BASE_LOG_FOLDER": str(airflow_home / "logs"),
    }
    for n in sizes:
        (pipelines / f"noop_chain_{n}.json").write_text(json.dumps(chain_spec(n), indent=1), encoding="utf-8")
        (bash_dags / f"bash_chain_{n}.py").write_text(BASH_DAG.format(dag_id=f"bash_chain_{n}", n=n), encoding="utf-8")

    def jimu_run(n: int) -> float | None:
        command = [sys.executable, "-m", "jimu.cli", "run", str(pipelines / f"noop_chain_{n}.json")]
        # A fresh component catalog per run (~80 ms of publishing): published versions are
        # immutable, so a built-in edited by someone else mid-benchmark would fail every later run.
        env = {**jimu_env, "JIMU_CATALOG": str(root / "catalogs" / f"run_{runner.count + 1:03d}")}
        return runner.run(f"jimu run {n}", command, env, cwd, timeout=600 + 60 * n)

    floor_data = root / "floor_data"

    def floor_loop(n: int) -> float | None:
        """The component processes alone: one `python -m jimu.runtime.entry` after the other."""
        run_id = f"floor_{runner.count}"
        folder = root / "floor" / run_id
        folder.mkdir(parents=True)
        files = []
        for i in range(n):
            node = f"node_{i:03d}"
            inputs = {"table": [(f"node_{i - 1:03d}", "table")]} if i else {}
            static = static_invocation(pipeline=f"noop_chain_{n}", node=node, component=COMPONENT, params={},
                                       inputs=inputs, multiple_inputs=set(), outputs=["table"],
                                       storage_base=str(floor_data))
            path = folder / f"{node}.json"
            path.write_text(json.dumps(resolve_invocation(static, run_id=run_id, pipeline_params={})))
            files.append(path)
        started = time.perf_counter()
        for path in files:
            command = [sys.executable, "-m", "jimu.runtime.entry", "--invocation-file", str(path),
                       "--component-dir", str(components / "noop"),
                       "--result-file", str(path.with_suffix(".result.json"))]
            if runner.run(f"floor {path.stem}", command, jimu_env, cwd, timeout=120) is None:
                return None
        return time.perf_counter() - started

    def airflow_test(n: int) -> float | None:
        command = [sys.executable, "-m", "airflow", "dags", "test", f"bash_chain_{n}"]
        return runner.run(f"airflow dags test {n}", command, airflow_env, cwd, timeout=600 + 60 * n)

    section("one-time setup (not in the fits)")
    first = jimu_run(1)
    print(f"   first `jimu run` (creates the metadata DB): {fmt_seconds(first) if first else 'failed'}")
    migrate = runner.run("airflow db migrate", [sys.executable, "-m", "airflow", "db", "migrate"],
                         airflow_env, cwd, timeout=900)
    print(f"   `airflow db migrate` for the baseline: {fmt_seconds(migrate) if migrate else 'failed'}")
    floor_loop(1)  # warms the page cache for the component's imports, like the first jimu run did
    airflow_test(1)

    systems = {"jimu run": jimu_run, "floor loop": floor_loop, "airflow dags test": airflow_test}
    times: dict[str, dict[int, list[float]]] = {name: {n: [] for n in sizes} for name in systems}
    for round_ in range(repeat):
        section(f"round {round_ + 1}/{repeat}")
        for n in sizes:
            for name, fn in systems.items():
                seconds = fn(n)
                if seconds is not None:
                    times[name][n].append(seconds)
                    print(f"   {name:<18} N={n:<3} {fmt_seconds(seconds)}", flush=True)
    check_outputs(Path(os.environ["JIMU_HOME"]), max(sizes))

    section("medians and fits (seconds = fixed + per_node * N)")
    fits = {}
    for name, by_n in times.items():
        for n, values in by_n.items():
            if values:
                print(f"   {name:<18} N={n:<3} {spread(values)}")
        medians = {n: median(v) for n, v in by_n.items() if v}
        if len(medians) >= 2:
            fits[name] = fit(medians)
            fixed, per_node = fits[name]
            print(f"   {name:<18} fixed {fmt_seconds(fixed)}, per node {fmt_seconds(per_node)}")

    rows = []
    airflow_fit = fits.get("airflow dags test")
    if "jimu run" in fits:
        fixed, per_node = fits["jimu run"]
        rows.append(Row("local_run", "fixed cost (fit)", fixed, airflow_fit[0] if airflow_fit else None,
                        baseline_name="airflow dags test", goal="<= 3 s", ok=fixed <= GOAL_FIXED))
        if "floor loop" in fits:
            floor_fixed, floor_per_node = fits["floor loop"]
            over = per_node - floor_per_node
            rows.append(Row("local_run", "per-node cost (fit)", per_node, floor_per_node, baseline_name="floor loop",
                            goal="<= floor + 100 ms", ok=over <= GOAL_PER_NODE_OVER_FLOOR,
                            note=f"{fmt_seconds(over)} per node above the process-spawn floor "
                                 f"(the floor's own fixed part: {fmt_seconds(floor_fixed)})"))
        if airflow_fit:
            rows.append(Row("local_run", "per-node cost (fit)", per_node, airflow_fit[1],
                            baseline_name="airflow dags test"))
    for n in sizes:
        jimu_values, airflow_values = times["jimu run"][n], times["airflow dags test"][n]
        rows.append(Row("local_run", f"total, {n}-node chain", median(jimu_values) if jimu_values else None,
                        median(airflow_values) if airflow_values else None,
                        baseline_name="airflow dags test"))
    if first:
        rows.append(Row("local_run", "first run, 1 node (creates the DB)", first, migrate,
                        baseline_name="airflow db migrate"))
    if runner.failures:
        rows.append(Row("local_run", "failed commands", None, note="; ".join(runner.failures[:3]), ok=False))
    print_table("local run: `jimu run` of an N-node no-op chain", rows)
    return 1 if runner.failures else 0


def check_outputs(jimu_home: Path, n: int) -> None:
    """Warn when no run of the longest chain left its last node's table behind (nothing ran?)."""
    last = f"node_{n - 1:03d}"
    found = [p for p in jimu_home.rglob("*.parquet") if last in p.parts and f"noop_chain_{n}" in p.parts]
    if found:
        print(f"   checked: the {n}-node chain's last node wrote its table ({found[0].parent})")
    else:
        print(f"   WARNING: found no table written by {last} of noop_chain_{n} under {jimu_home} "
              "(did the nodes run? or has the data layout changed?)")


if __name__ == "__main__":
    sys.exit(main())
