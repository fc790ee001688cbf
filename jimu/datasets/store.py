"""The datasets folder: one folder per uploaded file's content, named by its hash, written once.

    <root>/<id>/table.parquet     the rows as read (the URI a pipeline gets)
    <root>/<id>/info.json         name, size, rows, columns and their detected types

<id> is the start of the file's SHA-256: uploading the same bytes again finds the same dataset,
and no upload can replace another's. A folder appears complete or not at all (written aside,
then renamed), and a file that cannot be read stores nothing.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

import pyarrow as pa
import pyarrow.parquet as pq

from jimu.datasets.bundled import bundled_path, bundled_table
from jimu.datasets.read_upload import DatasetError, read_upload
from jimu.errors import JimuError
from jimu.files import make_temp_dir, new_file_mode
from jimu.home import jimu_home
from jimu.refs import Grammar

DATASET_ID = Grammar(r"[0-9a-f]{20}", "dataset id", "use the 20-character id the upload answered with")
TABLE_FILE, INFO_FILE = "table.parquet", "info.json"
DEFAULT_MAX_BYTES = 50 * 1024 * 1024
TEMP_PREFIX = ".upload-"


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # in words: integer, number, text, yes/no, date, date-time, ...


@dataclass(frozen=True)
class DatasetInfo:
    id: str
    name: str
    bytes: int
    rows: int
    columns: list[Column]
    sha256: str
    added_at: str
    uri: str
    bundled: bool = False  # a file shipped in a template (package:// URI), not an upload; its id is ""


def type_in_words(kind: pa.DataType) -> str:
    if pa.types.is_boolean(kind):
        return "yes/no"
    if pa.types.is_integer(kind):
        return "integer"
    if pa.types.is_floating(kind) or pa.types.is_decimal(kind):
        return "number"
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        return "text"
    if pa.types.is_timestamp(kind):
        return "date-time"
    if pa.types.is_date(kind):
        return "date"
    return str(kind)


def display_name(filename: str) -> str:
    """The uploaded file's own name, for people to recognise it; never used in a path."""
    name = PurePosixPath(filename.replace("\\", "/")).name
    return "".join(ch for ch in name if ch.isprintable())[:200] or "upload"


class DatasetStore:
    def __init__(self, root: Path | None = None, max_bytes: int = DEFAULT_MAX_BYTES):
        self.root = Path(root or jimu_home() / "datasets").absolute()
        self.max_bytes = max_bytes

    def folder(self, dataset_id: str) -> Path:
        if not DATASET_ID.accepts(dataset_id):
            raise JimuError(f"dataset id {dataset_id!r} is not valid; {DATASET_ID.hint}")
        return self.root / dataset_id

    def add(self, data: bytes, filename: str) -> tuple[DatasetInfo, bool]:
        """Store an upload; (its info, whether it is new). DatasetError, with nothing stored, when it is no table."""
        if len(data) > self.max_bytes:
            limit = f"{self.max_bytes / 1024 / 1024:.0f} MB"
            raise DatasetError("too-big", f"{display_name(filename)!r} is larger than {limit}; upload a smaller file "
                               "(a sample of the rows, or only the columns you need)",
                               f"“{display_name(filename)}”超过 {limit}；请上传更小的文件（部分行或只含需要的列）")
        digest = hashlib.sha256(data).hexdigest()
        target = self.folder(digest[:20])
        if (target / INFO_FILE).is_file():  # these very bytes were read and stored before
            return self.info(target.name), False
        table = read_upload(data, display_name(filename))
        self.root.mkdir(parents=True, exist_ok=True)
        temp = make_temp_dir(self.root, TEMP_PREFIX)
        try:
            pq.write_table(table, temp / TABLE_FILE)
            info = DatasetInfo(
                id=target.name, name=display_name(filename), bytes=len(data), rows=table.num_rows,
                columns=[Column(f.name, type_in_words(f.type)) for f in table.schema], sha256=digest,
                added_at=datetime.now(UTC).isoformat(timespec="seconds"), uri=str(target / TABLE_FILE),
            )
            (temp / INFO_FILE).write_text(json.dumps(asdict(info), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
            for path in temp.iterdir():
                os.chmod(path, new_file_mode())
            os.rename(temp, target)  # fails when another upload of the same bytes got there first
        except OSError:
            shutil.rmtree(temp, ignore_errors=True)
            if (target / INFO_FILE).is_file():
                return self.info(target.name), False
            raise
        return info, True

    def info(self, dataset_id: str) -> DatasetInfo:
        path = self.folder(dataset_id) / INFO_FILE
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise JimuError(f"there is no dataset {dataset_id!r}; upload the file, or pick one from the list") from None
        return DatasetInfo(**{**raw, "columns": [Column(**c) for c in raw["columns"]]})

    def list(self) -> list[DatasetInfo]:
        """Every stored dataset, newest first."""
        found = []
        for folder in self.root.glob("*") if self.root.is_dir() else ():
            if DATASET_ID.accepts(folder.name) and (folder / INFO_FILE).is_file():
                found.append(self.info(folder.name))
        return sorted(found, key=lambda d: (d.added_at, d.id), reverse=True)

    def stored_id(self, uri: object) -> str | None:
        """The id of the stored dataset whose table `uri` is (as a form field holds it), else None."""
        if not isinstance(uri, str):
            return None
        path = Path(uri)
        if path.name != TABLE_FILE or path.parent.parent != self.root or not DATASET_ID.accepts(path.parent.name):
            return None
        return path.parent.name if (path.parent / INFO_FILE).is_file() else None

    def describe(self, uri: object) -> DatasetInfo | None:
        """What a dataset field's value names: a stored dataset, or a file a template ships; None if neither."""
        stored = self.stored_id(uri)
        if stored is not None:
            return self.info(stored)
        path = bundled_path(uri)
        if path is None:
            return None
        try:
            table = bundled_table(path)
        except DatasetError:
            return None
        data = path.read_bytes()
        return DatasetInfo(id="", name=path.name, bytes=len(data), rows=table.num_rows,
                           columns=[Column(f.name, type_in_words(f.type)) for f in table.schema],
                           sha256=hashlib.sha256(data).hexdigest(), added_at="", uri=str(uri), bundled=True)

    def columns_of(self, uri: object) -> list[str] | None:
        """The column names of the dataset at `uri` (stored or bundled), None if it is none of ours."""
        try:
            info = self.describe(uri)
        except JimuError:
            return None
        return None if info is None else [c.name for c in info.columns]

    def preview(self, dataset_id: str, rows: int = 20) -> list[dict]:
        """The first rows, as JSON-ready records."""
        # Only the first rows are read, not the whole table (an upload may be 50 MB).
        batches = pq.ParquetFile(self.folder(dataset_id) / TABLE_FILE).iter_batches(batch_size=rows)
        first = next(batches, None)
        if first is None:
            return []
        return _records(first)

    def preview_of(self, info: DatasetInfo, rows: int = 20) -> list[dict]:
        """The first rows of a described dataset, stored or bundled."""
        if not info.bundled:
            return self.preview(info.id, rows)
        path = bundled_path(info.uri)
        return [] if path is None else _records(bundled_table(path).slice(0, rows))


def _records(rows: pa.Table | pa.RecordBatch) -> list[dict]:
    return json.loads(rows.to_pandas().to_json(orient="records", date_format="iso"))
