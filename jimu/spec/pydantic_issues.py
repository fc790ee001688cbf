"""Turn pydantic's structural errors into Issues with JSON paths and hints."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from jimu.errors import Issue

_HINTS = {
    "extra_forbidden": "remove this key; it is not part of the spec (check its spelling)",
    "missing": "add this key",
    "string_pattern_mismatch": "use a value of the documented form",
    "literal_error": "use one of the allowed values",
}


def json_path(loc: tuple[Any, ...]) -> str:
    """('nodes', 2, 'params') -> '$.nodes[2].params'."""
    path = "$"
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path


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
        hint = _HINTS.get(err["type"], "give a value of the expected type")
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
