"""Starting a component: building its environment once, and what each invocation's process costs.

(a) Environment. Jimu: `jimu.run.envs.ensure_env` of the `needs_six` test component (Python
    3.11 + six, plus Jimu's runtime pins pyarrow/pandas/numpy/pyyaml) in a fresh JIMU_HOME each
    time: `python -m venv` + `pip install` from the local wheel folders / pip's cache (no
    download of note), timed with its two steps. Baseline: the cached call (the ready marker is
    there), which is what every later run of the component pays.
(b) Invocation. Jimu: a no-op component (writes a 1-row table) run as a local run runs it,
    `python -m jimu.runtime.entry --invocation-file ...` in a new process. Baselines in the same
    run, interleaved: the same `run(ctx)` in this process through `jimu.testing.run_component`
    (the entry's main: invocation file, spec, module load, context), `run(ctx)` called directly
    on a `ComponentContext`, a bare `python -c pass` spawn, and `python -c "import
    jimu.runtime.entry"` (spawn + runtime imports, no component).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (
    REPO,
    Row,
    fmt_seconds,
    interleaved,
    isolated_home,
    machine_summary,
    median,
    parse_args,
    print_table,
    section,
    spread,
)

FIXTURES = REPO / "tests" / "fixtures" / "env_components"

NOOP_YAML = """\
name: noop
version: 1.0.0
title: No-op (benchmark)
description: Writes a one-row table; measures what starting a component costs.
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
import pyarrow as pa


def run(ctx) -> None:
    ctx.write_table("table", pa.table({"x": [1]}))
'''


def bench_envs(root: Path, cold_runs: int, rows: list[Row]) -> None:
    from jimu.catalog import ComponentCatalog
    from jimu.run import envs

    section(f"(a) environment of needs_six@1.0.0: {cold_runs} cold build(s) in fresh JIMU_HOMEs vs the cached call")
    component = ComponentCatalog.from_dirs([FIXTURES]).require("needs_six@1.0.0")
    print(f"   requirements: {', '.join(envs.env_requirements(component))}")
    home = os.environ["JIMU_HOME"]
    cold, venv_step, pip_step, rest, cached = [], [], [], [], []
    try:
        for i in range(cold_runs):
            os.environ["JIMU_HOME"] = str(root / f"cold-{i}")  # envs_root() reads it on every call
            marks: list[tuple[float, str]] = []
            started = time.perf_counter()
            folder = envs.ensure_env(component, echo=lambda line, marks=marks: marks.append((time.perf_counter(), line)))
            cold.append(time.perf_counter() - started)
            at = {key: next((t for t, line in marks if key in line), None)
                  for key in ("creating the virtual environment", "installing", "ready in")}
            if None not in at.values():
                venv_step.append(at["installing"] - at["creating the virtual environment"])
                pip_step.append(at["ready in"] - at["installing"])
                rest.append(cold[-1] - venv_step[-1] - pip_step[-1])
            # the cached call, right after, on the same home: marker present
            for _ in range(50):
                started = time.perf_counter()
                envs.ensure_env(component, echo=lambda line: None)
                cached.append(time.perf_counter() - started)
            print(f"   cold build {i + 1}: {fmt_seconds(cold[-1])} ({folder})", flush=True)
    finally:
        os.environ["JIMU_HOME"] = home
    print(f"   cold   {spread(cold)}")
    if venv_step:
        print(f"     venv {spread(venv_step)}; pip install {spread(pip_step)}")
    print(f"   cached {spread(cached)}")
    rows.append(Row("component_start", "env: cold ensure_env (venv + pip)", median(cold), median(cached),
                    baseline_name="cached ensure_env",
                    note=f"venv {fmt_seconds(median(venv_step))}, pip install {fmt_seconds(median(pip_step))}, "
                         f"rest (interpreter probe, .pth, marker) {fmt_seconds(median(rest))} (medians of each run's steps)"
                    if venv_step else ""))
    rows.append(Row("component_start", "env: cached ensure_env (marker present)", median(cached)))


def bench_invocation(root: Path, repeat: int, rows: list[Row]) -> int:
    from jimu.runtime.context import ComponentContext
    from jimu.runtime.entry import load_entrypoint, read_component_spec
    from jimu.testing import run_component

    section(f"(b) one no-op invocation: new process vs in-process, {repeat} interleaved rounds")
    folder = root / "components" / "noop"
    folder.mkdir(parents=True)
    (folder / "component.yaml").write_text(NOOP_YAML, encoding="utf-8")
    (folder / "main.py").write_text(NOOP_MAIN, encoding="utf-8")
    work = root / "invocations"
    work.mkdir()
    cwd = root / "cwd"  # empty: nothing in it can shadow an import
    cwd.mkdir()
    env = {**os.environ}
    counter = [0]
    failures: list[str] = []

    def invocation() -> dict:
        counter[0] += 1
        return {
            "version": 1, "pipeline": "bench", "node": "noop", "component": "noop@1.0.0", "run_id": f"r{counter[0]}",
            "params": {}, "pipeline_params": {}, "inputs": {}, "outputs": {"table": str(work / f"out-{counter[0]}")},
        }

    def spawn(command: list[str], what: str) -> None:
        proc = subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            failures.append(f"{what}: exit {proc.returncode}: {proc.stderr[-500:]}")

    def entry_process() -> None:
        doc = invocation()
        path = work / f"invocation-{counter[0]}.json"
        path.write_text(json.dumps(doc), encoding="utf-8")
        spawn([sys.executable, "-m", "jimu.runtime.entry", "--invocation-file", str(path), "--component-dir", str(folder),
               "--result-file", str(path.with_suffix(".result.json"))], "entry process")

    def in_process_entry() -> None:
        counter[0] += 1
        with contextlib.redirect_stderr(io.StringIO()):  # the entry's "done" line, as the process's goes to a pipe
            result = run_component(folder, {}, workdir=work / f"test-{counter[0]}")
        if result.exit_code != 0:
            failures.append(f"run_component: exit {result.exit_code}")

    spec = read_component_spec(folder)
    run = load_entrypoint(folder, spec)

    def direct() -> None:
        run(ComponentContext(invocation()))

    cases = {
        "entry process": entry_process,
        "run_component in-process": in_process_entry,
        "run(ctx) direct": direct,
        "python -c pass": lambda: spawn([sys.executable, "-c", "pass"], "python -c pass"),
        "python -c 'import jimu.runtime.entry'": lambda: spawn([sys.executable, "-c", "import jimu.runtime.entry"],
                                                               "import entry"),
    }
    times = interleaved(cases, repeat=repeat, warmup=2)
    for name, values in times.items():
        print(f"   {name:<40} {spread(values)}")
    proc, in_proc, direct_t = median(times["entry process"]), median(times["run_component in-process"]), median(times["run(ctx) direct"])
    bare, imports = median(times["python -c pass"]), median(times["python -c 'import jimu.runtime.entry'"])
    rows.append(Row("component_start", "invocation: entry process vs run_component in-process", proc, in_proc,
                    baseline_name="run_component",
                    note=f"a new process costs {fmt_seconds(proc - in_proc)} per node over the in-process run"))
    rows.append(Row("component_start", "invocation: entry process vs run(ctx) direct", proc, direct_t,
                    baseline_name="run(ctx)"))
    rows.append(Row("component_start", "invocation: entry process vs bare spawn", proc, bare,
                    baseline_name="python -c pass",
                    note=f"spawn {fmt_seconds(bare)} + runtime imports {fmt_seconds(imports - bare)} + "
                         f"the invocation itself {fmt_seconds(proc - imports)}"))
    rows.append(Row("component_start", "spawn + `import jimu.runtime.entry`", imports, bare, baseline_name="python -c pass"))
    slowest_imports(entry_process, work, env, cwd, folder, invocation)
    for failure in failures[:3]:
        print(f"   FAILED {failure}")
    if failures:
        rows.append(Row("component_start", "failed invocations", None, ok=False, note="; ".join(failures[:3])))
    return len(failures)


def slowest_imports(_, work: Path, env: dict, cwd: Path, folder: Path, invocation) -> None:
    """One extra entry process under `python -X importtime`: where its start-up time goes."""
    doc = invocation()
    path = work / "importtime.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "jimu.runtime.entry", "--invocation-file", str(path),
                           "--component-dir", str(folder)], env=env, cwd=cwd, capture_output=True, text=True, check=False)
    top: list[tuple[int, str]] = []
    for line in proc.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            _, cumulative, name = line[len("import time:"):].split("|")
            # top level: one space after the bar (nested imports are indented further)
            if cumulative.strip().isdigit() and not name.startswith("  ") and "." not in name:
                top.append((int(cumulative), name.strip()))
    top.sort(reverse=True)
    total = sum(us for us, _ in top)
    shown = ", ".join(f"{name} {fmt_seconds(us / 1e6)}" for us, name in top[:8])
    print(f"   imports of one entry process (-X importtime, top-level packages, {fmt_seconds(total / 1e6)} in all): {shown}")


def main() -> int:
    args = parse_args(__doc__.splitlines()[0])
    root = isolated_home("component-start", keep=args.keep)
    cold_runs = 1 if args.quick else 3
    repeat = args.repeat or (5 if args.quick else 20)
    print(f"bench_component_start: {machine_summary()}; {cold_runs} cold env build(s), {repeat} invocation rounds")
    rows: list[Row] = []
    bench_envs(root, cold_runs, rows)
    failed = bench_invocation(root, repeat, rows)
    print_table("component start: environment build and per-invocation overhead", rows)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
