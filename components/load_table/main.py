"""Load a CSV, TSV, Parquet, JSON or JSON Lines file (local, s3:// or package://) into `table`."""

from __future__ import annotations

import importlib.resources
import io
import json
from pathlib import PurePosixPath

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.json as pajson
import pyarrow.parquet as pq

from jimu.runtime import FatalError, storage

PACKAGE_SCHEME = "package://"
# Extension -> format, for format "auto" (matched case-insensitively).
EXTENSIONS = {
    ".csv": "csv", ".tsv": "tsv", ".tab": "tsv", ".parquet": "parquet", ".pq": "parquet",
    ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl",
}
# Compression undone on the fly, by extension (any case); Parquet compresses inside the file instead.
COMPRESSIONS = {".gz": "gzip", ".bz2": "bz2", ".zst": "zstd", ".lz4": "lz4", ".br": "brotli"}
FORMATS = ("csv", "tsv", "parquet", "json", "jsonl")
EMPTY_FILE = ("Empty CSV file", "Empty JSON file")


def package_file(uri: str) -> str:
    """package://sklearn.datasets/data/wine_data.csv -> the file's path on this machine."""
    package, _, inner = uri[len(PACKAGE_SCHEME):].partition("/")
    if not package or not inner or ".." in PurePosixPath(inner).parts:
        raise FatalError(f"param 'uri': {uri!r}: write package://<package>/<file inside it>, without '..'")
    try:
        path = importlib.resources.files(package).joinpath(inner)
    except ModuleNotFoundError:
        raise FatalError(f"param 'uri': {uri!r}: no installed package {package!r}; check its spelling") from None
    if not path.is_file():
        raise FatalError(f"param 'uri': {uri!r}: package {package!r} has no file {inner!r}")
    return str(path)


def compression_of(path: str) -> tuple[str, str | None]:
    """The file name (lowercase) without its compression suffix, and the codec that suffix names."""
    name = PurePosixPath(path).name.lower()
    for suffix, codec in COMPRESSIONS.items():
        if name.endswith(suffix):
            return name[: -len(suffix)], codec
    return name, None


def detect_format(path: str) -> str:
    """The format an extension names, compression suffixes (.gz, ...) aside; FatalError if unknown."""
    suffix = PurePosixPath(compression_of(path)[0]).suffix
    if suffix in EXTENSIONS:
        return EXTENSIONS[suffix]
    known = ", ".join(sorted(EXTENSIONS))
    raise FatalError(
        f"param 'format': cannot tell the format of {PurePosixPath(path).name!r} from its extension "
        f"(known: {known}, optionally compressed {', '.join(COMPRESSIONS)}); set param 'format' to one of "
        f"{', '.join(FORMATS)}"
    )


def check_csv_only_params(params: dict, fmt: str) -> None:
    given = {
        "skip_rows": params.get("skip_rows", 0) != 0,
        "has_header": params.get("has_header", True) is not True,
        "column_names": bool(params.get("column_names")),
        "null_values": params.get("null_values", [""]) != [""],
    }
    for name in (name for name, set_ in given.items() if set_):
        raise FatalError(f"param {name!r} applies to csv and tsv files only, and this file is {fmt}; remove it")


def read_delimited(handle, params: dict, delimiter: str) -> pa.Table:
    names = params.get("column_names")
    read_options = pacsv.ReadOptions(
        skip_rows=params.get("skip_rows", 0),
        column_names=names if names else None,
        autogenerate_column_names=not names and not params.get("has_header", True),
    )
    if names and params.get("has_header", True):
        read_options.skip_rows_after_names = 1
    # Only the listed texts are missing values, in text columns too: pyarrow's own list (NA, null,
    # nan, ...) would silently turn a country code "NA" or a word "null" into a missing value.
    convert = pacsv.ConvertOptions(null_values=params.get("null_values", [""]), strings_can_be_null=True)
    return pacsv.read_csv(
        handle, read_options=read_options, parse_options=pacsv.ParseOptions(delimiter=delimiter), convert_options=convert
    )


def read_records(handle) -> pa.Table:
    """A JSON array of objects, read with the JSON Lines reader so both infer types alike."""
    try:
        records = json.load(handle)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FatalError(f"not valid JSON: {exc}") from None
    if not isinstance(records, list):
        hint = "; for one object per line set param 'format' to jsonl" if isinstance(records, dict) else ""
        raise FatalError(
            f"a json file must hold an array of objects (records), e.g. [{{\"a\": 1}}, {{\"a\": 2}}], "
            f"not a {type(records).__name__}{hint}"
        )
    for i, record in enumerate(records):
        if not isinstance(record, dict):
            raise FatalError(f"item {i} of the JSON array is a {type(record).__name__}, not an object; "
                             "every item must be an object whose keys are the columns")
    if not records:
        return pa.table({})
    lines = "\n".join(json.dumps(record, allow_nan=False) for record in records).encode()
    return pajson.read_json(io.BytesIO(lines))


def read(uri: str, params: dict) -> pa.Table:
    location = package_file(uri) if uri.startswith(PACKAGE_SCHEME) else uri
    fs, path = storage.resolve(location)
    fmt = params.get("format", "auto")
    if fmt == "auto":
        fmt = detect_format(path)
    if fmt not in ("csv", "tsv"):
        check_csv_only_params(params, fmt)
    with fs.open_input_stream(path, compression=None) as handle:
        data = handle.read()  # a missing file or a network error stays an ordinary, retried failure
    try:
        source = pa.BufferReader(data)
        if fmt == "parquet":
            return pq.read_table(source)
        codec = compression_of(path)[1]
        stream = pa.CompressedInputStream(source, codec) if codec else source
        if fmt == "json":
            return read_records(stream)
        if fmt == "jsonl":
            return pajson.read_json(stream)
        return read_delimited(stream, params, "\t" if fmt == "tsv" else ",")
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, OSError, UnicodeDecodeError, FatalError) as exc:
        # The bytes are all here: whatever fails now (a parse, a decompression) fails again.
        if str(exc).startswith(EMPTY_FILE):
            return pa.table({})  # run() warns: 0 rows
        raise FatalError(
            f"param 'uri': cannot read {uri!r} as {fmt}: {exc}; check the file, or set param 'format'"
        ) from None


def run(ctx) -> None:
    uri = ctx.params["uri"]
    table = read(uri, ctx.params)
    ctx.log(f"read {table.num_rows} rows, {table.num_columns} columns from {uri}")
    if table.num_rows == 0:
        ctx.warn(f"read 0 rows from {uri}: downstream nodes get an empty table; check the file and its params")
    ctx.write_table("table", table)
