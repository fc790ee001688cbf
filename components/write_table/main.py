"""Export a table to CSV or Parquet, atomically, and keep it as the node's output."""

from __future__ import annotations

import uuid

import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from jimu.runtime import storage
from jimu.runtime.exports import in_exports


def export(table, uri: str, fmt: str) -> str:
    target = in_exports(uri)  # relative paths inside <Jimu home>/exports only
    fs, path = storage.resolve(target)
    if fmt == "auto":
        fmt = "parquet" if path.endswith((".parquet", ".pq")) else "csv"
    parent = path.rsplit("/", 1)[0]
    fs.create_dir(parent, recursive=True)
    temp = f"{parent}/.{uuid.uuid4().hex}.tmp"
    if fmt == "parquet":
        pq.write_table(table, temp, filesystem=fs)
    else:
        with fs.open_output_stream(temp) as out:
            pacsv.write_csv(table, out)
    fs.move(temp, path)  # readers see the old file or the new one, never half of one
    return target


def run(ctx) -> None:
    table = ctx.read_arrow("table")
    ctx.write_table("table", table)
    if ctx.params.get("uri"):
        target = export(table, ctx.params["uri"], ctx.params.get("format", "auto"))
        ctx.record_export(target)
        ctx.log(f"wrote {table.num_rows} rows to {target}")
        if table.num_rows == 0:
            # Not a failure: a day without sales is a fact, and the empty file says so downstream.
            ctx.warn(f"wrote 0 rows to {target}: the input table is empty; check the upstream nodes if rows were expected")
