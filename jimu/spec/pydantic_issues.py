"""Turn pydantic's structural errors into Issues with JSON paths and hints."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from jimu.errors import Issue
from jimu.spec.strict_json import json_path

_HINTS = {
    "extra_forbidden": "remove this key; it is not part of the spec (check its spelling)",
    "missing": "add this key",
    "string_pattern_mismatch": "use a value of the documented form",
    "literal_error": "use one of the allowed values",
    "asset_condition": 'write {"asset": "sales_daily"}, {"any": [...]} or {"all": [...]} (one key each)',
    "schedule_type": "write a cron text such as '0 6 * * *', a preset such as '@daily', an asset condition, or null",
}
# Bounds and sizes: the hint says the limit (pydantic puts it in the error's ctx).
_BOUND_HINTS = {
    "greater_than_equal": "use a number of at least {ge}",
    "greater_than": "use a number greater than {gt}",
    "less_than_equal": "use a number of at most {le}",
    "less_than": "use a number less than {lt}",
    "string_too_short": "use at least {min_length} character(s)",
    "string_too_long": "use at most {max_length} characters",
    "too_short": "give at least {min_length} item(s)",
    "too_long": "give at most {max_length} items",
    "string_pattern_mismatch": "use text matching {pattern}",
}


def hint_for(err: dict) -> str:
    template = _BOUND_HINTS.get(err["type"])
    if template:
        try:
            return template.format(**err.get("ctx", {}))
        except (KeyError, IndexError, ValueError):
            pass
    return _HINTS.get(err["type"], "give a value of the expected type")


def node_id_at(raw: Any, loc: tuple[Any, ...]) -> str | None:
    """The id of the node an error location points into, when the raw data has one."""
    if len(loc) >= 2 and loc[0] == "nodes" and isinstance(loc[1], int) and isinstance(raw, dict):
        nodes = raw.get("nodes")
        if isinstance(nodes, list) and loc[1] < len(nodes) and isinstance(nodes[loc[1]], dict):
            node_id = nodes[loc[1]].get("id")
            return node_id if isinstance(node_id, str) else None
    return None


def issues_from_validation_error(exc: ValidationError, raw: Any = None) -> list[Issue]:
    issues = []
    for err in exc.errors(include_url=False):
        loc = tuple(err["loc"])
        hint = hint_for(err)
        issues.append(
            Issue(
                code=f"schema-{err['type'].replace('_', '-')}",
                path=json_path(loc),
                message=err["msg"],
                hint=hint,
                node=node_id_at(raw, loc),
            )
        )
    return issues
