"""Data-aware scheduling: node outputs declared Airflow Assets, and schedules that wait for them.

A node marks an output port as an asset (`"assets": {"table": "sales_daily"}`); when its task
succeeds, Airflow records an asset event. A pipeline whose schedule is an AssetCondition
(`{"asset": "sales_daily"}`, `{"any": [...]}`, `{"all": [...]}`) runs when its assets update.
The model only checks the shape; names and empty lists are checked by
jimu.validate.rules_assets, so each problem gets its JSON path and fix.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pydantic import Field, ValidatorFunctionWrapHandler, model_serializer, model_validator
from pydantic_core import PydanticCustomError

from jimu.refs import Grammar
from jimu.spec.base import SpecModel

# Asset names become the last segment of a URI (jimu://<warehouse>/<name>) and Airflow asset
# names; this alphabet needs no escaping in either and stays ASCII for MySQL metadata databases.
ASSET_NAME = Grammar(
    r"[a-z0-9][a-z0-9_.-]{0,199}", "asset name",
    "use 1-200 lowercase letters, digits, '_', '.' or '-', starting with a letter or digit, e.g. 'sales_daily'",
)
ASSET_URI_SCHEME = "jimu"
CONDITION_KEYS = ("asset", "any", "all")


def asset_uri(warehouse: str, name: str) -> str:
    """The URI Airflow identifies an asset by, e.g. jimu://warehouse/sales_daily."""
    return f"{ASSET_URI_SCHEME}://{warehouse}/{name}"


class AssetCondition(SpecModel):
    """When an asset-scheduled pipeline runs: one asset updated, or any/all of nested conditions."""

    asset: str | None = Field(None, description="run when this asset is updated")
    any_of: tuple[AssetCondition, ...] | None = Field(None, alias="any", description="run when any of these is met")
    all_of: tuple[AssetCondition, ...] | None = Field(
        None, alias="all", description="run when all of these are met (each asset updated since the last run)"
    )

    @model_validator(mode="before")
    @classmethod
    def _exactly_one_key(cls, data: Any) -> Any:
        # A key set to null counts as absent: {"asset": null} waits for nothing.
        if isinstance(data, dict) and sum(data.get(key) is not None for key in CONDITION_KEYS) != 1:
            raise PydanticCustomError(
                "asset_condition",
                "an asset condition is one of {\"asset\": name}, {\"any\": [...]} or {\"all\": [...]}",
            )
        return data

    @model_serializer(mode="wrap")
    def _only_the_key_given(self, handler) -> dict[str, Any]:
        # {"asset": "x"} stays {"asset": "x"} in saved specs and in the spec hash.
        return {key: value for key, value in handler(self).items() if value is not None}

    def children(self) -> tuple[str, tuple[AssetCondition, ...]] | None:
        """('any' or 'all', the nested conditions), or None for a single asset."""
        if self.any_of is not None:
            return "any", self.any_of
        if self.all_of is not None:
            return "all", self.all_of
        return None

    def walk(self, path: str = "$.schedule") -> Iterator[tuple[str, AssetCondition]]:
        """Every condition in this tree with its JSON path, this one first."""
        yield path, self
        nested = self.children()
        if nested is not None:
            key, conditions = nested
            for i, condition in enumerate(conditions):
                yield from condition.walk(f"{path}.{key}[{i}]")

    def asset_names(self) -> list[str]:
        """The asset names this condition waits for, in order of appearance."""
        return [c.asset for _, c in self.walk() if c.asset is not None]


def parse_schedule(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
    """A schedule: an object is an AssetCondition, anything else a cron text or preset (or null).

    Checking the branch by the value's type keeps errors about one shape, at their own JSON path,
    instead of one error per branch of the union.
    """
    if isinstance(value, dict):
        return AssetCondition.model_validate(value)
    if value is None or isinstance(value, str | AssetCondition):
        return handler(value)
    raise PydanticCustomError(
        "schedule_type",
        "a schedule is a cron expression, a preset such as '@daily', an asset condition such as "
        "{\"asset\": \"sales_daily\"}, or null",
    )
