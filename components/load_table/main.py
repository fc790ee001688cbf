"""Load a CSV or Parquet file (local, s3:// or package://) into the `table` output."""

from __future__ import annotations

import importlib.resources
from pathlib import PurePosixPath

import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from jimu.runtime import storage

PACKAGE_SCHEME = "package://"


def package_file(uri: str) -> str:
    """package://sklearn.datasets/data/wine_data.csv -> the file's path on this machine."""
    package, _, inner = uri[len(PACKAGE_SCHEME):].partition("/")
    if not package or not inner or ".." in PurePosixPath(inner).parts:
        raise ValueError(f"{uri!r}: write package://<package>/<file inside it>, without '..'")
    path = importlib.resources.files(package).joinpath(inner)
    if not path.is_file():
        raise FileNotFoundError(f"{uri!r}: package {package!r} has no file {inner!r}")
    return str(path)


def read(uri: str, params: dict):
    location = package_file(uri) if uri.startswith(PACKAGE_SCHEME) else uri
    fs, path = storage.resolve(location)
    fmt = params.get("format", "auto")
    if fmt == "auto":
        fmt = "parquet" if path.endswith((".parquet", ".pq")) else "csv"
    if fmt == "parquet":
        return pq.read_table(path, filesystem=fs)
    names = params.get("column_names")
    read_options = pacsv.ReadOptions(
        skip_rows=params.get("skip_rows", 0),
        column_names=names if names else None,
        autogenerate_column_names=not names and not params.get("has_header", True),
    )
    if names and params.get("has_header", True):
        read_options.skip_rows_after_names = 1
    with fs.open_input_stream(path) as handle:
        return pacsv.read_csv(handle, read_options=read_options)


def run(ctx) -> None:
    table = read(ctx.params["uri"], ctx.params)
    ctx.log(f"read {table.num_rows} rows, {table.num_columns} columns from {ctx.params['uri']}")
    ctx.write_table("table", table)
