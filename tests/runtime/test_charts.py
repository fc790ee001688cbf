"""Charts under a port: what write_chart stores and refuses, what read_charts lists and leaves out."""

from __future__ import annotations

import json
import os

import pytest

from jimu.runtime.charts import (
    CHART_SUFFIX,
    CHARTS_FOLDER,
    MAX_CHART_BYTES,
    VEGA_LITE_SCHEMA,
    ChartError,
    read_charts,
    write_chart,
)
from tests.components.charts import vega_lite_errors

BARS = {"mark": "bar", "data": {"values": [{"a": "x", "b": 1}]},
        "encoding": {"x": {"field": "a", "type": "nominal"}, "y": {"field": "b", "type": "quantitative"}}}


def test_a_chart_is_stored_as_json_under_the_port_and_listed_by_name(tmp_path):
    write_chart(str(tmp_path / "port"), "zeta", BARS)
    write_chart(str(tmp_path / "port"), "alpha", {**BARS, "mark": "point"})
    stored = json.loads((tmp_path / "port" / CHARTS_FOLDER / f"alpha{CHART_SUFFIX}").read_text())
    assert stored == {**BARS, "mark": "point", "$schema": VEGA_LITE_SCHEMA}
    assert [chart["name"] for chart in read_charts(tmp_path / "port")] == ["alpha", "zeta"]
    assert sorted(os.listdir(tmp_path / "port" / CHARTS_FOLDER)) == ["alpha.vl.json", "zeta.vl.json"]  # no temp files


def test_the_vega_lite_schema_check_can_fail():
    assert vega_lite_errors({**BARS, "$schema": VEGA_LITE_SCHEMA}) == []
    assert vega_lite_errors({**BARS, "mark": "barr"})
    assert vega_lite_errors({**BARS, "encoding": {"x": {"field": "a", "type": "numeric"}}})


@pytest.mark.parametrize(("name", "spec", "says"), [
    ("Bad Name", BARS, "chart name 'Bad Name' is not a chart name"),
    ("../escape", BARS, "is not a chart name"),
    ("ok", [BARS], "a spec is a JSON object"),
    ("ok", {**BARS, "data": {"url": "https://example.invalid/data.csv"}}, "loads data from a url"),
    ("ok", {**BARS, "layer": [{"mark": {"type": "image", "url": "x.png"}}]}, "loads data from a url"),
    ("ok", {**BARS, "encoding": {"url": {"field": "picture", "type": "nominal"}}}, "loads data from a url"),
    ("ok", {**BARS, "data": {"values": [{"b": float("nan")}]}}, "not plain JSON"),
    ("ok", {**BARS, "data": {"values": [{"b": object()}]}}, "not plain JSON"),
    ("ok", {**BARS, "data": {"values": [{"b": 1.5}] * (MAX_CHART_BYTES // 8)}}, "summarise or sample"),
])
def test_bad_charts_are_refused_naming_the_chart_and_the_fix(tmp_path, name, spec, says):
    with pytest.raises(ChartError) as caught:
        write_chart(str(tmp_path / "port"), name, spec)
    assert says in str(caught.value)
    assert not (tmp_path / "port" / CHARTS_FOLDER).exists() or not os.listdir(tmp_path / "port" / CHARTS_FOLDER)


def test_a_column_named_url_in_the_rows_is_data_not_a_load(tmp_path):
    rows = {**BARS, "data": {"values": [{"url": "https://example.invalid", "b": 1}]}}
    write_chart(str(tmp_path / "port"), "links", rows)
    assert read_charts(tmp_path / "port")[0]["spec"]["data"] == rows["data"]


def test_files_no_chart_writer_could_write_are_left_out(tmp_path):
    folder = tmp_path / "port" / CHARTS_FOLDER
    write_chart(str(tmp_path / "port"), "good", BARS)
    (folder / f"broken{CHART_SUFFIX}").write_text("{not json")
    (folder / f"binary{CHART_SUFFIX}").write_bytes(b"\xff\xfe")
    (folder / f"list{CHART_SUFFIX}").write_text("[1, 2]")
    (folder / f"fetches{CHART_SUFFIX}").write_text(json.dumps({"data": {"url": "https://example.invalid"}}))
    (folder / f"Upper{CHART_SUFFIX}").write_text(json.dumps(BARS))
    (folder / f"big{CHART_SUFFIX}").write_text(json.dumps({"pad": "x" * MAX_CHART_BYTES}))
    (folder / f"link{CHART_SUFFIX}").symlink_to(folder / f"good{CHART_SUFFIX}")
    assert [chart["name"] for chart in read_charts(tmp_path / "port")] == ["good"]
    assert read_charts(tmp_path / "nothing-here") == []


def test_a_retry_replaces_the_earlier_attempts_charts(tmp_path):
    from jimu.runtime.context import ComponentContext

    uri = str(tmp_path / "metrics")
    invocation = {"params": {}, "pipeline_params": {}, "node": "evaluate", "run_id": "r", "inputs": {},
                  "outputs": {"metrics": uri}}
    first = ComponentContext(invocation)
    first.write_chart("metrics", "roc_curve", BARS)
    first.write_chart("metrics", "confusion_matrix", BARS)
    retry = ComponentContext(invocation)  # same port folder, e.g. Airflow's next try
    retry.write_chart("metrics", "confusion_matrix", {**BARS, "mark": "point"})
    retry.write_chart("metrics", "feature_importance", BARS)
    assert [chart["name"] for chart in read_charts(tmp_path / "metrics")] == ["confusion_matrix", "feature_importance"]
    assert read_charts(tmp_path / "metrics")[0]["spec"]["mark"] == "point"
    assert retry.charts_written == {"metrics": ["confusion_matrix", "feature_importance"]}
