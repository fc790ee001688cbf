"""Assets in DAG source: the schedule expression and outlets, read back by Airflow's own Asset classes."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from jimu.compile.profile import DeploymentProfile
from jimu.compile.render_assets import render_asset_condition, render_outlets
from jimu.spec import NodeSpec
from jimu.spec.assets import AssetCondition

LAKE = DeploymentProfile(name="prod", kind="kubernetes", warehouse="lake.prod-1")


def airflow_value(source: str):
    """What Airflow builds from the generated expression (it is Jimu's own source, not user text)."""
    from airflow.sdk import Asset

    return eval(source, {"Asset": Asset})  # noqa: S307


def asset(name: str):
    from airflow.sdk import Asset

    return Asset(name=name, uri=f"jimu://lake.prod-1/{name}")


@pytest.mark.parametrize("condition, expected", [
    ({"asset": "a"}, lambda A, Any, All: A("a")),
    ({"any": [{"asset": "a"}]}, lambda A, Any, All: A("a")),
    ({"any": [{"asset": "a"}, {"asset": "b"}, {"asset": "c"}]}, lambda A, Any, All: Any(A("a"), A("b"), A("c"))),
    ({"all": [{"asset": "a"}, {"any": [{"asset": "b"}, {"all": [{"asset": "c"}, {"asset": "d"}]}]}]},
     lambda A, Any, All: All(A("a"), Any(A("b"), All(A("c"), A("d"))))),
    ({"any": [{"all": [{"asset": "a"}]}, {"asset": "b"}]}, lambda A, Any, All: Any(A("a"), A("b"))),
])
def test_conditions_become_airflows_asset_expressions(condition, expected):
    from airflow.sdk.definitions.asset import AssetAll, AssetAny

    source = render_asset_condition(AssetCondition.model_validate(condition), LAKE)
    assert airflow_value(source) == expected(asset, AssetAny, AssetAll)


def test_outlets_follow_the_ports_and_the_profiles_warehouse():
    node = NodeSpec.model_validate({"id": "n", "component": "python@1.0.0", "assets": {"z": "last", "a": "first"}})
    [(key, source)] = render_outlets(node, LAKE)
    assert key == "outlets" and airflow_value(source) == [asset("first"), asset("last")]
    assert render_outlets(NodeSpec.model_validate({"id": "n", "component": "python@1.0.0"}), LAKE) == []


@pytest.mark.parametrize("warehouse", ["", "Lake", "a/b", "user@host", "lake:9000", "-lake", "x" * 64])
def test_a_warehouse_is_a_plain_host_name(warehouse):
    with pytest.raises(ValidationError):
        DeploymentProfile(name="p", kind="local", warehouse=warehouse)
