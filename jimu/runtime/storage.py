"""Tables and files between steps: Parquet through pyarrow.fs, local paths or s3:// alike."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pyarrow as pa
import pyarrow.fs as pafs
import pyarrow.parquet as pq

TABLE_FILE = "part-0.parquet"
METRICS_FILE = "metrics.json"


def resolve(uri: str) -> tuple[pafs.FileSystem, str]:
    """A filesystem and the path inside it; plain paths are local and made absolute."""
    if "://" in uri:
        return pafs.FileSystem.from_uri(uri)
    return pafs.LocalFileSystem(), str(Path(uri).absolute())


def join(base: str, *parts: str) -> str:
    return "/".join([base.rstrip("/"), *parts])


def _write_atomically(fs: pafs.FileSystem, folder: str, name: str, write) -> str:
    """Write to a temp name and rename, so readers never see half a file."""
    fs.create_dir(folder, recursive=True)
    final = f"{folder}/{name}"
    temp = f"{folder}/.{name}.{uuid.uuid4().hex}.tmp"
    try:
        write(temp)
        fs.move(temp, final)
    except BaseException:
        if fs.get_file_info(temp).type != pafs.FileType.NotFound:
            fs.delete_file(temp)
        raise
    return final


def write_table(uri: str, table: pa.Table) -> int:
    """Write a table under the port URI; returns the number of rows written."""
    fs, folder = resolve(uri)
    _write_atomically(fs, folder, TABLE_FILE, lambda path: pq.write_table(table, path, filesystem=fs))
    return table.num_rows


def read_table(uri: str) -> pa.Table:
    fs, folder = resolve(uri)
    return pq.read_table(f"{folder}/{TABLE_FILE}", filesystem=fs)


def table_rows(uri: str) -> int:
    """Row count from the Parquet footer, without reading the data."""
    fs, folder = resolve(uri)
    with fs.open_input_file(f"{folder}/{TABLE_FILE}") as handle:
        return pq.ParquetFile(handle).metadata.num_rows


def write_json(uri: str, name: str, value) -> None:
    write_bytes(uri, name, json.dumps(value, sort_keys=True, indent=2).encode())


def read_json(uri: str, name: str):
    return json.loads(read_bytes(uri, name))


def default_storage_base() -> str:
    """Where local runs keep step data when the profile names no storage base."""
    from jimu.home import jimu_home

    return str(jimu_home() / "data")


def write_bytes(uri: str, name: str, data: bytes) -> None:
    """Write one file under a port URI, atomically."""
    fs, folder = resolve(uri)

    def write(path: str) -> None:
        with fs.open_output_stream(path) as out:
            out.write(data)

    _write_atomically(fs, folder, name, write)


def read_bytes(uri: str, name: str) -> bytes:
    fs, folder = resolve(uri)
    with fs.open_input_stream(f"{folder}/{name}") as handle:
        return handle.read()
