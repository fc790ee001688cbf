"""Charts, a standard artifact next to a port's table or metrics: one Vega-Lite spec per file.

    <port>/charts/<name>.vl.json

A chart is a Vega-Lite spec with its numbers inline (`data.values`), not a picture: the numbers
behind it stay readable by tests and tools, the editor draws it with vega-embed, and it costs a
few kilobytes of JSON rather than a plotting library in every component image. A spec may load
nothing from elsewhere (no `url` key in it, outside its rows of data), so showing a run's charts
fetches nothing; the editor's loader refuses every load as well.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from jimu.refs import Grammar
from jimu.runtime import storage

CHARTS_FOLDER = "charts"
CHART_SUFFIX = ".vl.json"
VEGA_LITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"
# A chart is a summary: more than this is a table in disguise, and would slow the editor down.
MAX_CHART_BYTES = 1_000_000
CHART_NAME = Grammar(
    r"[a-z][a-z0-9_-]{0,62}", "chart name",
    "use 1-63 lowercase letters, digits, '_' or '-', starting with a letter, e.g. 'confusion_matrix'",
)


class ChartError(ValueError):
    """A chart a component tried to write is not a self-contained Vega-Lite spec of a fair size."""


def chart_bytes(name: str, spec: dict[str, Any]) -> bytes:
    """The file a chart is stored as, after the checks every chart passes."""
    if not CHART_NAME.accepts(name):
        raise ChartError(f"chart name {name!r} is not a {CHART_NAME.what}: {CHART_NAME.hint}")
    if not isinstance(spec, dict):
        raise ChartError(f"chart {name!r}: a spec is a JSON object (a dict), not {type(spec).__name__}")
    if _has_url(spec):
        raise ChartError(f"chart {name!r} loads data from a url; put the numbers in data.values instead")
    spec = {"$schema": VEGA_LITE_SCHEMA, **spec}
    try:
        data = json.dumps(spec, sort_keys=True, allow_nan=False).encode()
    except (TypeError, ValueError) as exc:
        raise ChartError(f"chart {name!r} is not plain JSON ({exc}); use finite numbers, text, lists and dicts") from None
    if len(data) > MAX_CHART_BYTES:
        raise ChartError(f"chart {name!r} is {len(data)} bytes, over {MAX_CHART_BYTES}; "
                         "summarise or sample the data before charting it")
    return data


def write_chart(uri: str, name: str, spec: dict[str, Any]) -> None:
    """Store a chart under a port URI (local or s3://), atomically."""
    storage.write_bytes(storage.join(uri, CHARTS_FOLDER), name + CHART_SUFFIX, chart_bytes(name, spec))


def clear_charts(uri: str) -> None:
    """Remove the charts under a port URI: a retry of the node must not show an earlier attempt's charts."""
    fs, folder = storage.resolve(uri)
    fs.delete_dir_contents(storage.join(folder, CHARTS_FOLDER), missing_dir_ok=True)


def read_charts(folder: Path) -> list[dict[str, Any]]:
    """The charts stored under a local port folder, by name: [{name, spec}].

    A file that is not a chart write_chart could have written (too big, not JSON, not an
    object, loading a url) is left out rather than shown or failing the whole preview.
    """
    charts_folder = folder / CHARTS_FOLDER
    if not charts_folder.is_dir():
        return []
    charts = []
    for path in sorted(charts_folder.glob("*" + CHART_SUFFIX)):
        name = path.name.removesuffix(CHART_SUFFIX)
        if not CHART_NAME.accepts(name) or path.is_symlink() or not path.is_file():
            continue
        if path.stat().st_size > MAX_CHART_BYTES:
            continue
        try:
            spec = json.loads(path.read_bytes())
        except ValueError:  # JSONDecodeError and UnicodeDecodeError alike
            continue
        if isinstance(spec, dict) and not _has_url(spec):
            charts.append({"name": name, "spec": spec})
    return charts


def _has_url(value: Any) -> bool:
    """A `url` key anywhere in the spec's structure; inline data (`values`) is rows, not structure, and is skipped."""
    if isinstance(value, dict):
        return any(key == "url" or (key != "values" and _has_url(item)) for key, item in value.items())
    if isinstance(value, list):
        return any(_has_url(item) for item in value)
    return False
