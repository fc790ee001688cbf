"""Backfilling N days: one `jimu backfill` vs N `jimu run --logical-date` of the same pipeline, one after another.

Jimu: `jimu backfill SPEC --start D1 --end DN --reprocess completed` in a fresh process (what a user
types): Airflow plans the backfill, then each date runs through dag.test() in that one process.
Baseline: the same N dates as N `jimu run SPEC --cold --logical-date D` processes in a row, what a
user without `jimu backfill` would script. Both run the 3-node daily pipeline of tests/test_backfill.py
(load_table -> sql WHERE day = :ds -> write_table x/{ds}.csv) against the same home, interleaved.
Goal: per date no slower than a `jimu run` (the planning costs less than the start-ups it saves).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # tests.test_backfill

from common import Row, interleaved, isolated_home, machine_summary, median, parse_args, print_table

DAYS = ["2026-11-01", "2026-11-02", "2026-11-03"]


def main() -> int:
    args = parse_args(__doc__.splitlines()[0])
    home = isolated_home("backfill", keep=args.keep)
    repeat = args.repeat or (1 if args.quick else 3)
    print(f"bench_backfill: {machine_summary()}; {repeat} timed runs each; home {home}")

    from tests.test_backfill import SALES, daily_pipeline

    SALES.to_csv(home / "sales.csv", index=False)
    spec = home / "pipeline.json"
    spec.write_text(json.dumps(daily_pipeline("bench_backfill", home / "sales.csv")), encoding="utf-8")
    jimu = str(Path(sys.executable).with_name("jimu"))

    def run(*words: str) -> None:
        subprocess.run([jimu, *words], check=True, capture_output=True, env=os.environ.copy())

    def backfill() -> None:
        run("backfill", str(spec), "--start", DAYS[0], "--end", DAYS[-1], "--reprocess", "completed")

    def one_run_per_day() -> None:
        for day in DAYS:
            run("run", str(spec), "--cold", "--logical-date", day)

    times = interleaved({"jimu backfill": backfill, "jimu run per day": one_run_per_day}, repeat, warmup=1)
    per_date = {name: median(values) / len(DAYS) for name, values in times.items()}
    for name, values in times.items():
        print(f"   {name:<18} {median(values):6.2f} s for {len(DAYS)} dates  ({per_date[name]:.2f} s a date)")
    rows = [Row("backfill", f"{len(DAYS)} daily dates, 3-node pipeline, per date", per_date["jimu backfill"],
                per_date["jimu run per day"], baseline_name="jimu run --cold --logical-date, one per date",
                goal="<= 1.0x", ok=per_date["jimu backfill"] <= per_date["jimu run per day"])]
    print_table("backfill: N dates in one process vs N runs", rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
