from __future__ import annotations

import pyarrow as pa
import pyarrow.parquet as pq

from jimu.runtime import storage


def test_table_roundtrip_and_footer_row_count(tmp_path):
    table = pa.table({"a": list(range(1000)), "b": [str(i) for i in range(1000)]})
    uri = str(tmp_path / "run" / "node" / "table")
    assert storage.write_table(uri, table) == 1000
    assert storage.read_table(uri).equals(table)
    assert storage.table_rows(uri) == 1000
    # What a reader sees is a plain Parquet file any tool can open.
    assert pq.read_table(tmp_path / "run" / "node" / "table" / storage.TABLE_FILE).equals(table)


def test_rewrite_leaves_no_temp_files(tmp_path):
    uri = str(tmp_path / "t")
    storage.write_table(uri, pa.table({"a": [1]}))
    storage.write_table(uri, pa.table({"a": [2, 3]}))
    assert sorted(p.name for p in (tmp_path / "t").iterdir()) == [storage.TABLE_FILE]
    assert storage.read_table(uri).column("a").to_pylist() == [2, 3]


def test_json_roundtrip(tmp_path):
    storage.write_json(str(tmp_path / "m"), storage.METRICS_FILE, {"accuracy": 0.5})
    assert storage.read_json(str(tmp_path / "m"), storage.METRICS_FILE) == {"accuracy": 0.5}
