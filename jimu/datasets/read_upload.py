"""An uploaded file's bytes -> a table, or a DatasetError that says in plain words what is wrong.

Nothing is stored here: the store writes a table only once it has read it whole.
"""

from __future__ import annotations

import io
from pathlib import PurePosixPath

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from jimu.errors import JimuError

FORMATS = {".csv": "csv", ".tsv": "tsv", ".txt": "csv", ".xlsx": "excel", ".parquet": "parquet", ".pq": "parquet"}
UTF8_BOM = b"\xef\xbb\xbf"


class DatasetError(JimuError):
    """An uploaded file cannot become a dataset; `kind` names the class of problem, `message_zh` says it in Chinese."""

    def __init__(self, kind: str, message: str, message_zh: str):
        self.kind, self.message, self.message_zh = kind, message, message_zh
        super().__init__(message)


def upload_format(filename: str) -> str:
    suffix = PurePosixPath(filename.replace("\\", "/")).suffix.lower()
    if suffix not in FORMATS:
        known = ", ".join(sorted(FORMATS))
        raise DatasetError(
            "unknown-format", f"{filename!r}: Jimu reads {known} files; save the data in one of these and upload again",
            f"“{filename}”：只能读取 {known} 文件；请另存为其中一种格式后重新上传",
        )
    return FORMATS[suffix]


def _text(data: bytes, filename: str) -> bytes:
    """UTF-8 bytes without a BOM; anything else is refused (Excel's "CSV UTF-8" saves this)."""
    data = data.removeprefix(UTF8_BOM)
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise DatasetError(
            "encoding",
            f"{filename!r} is not UTF-8 text (line {line} has a byte UTF-8 does not allow, as GBK or Latin-1 files do); "
            "save it as \"CSV UTF-8\" (Excel: Save As > CSV UTF-8) and upload again",
            f"“{filename}”不是 UTF-8 编码的文本（第 {line} 行含有 UTF-8 不允许的字节，GBK 等编码的文件会这样）；"
            "请另存为“CSV UTF-8”（Excel：另存为 > CSV UTF-8）后重新上传",
        ) from None
    return data


def _delimited(data: bytes, filename: str, delimiter: str) -> pa.Table:
    text = _text(data, filename)
    if not text.strip():
        raise _empty(filename)
    convert = pacsv.ConvertOptions(null_values=[""], strings_can_be_null=True)
    try:
        return pacsv.read_csv(io.BytesIO(text), parse_options=pacsv.ParseOptions(delimiter=delimiter),
                              convert_options=convert)
    except pa.ArrowInvalid as exc:
        detail = str(exc)
        if "Expected" in detail and "columns" in detail:
            raise DatasetError(
                "ragged", f"{filename!r}: rows have different numbers of fields ({detail.splitlines()[0]}); "
                "every row needs as many fields as the header, so check for a stray separator or a missing quote",
                f"“{filename}”：各行的字段数不一致（{detail.splitlines()[0]}）；每一行的字段数都要与表头相同，"
                "请检查多余的分隔符或缺少的引号",
            ) from None
        raise _unreadable(filename, detail) from None


def _empty(filename: str) -> DatasetError:
    return DatasetError("empty", f"{filename!r} holds no rows; upload a file with a header and at least one row",
                        f"“{filename}”没有数据行；请上传含表头和至少一行数据的文件")


def _unreadable(filename: str, detail: str) -> DatasetError:
    first = detail.strip().splitlines()[0] if detail.strip() else "unknown problem"
    return DatasetError("unreadable", f"{filename!r} cannot be read: {first}; check that it is the file you meant",
                        f"无法读取“{filename}”：{first}；请确认上传的是正确的文件")


def read_upload(data: bytes, filename: str) -> pa.Table:
    """The table in an uploaded file; DatasetError for an unknown format, a wrong encoding, ragged rows, no rows."""
    fmt = upload_format(filename)
    if fmt in ("csv", "tsv"):
        table = _delimited(data, filename, "\t" if fmt == "tsv" else ",")
    elif fmt == "parquet":
        try:
            table = pq.read_table(pa.BufferReader(data))
        except (pa.ArrowInvalid, OSError) as exc:
            raise _unreadable(filename, str(exc)) from None
    else:
        table = _excel(data, filename)
    if table.num_rows == 0 or table.num_columns == 0:
        raise _empty(filename)
    names = [str(n) for n in table.column_names]
    duplicated = sorted({n for n in names if names.count(n) > 1})
    if duplicated or any(not n.strip() for n in names):
        what = f"repeated column names {', '.join(map(repr, duplicated))}" if duplicated else "a column without a name"
        raise DatasetError("columns", f"{filename!r} has {what}; give every column its own name in the header",
                           f"“{filename}”的表头有重复或空的列名；请给每一列一个不同的名字")
    return table


def _excel(data: bytes, filename: str) -> pa.Table:
    import pandas as pd

    try:
        frame = pd.read_excel(io.BytesIO(data), sheet_name=0, engine="openpyxl")
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a damaged or foreign file
        raise _unreadable(filename, f"not a readable .xlsx workbook ({type(exc).__name__}: {exc})") from None
    frame.columns = [str(c) for c in frame.columns]
    try:
        return pa.Table.from_pandas(frame, preserve_index=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
        raise DatasetError(
            "mixed-types", f"{filename!r}: a column mixes numbers and text ({exc}); make each column one kind of value",
            f"“{filename}”：某一列混合了数字和文本（{exc}）；请让每一列只含一种值",
        ) from None
