"""Export a table to CSV or Parquet, atomically, and keep it as the node's output."""

from __future__ import annotations

import os
import uuid
from pathlib import PurePath

import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from jimu.home import jimu_home
from jimu.runtime import FatalError, storage


def destination(uri: str) -> str:
    """Absolute paths and URIs as given; relative ones inside <Jimu home>/exports only."""
    if "://" in uri or os.path.isabs(uri):
        return uri
    if ".." in PurePath(uri).parts:
        raise FatalError(f"param 'uri': {uri!r} climbs out of the exports folder; remove '..'")
    return str((jimu_home() / "exports" / uri).absolute())


def export(table, uri: str, fmt: str) -> str:
    target = destination(uri)
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
