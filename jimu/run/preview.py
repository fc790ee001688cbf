"""A first look at a node's output port: a table's columns, first rows and row count, or its metrics; and its charts."""

from __future__ import annotations

import base64
import datetime
import decimal
import json
import math
from pathlib import Path
from typing import Any

from jimu.runtime.charts import read_charts
from jimu.runtime.storage import METRICS_FILE, TABLE_FILE


def preview_port(folder: Path, limit: int) -> dict[str, Any] | None:
    """The preview of the port stored in `folder`, None when it holds neither a table nor metrics.

    Only the first rows are read, and the row count comes from the Parquet footer, so a large
    table costs no more than a small one. `charts` lists the Vega-Lite charts stored beside
    the table or metrics (jimu.runtime.charts), by name.
    """
    preview = _preview_data(folder, limit)
    if preview is not None:
        preview["charts"] = json_safe(read_charts(folder))
    return preview


def _preview_data(folder: Path, limit: int) -> dict[str, Any] | None:
    import pyarrow.parquet as pq

    if (folder / TABLE_FILE).is_file():
        with pq.ParquetFile(folder / TABLE_FILE) as table:
            schema = table.schema_arrow
            rows = next(table.iter_batches(batch_size=limit), None) if limit > 0 else None
            return {
                "kind": "table",
                "columns": [{"name": field.name, "type": str(field.type)} for field in schema],
                "rows": [json_safe(row) for row in rows.slice(0, limit).to_pylist()] if rows is not None else [],
                "row_count": table.metadata.num_rows,
                "metrics": None,
            }
    if (folder / METRICS_FILE).is_file():
        metrics = json.loads((folder / METRICS_FILE).read_text(encoding="utf-8"))
        return {"kind": "metrics", "columns": [], "rows": [], "row_count": None, "metrics": json_safe(metrics)}
    return None


def json_safe(value: Any) -> Any:
    """A value JSON can carry: NaN and infinities become null, dates ISO text, bytes base64, decimals text."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, dict):
        return {str(key): json_safe(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(item) for item in value]
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return value.total_seconds()
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, decimal.Decimal):
        return str(value)
    return str(value)
