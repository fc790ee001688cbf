"""Run every benchmark (each in its own process) and print one summary table.

    python benchmarks/run_all.py            # full run (what `make bench` does)
    python benchmarks/run_all.py --quick    # smoke run: fewer sizes and repeats
    python benchmarks/run_all.py --only validate handoff --markdown out.md
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import RESULTS_ENV, fmt_ratio, fmt_seconds, fmt_value, machine_summary, verdict

HERE = Path(__file__).resolve().parent
# Fast ones first, so a broken setup shows before the long local runs; any other
# benchmarks/bench_*.py runs too (alphabetically, before local_run).
FIRST = ["validate", "handoff", "dagbag", "compile"]
LAST = ["warm_run", "local_run"]


def discover() -> list[str]:
    found = sorted(p.stem.removeprefix("bench_") for p in HERE.glob("bench_*.py"))
    middle = [name for name in found if name not in FIRST + LAST]
    return [n for n in FIRST if n in found] + middle + [n for n in LAST if n in found]


BENCHMARKS = discover()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="passed to every benchmark")
    parser.add_argument("--only", nargs="+", choices=BENCHMARKS, help="run only these")
    parser.add_argument("--markdown", type=Path, help="also write the summary table here")
    args = parser.parse_args()

    started = time.perf_counter()
    print(f"Jimu benchmarks: {machine_summary()}{' (quick)' if args.quick else ''}", flush=True)
    with tempfile.NamedTemporaryFile("r", suffix=".jsonl", prefix="jimu-bench-") as results:
        env = {**os.environ, RESULTS_ENV: results.name}
        status = {}
        for name in args.only or BENCHMARKS:
            script = HERE / f"bench_{name}.py"
            print(f"\n########## {script.name} ##########", flush=True)
            t0 = time.perf_counter()
            code = subprocess.run([sys.executable, str(script), *(["--quick"] if args.quick else [])],
                                  env=env, check=False).returncode
            status[name] = (code, time.perf_counter() - t0)
        rows = [json.loads(line) for line in results.read().splitlines() if line.strip()]

    table = markdown_table(rows)
    print("\n########## summary ##########")
    print(table)
    for name, (code, seconds) in status.items():
        print(f"  bench_{name}.py: {'ok' if code == 0 else f'FAILED (exit {code})'} in {fmt_seconds(seconds)}")
    print(f"  total {fmt_seconds(time.perf_counter() - started)}")
    if args.markdown:
        args.markdown.write_text(f"Measured {machine_summary()}\n\n{table}\n", encoding="utf-8")
    return 0 if all(code == 0 for code, _ in status.values()) else 1


def markdown_table(rows: list[dict]) -> str:
    lines = ["| benchmark | case | Jimu (median) | baseline (median) | ratio | goal | |",
             "| --- | --- | --- | --- | --- | --- | --- |"]
    for r in rows:
        base = fmt_value(r["baseline"], r["unit"])
        if r["baseline_name"] and r["baseline"] is not None:
            base += f" ({r['baseline_name']})"
        lines.append(f"| {r['bench']} | {r['case']} | {fmt_value(r['jimu'], r['unit'])} | {base} | "
                     f"{fmt_ratio(r['ratio'])} | {r['goal']} | {verdict(r['ok'])} |")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
