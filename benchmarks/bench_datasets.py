"""Uploading a dataset: Jimu's checks and content-hash store vs the bare read and write of the same file.

Jimu: `DatasetStore.add(bytes, "sales.csv")`: UTF-8 check, pyarrow CSV read, column checks, SHA-256,
Parquet written into a temp folder and renamed; and the same bytes again (found by hash, nothing read).
Baseline: `pyarrow.csv.read_csv` of the same bytes and `pyarrow.parquet.write_table` to a file: what any
upload must do at least. Also pandas' `read_csv` + `to_parquet`, what a hand-written upload would use.
Goal: the checks and the store cost under 1.5x the bare pyarrow read + write; a repeated upload is cheaper
than a first one.
"""

from __future__ import annotations

import io
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import Row, interleaved, isolated_home, machine_summary, median, parse_args, print_table

GOAL_RATIO = 1.5


def sales_csv(rows: int) -> bytes:
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(7)
    frame = pd.DataFrame({
        "sale_date": pd.date_range("2026-01-01", periods=rows, freq="min").strftime("%Y-%m-%d"),
        "store": rng.choice(["北京", "上海", "深圳", "杭州"], rows), "product": rng.choice(list("ABCDEF"), rows),
        "quantity": rng.integers(-2, 20, rows), "unit_price": rng.uniform(1, 100, rows).round(2),
    })
    return frame.to_csv(index=False).encode()


def main() -> int:
    args = parse_args(__doc__.splitlines()[0])
    isolated_home("datasets", keep=args.keep)
    repeat = args.repeat or (3 if args.quick else 15)
    rows = 20_000 if args.quick else 300_000
    data = sales_csv(rows)
    print(f"bench_datasets: {machine_summary()}; {rows:,} rows, {len(data) / 1e6:.1f} MB CSV; {repeat} timed runs each")

    import pandas as pd
    import pyarrow as pa
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    from jimu.datasets.store import DatasetStore

    scratch = Path(tempfile.mkdtemp(prefix="jimu-bench-datasets-"))

    def jimu_first():
        root = scratch / "fresh"
        shutil.rmtree(root, ignore_errors=True)
        info, new = DatasetStore(root, max_bytes=len(data) + 1).add(data, "sales.csv")
        assert new and info.rows == rows

    repeat_store = DatasetStore(scratch / "kept", max_bytes=len(data) + 1)
    repeat_store.add(data, "sales.csv")

    def jimu_again():
        assert not repeat_store.add(data, "sales.csv")[1]

    def bare_pyarrow():
        pq.write_table(pacsv.read_csv(pa.BufferReader(data)), scratch / "bare.parquet")

    def bare_pandas():
        pd.read_csv(io.BytesIO(data)).to_parquet(scratch / "pandas.parquet", index=False)

    times = interleaved({"jimu": jimu_first, "again": jimu_again, "pyarrow": bare_pyarrow, "pandas": bare_pandas},
                        repeat, warmup=1)
    shutil.rmtree(scratch, ignore_errors=True)
    first, base = median(times["jimu"]), median(times["pyarrow"])
    rows_out = [
        Row("datasets", "first upload vs pyarrow read+write", first, base, baseline_name="pyarrow",
            goal=f"< {GOAL_RATIO}x", ok=first / base < GOAL_RATIO),
        Row("datasets", "first upload vs pandas read+write", first, median(times["pandas"]), baseline_name="pandas"),
        Row("datasets", "same file again vs first upload", median(times["again"]), first, baseline_name="first upload",
            goal="< 1x", ok=median(times["again"]) < first),
    ]
    print_table("dataset upload", rows_out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
