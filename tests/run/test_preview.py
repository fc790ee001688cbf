"""preview_port: the charts stored beside a port's table or metrics come with its preview, by name."""

from __future__ import annotations

import json

import pyarrow as pa

from jimu.run.preview import preview_port
from jimu.runtime import storage
from jimu.runtime.charts import CHART_SUFFIX, CHARTS_FOLDER, write_chart

BARS = {"mark": "bar", "data": {"values": [{"a": "x", "b": 1}]}}


def test_metrics_and_table_previews_list_their_charts(tmp_path):
    storage.write_json(str(tmp_path / "metrics"), storage.METRICS_FILE, {"accuracy": 0.9})
    write_chart(str(tmp_path / "metrics"), "roc_curve", BARS)
    write_chart(str(tmp_path / "metrics"), "confusion_matrix", {**BARS, "title": "Confusion matrix"})
    preview = preview_port(tmp_path / "metrics", 5)
    assert preview["kind"] == "metrics" and preview["metrics"] == {"accuracy": 0.9}
    assert [chart["name"] for chart in preview["charts"]] == ["confusion_matrix", "roc_curve"]
    assert preview["charts"][0]["spec"]["title"] == "Confusion matrix"

    storage.write_table(str(tmp_path / "table"), pa.table({"a": [1, 2]}))
    assert preview_port(tmp_path / "table", 5)["charts"] == []
    write_chart(str(tmp_path / "table"), "histogram", BARS)
    assert [chart["name"] for chart in preview_port(tmp_path / "table", 5)["charts"]] == ["histogram"]


def test_a_chart_file_with_nan_is_json_safe(tmp_path):
    storage.write_json(str(tmp_path / "m"), storage.METRICS_FILE, {})
    (tmp_path / "m" / CHARTS_FOLDER).mkdir()
    (tmp_path / "m" / CHARTS_FOLDER / f"odd{CHART_SUFFIX}").write_text('{"data": {"values": [{"b": NaN}]}}')
    preview = preview_port(tmp_path / "m", 5)
    assert preview["charts"] == [{"name": "odd", "spec": {"data": {"values": [{"b": None}]}}}]
    json.dumps(preview, allow_nan=False)  # what the API sends


def test_charts_alone_are_no_preview(tmp_path):
    write_chart(str(tmp_path / "port"), "lonely", BARS)
    assert preview_port(tmp_path / "port", 5) is None
