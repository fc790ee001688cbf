"""The base every spec model shares: immutable, no unknown keys."""

from pydantic import BaseModel, ConfigDict


class SpecModel(BaseModel):
    """A spec record: checked at construction, frozen, unknown keys rejected."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)
