"""Shared benchmark helpers: isolated Jimu/Airflow homes, timing, medians and the result table.

Every benchmark measures Jimu and its baseline in the same run, interleaved (A B A B ...) so
that a noisy neighbour or a thermal drift hits both sides alike, and reports medians.
"""

from __future__ import annotations

import argparse
import atexit
import datetime
import gc
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
RESULTS_ENV = "JIMU_BENCH_RESULTS"  # run_all.py collects every script's rows through this file

# No benchmark may phone home (dag-factory's telemetry) or load Airflow's example DAGs.
BASE_ENV = {
    "DO_NOT_TRACK": "1",
    "SCARF_NO_ANALYTICS": "1",
    "AIRFLOW__DAG_FACTORY__ENABLE_TELEMETRY": "False",
    "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
}
# In-process benchmarks also keep Airflow's INFO lines out of their output.
QUIET_ENV = {"AIRFLOW__LOGGING__LOGGING_LEVEL": "WARNING", "PYTHONWARNINGS": "ignore"}


def parse_args(description: str, extra: Callable[[argparse.ArgumentParser], None] | None = None):
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--quick", action="store_true", help="fewer sizes and repeats: a smoke run")
    parser.add_argument("--repeat", type=int, default=None, help="timed runs per case (default: by mode)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folders and print where")
    if extra:
        extra(parser)
    return parser.parse_args()


def isolated_home(name: str, keep: bool = False, quiet: bool = True) -> Path:
    """A fresh temp folder as JIMU_HOME and AIRFLOW_HOME; call it before anything imports airflow.

    AIRFLOW_HOME is $JIMU_HOME/airflow, where `jimu run` puts it too, so in-process and CLI
    runs share one metadata DB. Removed at exit unless keep. quiet: Airflow logs warnings only
    (leave it off when timing Airflow itself, so it runs as users run it).
    """
    if "airflow" in sys.modules:
        raise RuntimeError("isolated_home() must run before airflow is imported")
    root = Path(tempfile.mkdtemp(prefix=f"jimu-bench-{name}-"))
    # Not named `jimu`: a `jimu/` folder in a process's working directory would shadow the package.
    jimu_home = root / "home"
    airflow_home = jimu_home / "airflow"
    dags = root / "dags"
    for folder in (airflow_home, dags):
        folder.mkdir(parents=True)
    os.environ.update(BASE_ENV)
    if quiet:
        os.environ.update(QUIET_ENV)
    os.environ.update(
        {
            "JIMU_HOME": str(jimu_home),
            "AIRFLOW_HOME": str(airflow_home),
            "AIRFLOW__CORE__DAGS_FOLDER": str(dags),
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{airflow_home / 'airflow.db'}",
            "AIRFLOW__LOGGING__BASE_LOG_FOLDER": str(airflow_home / "logs"),
        }
    )
    os.environ.pop("JIMU_COMPONENT_PATH", None)
    if keep:
        print(f"temporary folder (kept): {root}")
    else:
        atexit.register(shutil.rmtree, root, ignore_errors=True)
    return root


def timed(fn: Callable[[], object]) -> tuple[float, object]:
    """Seconds one call takes (garbage from earlier runs collected first, outside the timing)."""
    gc.collect()
    started = time.perf_counter()
    value = fn()
    return time.perf_counter() - started, value


def interleaved(cases: dict[str, Callable[[], object]], repeat: int, warmup: int = 1) -> dict[str, list[float]]:
    """Run each case `repeat` times, round-robin after `warmup` untimed rounds; seconds per case."""
    for _ in range(warmup):
        for fn in cases.values():
            fn()
    times: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(repeat):
        for name, fn in cases.items():
            seconds, _ = timed(fn)
            times[name].append(seconds)
    return times


def median(values: list[float]) -> float:
    return statistics.median(values)


def spread(values: list[float]) -> str:
    """`median (min-max, n=k)` with units chosen for the size of the numbers."""
    return f"{fmt_seconds(median(values))} ({fmt_seconds(min(values))}-{fmt_seconds(max(values))}, n={len(values)})"


def fmt_seconds(seconds: float) -> str:
    if abs(seconds) < 1e-3:
        return f"{seconds * 1e6:.0f} us"
    if abs(seconds) < 1:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds:.2f} s"


def fmt_value(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if unit == "s":
        return fmt_seconds(value)
    if unit == "MB/s":
        return f"{value:,.0f} MB/s"
    return f"{value:.3g} {unit}"


@dataclass
class Row:
    """One line of the results table: Jimu's median next to the baseline's, and the goal."""

    bench: str
    case: str
    jimu: float | None
    baseline: float | None = None
    unit: str = "s"
    baseline_name: str = ""
    goal: str = ""
    ok: bool | None = None
    note: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        """Jimu / baseline of the measured quantity (seconds: lower is better; MB/s: higher)."""
        if self.jimu is None or not self.baseline:
            return None
        return self.jimu / self.baseline


def fmt_ratio(ratio: float | None) -> str:
    if ratio is None:
        return "-"
    return f"{ratio:.3f}x" if ratio < 0.1 else f"{ratio:.2f}x"


def verdict(ok: bool | None) -> str:
    return {True: "met", False: "MISSED", None: ""}[ok]


def print_table(title: str, rows: list[Row]) -> None:
    """A fixed-width table on stdout; also appended to $JIMU_BENCH_RESULTS as JSON lines."""
    headers = ["case", "jimu", "baseline", "ratio", "goal", ""]
    lines = []
    for r in rows:
        ratio = fmt_ratio(r.ratio)
        base = fmt_value(r.baseline, r.unit) + (f" ({r.baseline_name})" if r.baseline_name else "")
        lines.append([r.case, fmt_value(r.jimu, r.unit), base, ratio, r.goal, verdict(r.ok)])
    widths = [max(len(h), *(len(line[i]) for line in lines)) if lines else len(h) for i, h in enumerate(headers)]
    print(f"\n== {title} ==")
    print("  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip())
    print("  ".join("-" * w for w in widths))
    for line in lines:
        print("  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip())
    for r in rows:
        if r.note:
            print(f"  note ({r.case}): {r.note}")
    print("  ratio = jimu / baseline (seconds: lower is better; MB/s: higher is better)")
    sys.stdout.flush()
    results = os.environ.get(RESULTS_ENV)
    if results:
        with open(results, "a", encoding="utf-8") as handle:
            for r in rows:
                handle.write(json.dumps({**asdict(r), "ratio": r.ratio}) + "\n")


def machine_summary() -> str:
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (
        f"{datetime.date.today().isoformat()}, {platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, {platform.system()} {platform.release()}, load average {load}"
    )


def quiet_logging() -> None:
    """Keep Airflow's and dag-factory's INFO lines out of the benchmark output (and its timings)."""
    import logging
    import warnings

    logging.disable(logging.INFO)
    warnings.filterwarnings("ignore")


def section(text: str) -> None:
    print(f"\n-- {text}", flush=True)
