"""Run values: what Airflow's rendered template becomes, and how SQL binds it."""

from __future__ import annotations

import datetime
import json

import pytest

from jimu.runtime.context import ComponentContext
from jimu.runtime.run_values import (
    RUN_REF_NAMES,
    fill_placeholders,
    make_run_values,
    placeholder_problems,
    run_values_from_json,
    sql_bind_value,
)

RENDERED = json.dumps({
    "logical_date": "2026-11-29T23:30:00+00:00", "data_interval_start": "2026-11-28T23:30:00+00:00",
    "data_interval_end": "2026-11-29T23:30:00+00:00", "run_id": "scheduled__2026-11-29T23:30:00+00:00",
    "run_type": "scheduled", "try_number": 3,
})


def test_rendered_values_gain_ds_and_ds_nodash_from_the_logical_date():
    values = run_values_from_json(RENDERED)
    assert tuple(values) == RUN_REF_NAMES and values["triggering_asset_events"] == []
    assert values["ds"] == "2026-11-29" and values["ds_nodash"] == "20261129"  # the UTC day, as Airflow's ds
    assert values["run_type"] == "scheduled" and values["try_number"] == 3


@pytest.mark.parametrize("rendered", ["DagRunType.BACKFILL", "backfill", "BACKFILL"])
def test_run_type_is_the_plain_value_whatever_the_enum_renders_as(rendered):
    values = run_values_from_json(json.dumps({"run_id": "r", "run_type": rendered}))
    assert values["run_type"] == "backfill"


def test_values_are_read_only():
    values = make_run_values(run_id="r")
    with pytest.raises(TypeError):
        values["ds"] = "2020-01-01"  # type: ignore[index]


def test_ctx_run_is_a_read_only_view_of_the_documents_values():
    run = make_run_values(run_id="r", logical_date="2026-11-29T00:00:00+00:00")
    ctx = ComponentContext({"params": {}, "pipeline_params": {}, "node": "n", "run_id": "r", "run": dict(run)})
    assert ctx.run["ds"] == "2026-11-29"
    with pytest.raises(TypeError):
        ctx.run["ds"] = "x"  # type: ignore[index]


def test_sql_binds_dates_as_dates_and_timestamps():
    values = run_values_from_json(RENDERED)
    assert sql_bind_value("ds", values) == datetime.date(2026, 11, 29)
    start = sql_bind_value("data_interval_start", values)
    assert start == datetime.datetime(2026, 11, 28, 23, 30, tzinfo=datetime.UTC)
    assert sql_bind_value("ds_nodash", values) == "20261129"
    assert sql_bind_value("ds", make_run_values(run_id="r")) is None


def test_path_placeholders_fill_with_safe_segments():
    values = make_run_values(run_id="../../etc/x:1+0", logical_date="2026-11-29T00:00:00+00:00")
    assert fill_placeholders("sales/{ds}/part_{ds_nodash}.csv", values) == "sales/2026-11-29/part_20261129.csv"
    # A run id (Airflow allows almost any text) becomes one segment: no '/', never '..' alone.
    assert fill_placeholders("runs/{run_id}/out.csv", values) == "runs/.._.._etc_x_1_0/out.csv"
    assert fill_placeholders("{run_id}", make_run_values(run_id="..")) == "_"
    assert fill_placeholders("a/{ds}.csv", make_run_values(run_id="r")) == "a/none.csv"
    assert fill_placeholders("a/{nope}.csv", values) == "a/{nope}.csv"  # the validator's to report


def test_placeholder_problems_name_unknown_names_and_stray_braces():
    assert placeholder_problems("sales/{ds}/x.csv") == []
    assert placeholder_problems("sales/{day}/x.csv") == ["{day} names no run value"]
    assert placeholder_problems("sales/{ds/x.csv") == ["has a '{' or '}' that is no {name} placeholder"]


def test_asset_events_come_back_one_dict_per_event():
    """The template renders one list per field (Jinja has no comprehensions); each event is a dict again,
    its timestamp ISO 8601 whatever str(datetime) gave."""
    rendered = json.dumps({**json.loads(RENDERED), "triggering_asset_events": {
        "name": ["a", "b"], "uri": ["jimu://w/a", "jimu://w/b"],
        "timestamp": ["2026-11-29 00:05:00.5+00:00", "2026-11-29 00:06:00+00:00"],
        "source_dag_id": ["etl", None], "source_run_id": ["r1", None], "extra": [{"rows": 2}, {}],
    }})
    values = run_values_from_json(rendered)
    assert values["triggering_asset_events"] == [
        {"name": "a", "uri": "jimu://w/a", "timestamp": "2026-11-29T00:05:00.500000+00:00",
         "source_dag_id": "etl", "source_run_id": "r1", "extra": {"rows": 2}},
        {"name": "b", "uri": "jimu://w/b", "timestamp": "2026-11-29T00:06:00+00:00",
         "source_dag_id": None, "source_run_id": None, "extra": {}},
    ]


def test_asset_events_are_no_sql_bind_and_no_path_placeholder():
    from jimu.runtime.run_values import not_bindable

    assert not_bindable("ds") is None
    assert "list" in not_bindable("triggering_asset_events")
    [problem] = placeholder_problems("out/{triggering_asset_events}.csv")
    assert "list of events" in problem


def test_only_asset_scheduled_dags_render_the_events():
    from jimu.runtime.run_values import ASSET_RUN_VALUES_TEMPLATE, RUN_VALUES_TEMPLATE, run_values_template

    assert run_values_template(False) == RUN_VALUES_TEMPLATE and "consumed_asset_events" not in RUN_VALUES_TEMPLATE
    assert run_values_template(True) == ASSET_RUN_VALUES_TEMPLATE
    assert ASSET_RUN_VALUES_TEMPLATE.startswith(RUN_VALUES_TEMPLATE[:-len("} | tojson }}")])
