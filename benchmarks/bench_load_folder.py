"""Reading a folder of per-day exports as one table: load_table 1.2.0 vs pyarrow.dataset.

Jimu: load_table's `read(folder, params)` (what the node runs: list the folder, read each file, check
that their columns agree, concatenate), on N daily Parquet exports (N = 90 of 4 rows, as
sales_daily/ after a quarter of daily_sales; 30 of 100,000 rows) and on the same as CSV.
Baseline: `pyarrow.dataset.dataset(folder, format=...).to_table()` of the same files, and pandas'
`concat(read_parquet / read_csv of each file)`.
Goal: <= 1.5x pyarrow.dataset.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (
    REPO,
    Row,
    interleaved,
    isolated_home,
    machine_summary,
    median,
    parse_args,
    print_table,
    quiet_logging,
    section,
)

GOAL_RATIO = 1.5


def load_table_main():
    spec = importlib.util.spec_from_file_location("load_table_main", REPO / "components" / "load_table" / "main.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def write_days(folder: Path, days: int, rows: int, fmt: str) -> None:
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(7)
    folder.mkdir(parents=True)
    for day in range(days):
        frame = pd.DataFrame({
            "sale_date": [f"2026-{9 + day // 30:02d}-{day % 30 + 1:02d}"] * rows,
            "store": rng.choice(["shanghai", "beijing", "shenzhen", "hangzhou"], rows),
            "orders": rng.integers(0, 40, rows),
            "revenue": rng.gamma(2.0, 500.0, rows).round(2),
            "promo_share": rng.random(rows).round(4),
        })
        if fmt == "parquet":
            frame.to_parquet(folder / f"day_{day:03d}.parquet", index=False)
        else:
            frame.to_csv(folder / f"day_{day:03d}.csv", index=False)


def measure(folder: Path, fmt: str, repeat: int, label: str) -> list[Row]:
    import pandas as pd
    import pyarrow.dataset as ds

    main = load_table_main()
    files = sorted(folder.iterdir())
    read_pandas = pd.read_parquet if fmt == "parquet" else pd.read_csv
    times = interleaved({
        "jimu": lambda: main.read(str(folder), {}),
        "dataset": lambda: ds.dataset(str(folder), format=fmt).to_table(),
        "pandas": lambda: pd.concat([read_pandas(path) for path in files], ignore_index=True),
    }, repeat)
    jimu, dataset, pandas = (median(times[k]) for k in ("jimu", "dataset", "pandas"))
    return [
        Row("load_folder", label, jimu, dataset, baseline_name="pyarrow.dataset", goal=f"<= {GOAL_RATIO}x",
            ok=jimu <= GOAL_RATIO * dataset),
        Row("load_folder", f"{label} (pandas)", jimu, pandas, baseline_name="pandas concat"),
    ]


def main() -> int:
    args = parse_args(__doc__.splitlines()[0])
    home = isolated_home("load-folder", keep=args.keep)
    quiet_logging()
    repeat = args.repeat or (3 if args.quick else 9)
    cases = [(90, 4)] if args.quick else [(90, 4), (30, 100_000)]
    print(f"bench_load_folder: {machine_summary()}; {repeat} timed runs each; data in {home}")
    rows: list[Row] = []
    for days, per_day in cases:
        for fmt in ("parquet", "csv"):
            label = f"{days} {fmt} files x {per_day:,} rows"
            section(label)
            folder = home / f"{fmt}_{days}_{per_day}"
            write_days(folder, days, per_day, fmt)
            rows += measure(folder, fmt, repeat, label)
    print_table("load_folder: a folder of daily exports read as one table", rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
