"""What the cluster component costs over plain scikit-learn KMeans on the same table, at 10,000 and 100,000 rows.

Jimu: the cluster node 1.0.0 through `jimu.testing.run_component` (the entry's main, in this
process): read the stored table, choose the numeric features, StandardScaler + KMeans (10 starts),
number the segments by size, write the rows with their segment, the profile and its two charts,
the silhouette on a 2,000-row sample and the metrics. Baseline: StandardScaler + KMeans with the
same settings on the same rows already in memory as a DataFrame: the clustering alone. Interleaved.

Rows: 6 numeric features around 4 centres (sklearn make_blobs, seeded) and a text id column.
"""

from __future__ import annotations

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
    section,
    spread,
)

SEGMENTS, SEED, FEATURES = 4, 42, 6


def customers(rows: int):
    import pandas as pd
    from sklearn.datasets import make_blobs

    x, _ = make_blobs(n_samples=rows, n_features=FEATURES, centers=SEGMENTS, cluster_std=2.0, random_state=SEED)
    frame = pd.DataFrame(x, columns=[f"f{i}" for i in range(FEATURES)])
    frame.insert(0, "customer", [f"C{i:07d}" for i in range(rows)])
    return frame


def main() -> int:
    args = parse_args(__doc__.splitlines()[0])
    root = isolated_home("cluster", keep=args.keep)
    import pyarrow as pa
    from sklearn.cluster import KMeans
    from sklearn.preprocessing import StandardScaler

    from jimu.runtime import storage
    from jimu.testing import run_component

    repeat = args.repeat or (3 if args.quick else 9)
    sizes = [10_000] if args.quick else [10_000, 100_000]
    print(f"machine: {machine_summary()}")
    section(f"cluster 1.0.0 vs StandardScaler + KMeans, {SEGMENTS} segments, {repeat} interleaved rounds")
    rows, failures = [], []
    for size in sizes:
        frame = customers(size)
        table = str(root / f"in-{size}")
        storage.write_table(table, pa.Table.from_pandas(frame, preserve_index=False))
        features = [c for c in frame.columns if c != "customer"]

        def node(size=size, table=table) -> None:
            result = run_component(REPO / "components" / "cluster", {"segments": SEGMENTS, "seed": SEED},
                                   {"table": table}, workdir=root / f"run-{size}")
            if result.exit_code != 0:
                failures.append(f"{size} rows: exit {result.exit_code}")

        def sklearn_alone(frame=frame, features=features) -> None:
            space = StandardScaler().fit_transform(frame[features])
            KMeans(n_clusters=SEGMENTS, n_init=10, random_state=SEED).fit(space)

        times = interleaved({"jimu": node, "sklearn": sklearn_alone}, repeat=repeat)
        print(f"   {size:,} rows: cluster node {spread(times['jimu'])}; sklearn {spread(times['sklearn'])}")
        added = median(times["jimu"]) - median(times["sklearn"])
        ratio = median(times["jimu"]) / median(times["sklearn"])
        rows.append(Row("cluster", f"{size:,} rows x {FEATURES} features", median(times["jimu"]),
                        median(times["sklearn"]), baseline_name="StandardScaler + KMeans", goal="<= 1.5x",
                        ok=ratio <= 1.5, note=f"added {added * 1e3:.0f} ms"))
    if failures:
        rows.append(Row("cluster", "failed runs", None, ok=False, note="FAILED: " + "; ".join(failures[:3])))
    print_table("cluster node vs plain scikit-learn KMeans", rows)
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
