"""Table handoff between two nodes (write, then read) through Jimu vs raw pyarrow.parquet.

Jimu: `jimu.runtime.storage.write_table(uri)` then `read_table(uri)` (Arrow tables; what the sql
and write_table components do), and `ComponentContext.write_table(port, DataFrame)` then
`ComponentContext.read_table(port)` (pandas; what python components do).
Baseline: `pyarrow.parquet.write_table(table, path)` then `pyarrow.parquet.read_table(path)` of
the same Arrow table; pandas' own `to_parquet` / `read_parquet` is shown for the pandas path.
Throughput is the table's in-memory Arrow size / (write + read time), local disk.
Goal: >= 0.5x the raw pyarrow throughput.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (
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

GOAL_RATIO = 0.5


def make_table(rows: int):
    """int64, float64, string, timestamp, bool and a low-cardinality string column."""
    import numpy as np
    import pyarrow as pa

    rng = np.random.default_rng(42)
    words = np.array(["north", "south", "east", "west", "central"])
    return pa.table({
        "order_id": pa.array(np.arange(rows, dtype=np.int64)),
        "customer_id": pa.array(rng.integers(0, 50_000, rows)),
        "amount": pa.array(rng.gamma(2.0, 30.0, rows)),
        "order_ts": pa.array(
            np.datetime64("2025-01-01T00:00:00") + rng.integers(0, 365 * 86_400, rows).astype("timedelta64[s]"),
            pa.timestamp("us"),
        ),
        "shipped": pa.array(rng.random(rows) < 0.8),
        "region": pa.array(words[rng.integers(0, len(words), rows)]),
        "note": pa.array([f"order {i} for customer {i % 977}" for i in range(rows)]),
    })


def main() -> int:
    args = parse_args(__doc__.splitlines()[0])
    home = isolated_home("handoff", keep=args.keep)
    quiet_logging()
    sizes = (100_000,) if args.quick else (100_000, 1_000_000)
    repeat = args.repeat or (3 if args.quick else 7)
    print(f"bench_handoff: {machine_summary()}; {repeat} timed runs each; data in {home}")
    rows: list[Row] = []
    for n in sizes:
        rows += measure(n, home / f"rows_{n}", repeat)
    print_table("handoff: write + read one table between two nodes", rows)
    return 0


def measure(n: int, base: Path, repeat: int) -> list[Row]:
    """Throughput of one table of n rows through each path."""
    import pandas as pd
    import pyarrow.parquet as pq

    from jimu.runtime import storage
    from jimu.runtime.context import ComponentContext

    table = make_table(n)
    frame = table.to_pandas()
    mb = table.nbytes / 1e6
    section(f"{n:,} rows, {table.num_columns} columns, {mb:.1f} MB in memory")
    raw_path = base / "raw" / "part-0.parquet"
    raw_path.parent.mkdir(parents=True)
    pandas_path = base / "pandas" / "part-0.parquet"
    pandas_path.parent.mkdir(parents=True)
    storage_uri = str(base / "storage" / "table")
    ctx_uri = str(base / "ctx" / "table")
    invocation = {"params": {}, "pipeline_params": {}, "node": "producer", "run_id": "bench",
                  "inputs": {}, "outputs": {"table": ctx_uri}}
    writer = ComponentContext(invocation)
    reader = ComponentContext({**invocation, "node": "consumer", "inputs": {"table": ctx_uri}, "outputs": {}})

    def raw_arrow():
        pq.write_table(table, raw_path)
        return pq.read_table(raw_path)

    def jimu_storage():
        storage.write_table(storage_uri, table)
        return storage.read_table(storage_uri)

    def jimu_ctx_pandas():
        writer.write_table("table", frame)
        return reader.read_table("table")

    def pandas_parquet():
        frame.to_parquet(pandas_path, index=False)
        return pd.read_parquet(pandas_path)

    # Same data out as in? (also the warm-up round)
    assert jimu_storage().equals(table), "storage round trip changed the table"
    assert jimu_ctx_pandas().equals(frame), "ComponentContext round trip changed the DataFrame"
    cases = {"raw pyarrow": raw_arrow, "jimu storage": jimu_storage,
             "jimu ctx pandas": jimu_ctx_pandas, "pandas parquet": pandas_parquet}
    times = interleaved(cases, repeat, warmup=1)
    mbps = {name: mb / median(values) for name, values in times.items()}
    for name, values in times.items():
        print(f"   {name:<16} {median(values) * 1e3:8.1f} ms  {mbps[name]:7.0f} MB/s  "
              f"(min {min(values) * 1e3:.1f} ms, n={len(values)})")
    print(f"   Parquet file: {raw_path.stat().st_size / 1e6:.1f} MB")
    split = interleaved({
        "write raw": lambda: pq.write_table(table, raw_path),
        "write jimu": lambda: storage.write_table(storage_uri, table),
        "read raw": lambda: pq.read_table(raw_path),
        "read jimu": lambda: storage.read_table(storage_uri),
    }, repeat, warmup=0)
    print("   split (median): " + ", ".join(f"{name} {median(v) * 1e3:.1f} ms" for name, v in split.items()))

    label = f"{n:,} rows ({mb:.0f} MB)"
    rows = []
    for name in ("jimu storage", "jimu ctx pandas"):
        ratio = mbps[name] / mbps["raw pyarrow"]
        rows.append(Row("handoff", f"{name}, {label}", mbps[name], mbps["raw pyarrow"], unit="MB/s",
                        baseline_name="raw pyarrow.parquet", goal=f">= {GOAL_RATIO}x", ok=ratio >= GOAL_RATIO))
    rows.append(Row("handoff", f"jimu ctx pandas, {label}", mbps["jimu ctx pandas"], mbps["pandas parquet"],
                    unit="MB/s", baseline_name="pandas to_parquet/read_parquet"))
    return rows


if __name__ == "__main__":
    sys.exit(main())
