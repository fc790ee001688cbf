"""Asset conditions and output assets in the spec: their shapes, how they are saved and hashed."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from jimu.spec import PipelineSpec
from jimu.spec.assets import ASSET_NAME, AssetCondition, asset_uri
from tests.golden.regenerate import spec_path

NESTED = {"any": [{"asset": "sales_daily"}, {"all": [{"asset": "customers"}, {"asset": "orders.eu"}]}]}


def test_an_asset_condition_is_saved_as_written():
    spec = PipelineSpec.model_validate({"id": "p", "schedule": NESTED})
    assert isinstance(spec.schedule, AssetCondition) and spec.asset_schedule is spec.schedule
    assert spec.cron_schedule is None
    assert spec.model_dump(mode="json", by_alias=True)["schedule"] == NESTED
    assert spec.canonical_dict()["schedule"] == NESTED


def test_walk_names_every_condition_by_its_json_path():
    condition = AssetCondition.model_validate(NESTED)
    assert [path for path, _ in condition.walk()] == [
        "$.schedule", "$.schedule.any[0]", "$.schedule.any[1]", "$.schedule.any[1].all[0]", "$.schedule.any[1].all[1]",
    ]
    assert condition.asset_names() == ["sales_daily", "customers", "orders.eu"]


@pytest.mark.parametrize("schedule", ["@daily", "30 6 * * *", None])
def test_text_schedules_stay_text(schedule):
    spec = PipelineSpec.model_validate({"id": "p", "schedule": schedule})
    assert spec.schedule == spec.cron_schedule == schedule and spec.asset_schedule is None


@pytest.mark.parametrize("schedule, loc, kind", [
    ({}, ("schedule",), "asset_condition"),
    ({"asset": "a", "all": [{"asset": "b"}]}, ("schedule",), "asset_condition"),
    ({"asset": None}, ("schedule",), "asset_condition"),
    ({"any": [{"asset": "a"}, {"nothing": 1}]}, ("schedule", "any", 1), "asset_condition"),
    ({"any": [{"asset": "a", "extra": 1}]}, ("schedule", "any", 0, "extra"), "extra_forbidden"),
    (["@daily"], ("schedule",), "schedule_type"),
    (5, ("schedule",), "schedule_type"),
])
def test_a_bad_shape_is_one_error_at_its_place(schedule, loc, kind):
    with pytest.raises(ValidationError) as raised:
        PipelineSpec.model_validate({"id": "p", "schedule": schedule})
    assert [(e["loc"], e["type"]) for e in raised.value.errors()] == [(loc, kind)]


def test_specs_without_assets_keep_their_hash():
    """The golden specs' hashes were recorded before assets existed; `assets: {}` changes nothing either."""
    raw = json.loads(spec_path("diamond").read_text(encoding="utf-8"))
    before = PipelineSpec.model_validate(raw).sha256()
    raw["nodes"][0]["assets"] = {}
    assert PipelineSpec.model_validate(raw).sha256() == before
    assert "assets" not in PipelineSpec.model_validate(raw).canonical_dict()["nodes"][0]
    raw["nodes"][0]["assets"] = {"table": "x"}
    assert PipelineSpec.model_validate(raw).sha256() != before


@pytest.mark.parametrize("name", ["sales_daily", "a", "orders.eu-2", "0day", "x" * 200])
def test_asset_names(name):
    assert ASSET_NAME.accepts(name)
    assert asset_uri("warehouse", name) == f"jimu://warehouse/{name}"


@pytest.mark.parametrize("name", ["", "Sales", "a/b", "a b", "../x", "_a", "x" * 201, "sales\n", "数据"])
def test_not_asset_names(name):
    assert not ASSET_NAME.accepts(name)
