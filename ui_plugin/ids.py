"""Ids from request paths, checked before they name anything on disk."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi import Path as PathParam

from jimu.refs import COMPONENT_NAME, PIPELINE_ID, SEMVER, Grammar
from jimu.ui_plugin.errors import ApiError

# Names Windows reserves in every folder, whatever the extension ("con.json" is the console).
WINDOWS_DEVICE = re.compile(r"(con|prn|aux|nul|com[0-9]|lpt[0-9])", re.IGNORECASE)


def checked_id(text: str, grammar: Grammar, status: int = 400) -> str:
    """`text` when the grammar takes it whole and it names no device; else a 400 naming the rule."""
    if not grammar.accepts(text) or WINDOWS_DEVICE.fullmatch(text):
        shown = text if len(text) <= 80 else text[:80] + "..."
        raise ApiError(status, f"{shown!r} is not a valid {grammar.what}",
                       f"{grammar.hint}; Windows device names (con, nul, aux, com1, ...) are not allowed",
                       where=grammar.what)
    return text


def pipeline_id(text: str) -> str:
    return checked_id(text, PIPELINE_ID)


def component_name(text: str) -> str:
    return checked_id(text, COMPONENT_NAME)


def component_version(text: str) -> str:
    return checked_id(text, SEMVER)


def inside(root: Path, name: str) -> Path:
    """root / name, proven to stay inside root once links and dots are resolved."""
    resolved_root = root.resolve()
    path = (resolved_root / name).resolve()
    if path.parent != resolved_root:
        raise ApiError(400, f"{name!r} does not name a file in the workspace", "use a plain pipeline id")
    return path


def documented(grammar: Grammar):
    """A path parameter whose OpenAPI schema states the grammar; checked_id enforces it (400)."""
    return PathParam(description=grammar.hint, json_schema_extra={"pattern": grammar.json_schema_pattern})


PIPELINE_ID_PATH = documented(PIPELINE_ID)
COMPONENT_NAME_PATH = documented(COMPONENT_NAME)
VERSION_PATH = documented(SEMVER)
