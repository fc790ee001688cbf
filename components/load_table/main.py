"""Load a CSV, TSV, Parquet, JSON or JSON Lines file, or a folder of them (local, s3:// or package://),
into `table`; a relative path is read from the exports folder of the Jimu home."""

from __future__ import annotations

import io
import json
import sys
from concurrent.futures import ThreadPoolExecutor
from importlib.machinery import PathFinder
from pathlib import Path, PurePosixPath

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.fs as pafs
import pyarrow.json as pajson
import pyarrow.parquet as pq

from jimu.runtime import FatalError, storage
from jimu.runtime.exports import in_exports

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
FOLDER_READERS = 8  # files of a folder read at once


def installed_elsewhere(dotted: str, locations):
    """The spec other finders give, e.g. an editable install's (it maps jimu.templates onto templates/).

    These finders answer from their own tables, importing nothing.
    """
    for finder in sys.meta_path:
        if finder is PathFinder or not hasattr(finder, "find_spec"):
            continue
        spec = finder.find_spec(dotted, locations)
        if spec is not None:
            return spec
    return None


def package_folder(package: str, uri: str) -> Path:
    """The folder of an installed package, found on sys.path without importing it.

    Importing would run every `__init__` on the way (sklearn.datasets pulls in most of scikit-learn,
    about a second per node), so the dotted name is walked the way the import system would walk it:
    the first part on sys.path, each next part inside the folder(s) of the one before.
    """
    locations = None  # None: the top-level part is looked for on sys.path
    walked = []
    for part in package.split("."):
        walked.append(part)
        # The bare part, not the dotted name: a namespace parent's search path then never looks up
        # its parent in sys.modules, where (never imported) it is not.
        spec = PathFinder.find_spec(part, locations) or installed_elsewhere(".".join(walked), locations)
        if spec is None:
            raise FatalError(
                f"param 'uri': {uri!r}: no installed package {package!r} ({'.'.join(walked)!r} is not found "
                "on sys.path); check its spelling, and that it is installed in the node's environment"
            )
        if spec.submodule_search_locations is None:
            raise FatalError(
                f"param 'uri': {uri!r}: {'.'.join(walked)!r} is a module, not a package; "
                "name the package folder that holds the file"
            )
        locations = list(spec.submodule_search_locations)
    if spec.origin is None or len(locations) != 1:
        raise FatalError(
            f"param 'uri': {uri!r}: {package!r} is a namespace package (no __init__.py, possibly spread over "
            "several folders); name a regular package inside it that holds the file"
        )
    folder = Path(locations[0])
    if not folder.is_dir():
        raise FatalError(f"param 'uri': {uri!r}: package {package!r} is not a folder on disk (a zip?); "
                         "use a path to the file instead")
    return folder


def package_file(uri: str) -> str:
    """package://sklearn.datasets/data/wine_data.csv -> the file's path on this machine, nothing imported."""
    package, _, inner = uri[len(PACKAGE_SCHEME):].partition("/")
    inner_path = PurePosixPath(inner)
    if (not inner or inner_path.is_absolute() or ".." in inner_path.parts
            or any(char in inner for char in "\\\0")):
        raise FatalError(
            f"param 'uri': {uri!r}: write package://<package>/<file inside it>, a relative path "
            "without '..', backslashes or NUL"
        )
    if not all(part.isidentifier() for part in package.split(".")):
        raise FatalError(f"param 'uri': {uri!r}: {package!r} is not a dotted Python package name; "
                         "write e.g. package://sklearn.datasets/data/iris.csv")
    folder = package_folder(package, uri)
    path = folder / inner
    if not path.is_file():
        raise FatalError(f"param 'uri': {uri!r}: package {package!r} has no file {inner!r}")
    if not path.resolve().is_relative_to(folder.resolve()):
        raise FatalError(f"param 'uri': {uri!r}: {inner!r} leads outside package {package!r} "
                         "(a symbolic link); name a file inside the package")
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


def read_delimited(open_stream, params: dict, delimiter: str) -> pa.Table:
    """A CSV/TSV table; `open_stream()` gives the text afresh (a second read may be needed)."""
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
    parse = pacsv.ParseOptions(delimiter=delimiter)
    table = pacsv.read_csv(open_stream(), read_options=read_options, parse_options=parse, convert_options=convert)
    # pyarrow reads the words nan/NaN/-nan as a float NaN, so a text column holding "nan" would lose
    # its text (pandas keeps it): a float column with any NaN in it is read again as text.
    texts = [field.name for field in table.schema
             if pa.types.is_floating(field.type) and pc.any(pc.is_nan(table[field.name])).as_py()]
    if not texts:
        return table
    convert.column_types = dict.fromkeys(texts, pa.string())
    return pacsv.read_csv(open_stream(), read_options=read_options, parse_options=parse, convert_options=convert)


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


def read_file(fs: pafs.FileSystem, path: str, fmt: str, uri: str, params: dict) -> pa.Table:
    """One file in format `fmt`; FatalError naming `uri` when its bytes do not parse."""
    with fs.open_input_stream(path, compression=None) as handle:
        data = handle.read()  # a missing file or a network error stays an ordinary, retried failure
    try:
        if fmt == "parquet":
            return pq.read_table(pa.BufferReader(data))
        codec = compression_of(path)[1]

        def open_stream():
            buffer = pa.BufferReader(data)
            return pa.CompressedInputStream(buffer, codec) if codec else buffer

        if fmt == "json":
            return read_records(open_stream())
        if fmt == "jsonl":
            return pajson.read_json(open_stream())
        return read_delimited(open_stream, params, "\t" if fmt == "tsv" else ",")
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, OSError, UnicodeDecodeError, FatalError) as exc:
        # The bytes are all here: whatever fails now (a parse, a decompression) fails again.
        if str(exc).startswith(EMPTY_FILE):
            return pa.table({})  # run() warns: 0 rows
        raise FatalError(
            f"param 'uri': cannot read {uri!r} as {fmt}: {exc}; check the file, or set param 'format'"
        ) from None


def known_format(path: str) -> str | None:
    try:
        return detect_format(path)
    except FatalError:
        return None


def folder_files(fs: pafs.FileSystem, folder: str, fmt: str, uri: str, log) -> tuple[list[str], str]:
    """The folder's files of one format, sorted by name, and that format.

    Hidden and `_`-prefixed files (a writer's temp file, _SUCCESS markers) are not data; files of
    other extensions are left out with a log line.
    """
    infos = fs.get_file_info(pafs.FileSelector(folder, recursive=False))
    names = sorted(info.base_name for info in infos
                   if info.type == pafs.FileType.File and not info.base_name.startswith((".", "_")))
    by_format = {name: known_format(name) for name in names}
    if fmt == "auto":
        found = sorted({f for f in by_format.values() if f})
        if len(found) > 1:
            raise FatalError(
                f"param 'uri': folder {uri!r} holds files of several formats ({', '.join(found)}); set param "
                "'format' to the one to read"
            )
        fmt = found[0] if found else "csv"
    chosen = [name for name in names if by_format[name] == fmt]
    others = [name for name in names if by_format[name] != fmt]
    if others:
        log(f"left out {len(others)} file(s) that are not {fmt} in {uri}: {', '.join(others[:5])}")
    return [f"{folder.rstrip('/')}/{name}" for name in chosen], fmt


def family(kind: pa.DataType) -> str | pa.DataType:
    """Types that stack into one column: numbers (as floats if any is), texts (string, large_string)."""
    if pa.types.is_integer(kind) or pa.types.is_floating(kind):
        return "number"
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        return "text"
    return kind


def stack(tables: list[tuple[str, pa.Table]], uri: str) -> pa.Table:
    """One table of the files' rows in order; FatalError naming two files whose columns disagree.

    A column of only missing values (no type) takes the others' type, and integers meet floats as
    floats, as pandas' concat does; any other difference of type is an error.
    """
    tables = [(name, table) for name, table in tables if table.num_columns]  # an empty file has no columns
    if not tables:
        return pa.table({})
    first_name, first = tables[0]
    typed_by: dict[str, tuple[str, pa.DataType]] = {}  # column -> the first file giving it a type, and that type
    for name, table in tables:
        if table.column_names != first.column_names:
            raise FatalError(
                f"param 'uri': the files of folder {uri!r} do not have the same columns: {first_name} has "
                f"{first.column_names}, {name} has {table.column_names}; make them agree, or read them apart"
            )
        for field in table.schema:
            if pa.types.is_null(field.type):
                continue
            seen_in, seen = typed_by.setdefault(field.name, (name, field.type))
            if family(seen) != family(field.type):
                raise FatalError(
                    f"param 'uri': column {field.name!r} is {seen} in {seen_in} but {field.type} in {name} "
                    f"(folder {uri!r}); make the files agree, or read them apart"
                )
    return pa.concat_tables([table for _, table in tables], promote_options="permissive")


def read(uri: str, params: dict, log=lambda message: None) -> pa.Table:
    location = package_file(uri) if uri.startswith(PACKAGE_SCHEME) else in_exports(uri)
    fs, path = storage.resolve(location)
    fmt = params.get("format", "auto")
    if fs.get_file_info(path).type == pafs.FileType.Directory:
        paths, fmt = folder_files(fs, path, fmt, uri, log)
        if fmt not in ("csv", "tsv"):
            check_csv_only_params(params, fmt)
        log(f"reading {len(paths)} {fmt} file(s) of folder {uri}")

        def read_one(path: str) -> tuple[str, pa.Table]:
            name = path.rsplit("/", 1)[-1]
            return name, read_file(fs, path, fmt, f"{uri}/{name}", params)

        # Many small files (a day each) wait on the disk more than on a core: read a few at once.
        # map() keeps the files' order, and the first failing file's error is the one raised.
        with ThreadPoolExecutor(max_workers=FOLDER_READERS) as pool:
            return stack(list(pool.map(read_one, paths)), uri)
    if fmt == "auto":
        fmt = detect_format(path)
    if fmt not in ("csv", "tsv"):
        check_csv_only_params(params, fmt)
    return read_file(fs, path, fmt, uri, params)


def run(ctx) -> None:
    uri = ctx.params["uri"]
    table = read(uri, ctx.params, ctx.log)
    ctx.log(f"read {table.num_rows} rows, {table.num_columns} columns from {uri}")
    if table.num_rows == 0:
        ctx.warn(f"read 0 rows from {uri}: downstream nodes get an empty table; check the file and its params")
    ctx.write_table("table", table)
