"""The raw pipeline document: text checks before parsing, and a best-effort spec after a failed parse.

When pydantic refuses a document, its issues are reported, and the rules still run on a
repaired copy: each broken value is dropped (its field takes its default) or replaced by a
placeholder the rules cannot draw conclusions from. Rule issues that point into a repaired part
are dropped, so every problem that does not depend on the broken parts is reported at once,
and none is a follow-on of a repair.
"""

from __future__ import annotations

import difflib
import functools
import re
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from jimu.errors import Issue
from jimu.spec import PipelineSpec
from jimu.spec.strict_json import json_path, path_key

_SURROGATE = re.compile("[\ud800-\udfff]")
_MISSING = object()
# What a broken node id or component becomes: no valid id or name@version, so no rule resolves it.
PLACEHOLDER_PIPELINE_ID = "<broken id>"
PLACEHOLDER_COMPONENT = "<broken component>"


def placeholder_node_id(index: int) -> str:
    return f"nodes[{index}]"


class DocumentEditor:
    """Edits a JSON document without touching the original: containers are copied on first write."""

    def __init__(self, root: Any):
        self.root = root
        self._owned: set[int] = set()

    def get(self, parts: tuple) -> Any:
        value = self.root
        for part in parts:
            if isinstance(value, dict) and isinstance(part, str) and part in value:
                value = value[part]
            elif isinstance(value, list) and isinstance(part, int) and 0 <= part < len(value):
                value = value[part]
            else:
                return _MISSING
        return value

    def existing_prefix(self, parts: tuple) -> tuple:
        for n in range(len(parts), -1, -1):
            if self.get(parts[:n]) is not _MISSING:
                return parts[:n]
        return ()

    def _owned_container(self, parts: tuple) -> Any:
        if id(self.root) not in self._owned:
            self.root = self._copy(self.root)
        container = self.root
        for part in parts:
            child = container[part]
            if id(child) not in self._owned:
                child = container[part] = self._copy(child)
            container = child
        return container

    def _copy(self, value: Any) -> Any:
        value = dict(value) if isinstance(value, dict) else list(value)
        self._owned.add(id(value))
        return value

    def set(self, parts: tuple, value: Any) -> None:
        self._owned_container(parts[:-1])[parts[-1]] = value

    def delete(self, parts: tuple) -> None:
        del self._owned_container(parts[:-1])[parts[-1]]

    def rename_key(self, parts: tuple, new_key: str) -> None:
        """Rename the last key of `parts`, keeping its place among its siblings."""
        parent = self._owned_container(parts[:-1])
        items = [(new_key if key == parts[-1] else key, value) for key, value in parent.items()]
        parent.clear()
        parent.update(items)


def lone_surrogates(raw: Any) -> list[tuple[tuple, bool]]:
    """(path parts, is a key) of every string holding a lone UTF-16 surrogate.

    json.loads turns "\\ud800" escapes into such strings; they cannot be written as UTF-8, so
    they would break the DAG file, the logs and the run.
    """
    found = []
    stack: list[tuple[Any, tuple]] = [(raw, ())]
    while stack:
        value, parts = stack.pop()
        if isinstance(value, dict):
            for key, item in value.items():
                if isinstance(key, str) and not key.isascii() and _SURROGATE.search(key):
                    found.append(((*parts, key), True))
                stack.append((item, (*parts, key)))
        elif isinstance(value, list):
            stack.extend((item, (*parts, i)) for i, item in enumerate(value))
        elif isinstance(value, str) and not value.isascii() and _SURROGATE.search(value):
            found.append((parts, False))
    found.sort(key=lambda item: json_path(item[0]))
    return found


def replace_surrogates(text: str) -> str:
    return _SURROGATE.sub("\ufffd", text)


def check_text(raw: dict) -> tuple[list[Issue], dict, list[str]]:
    """Issues for lone surrogates, the document with each replaced by U+FFFD, and their paths."""
    found = lone_surrogates(raw)
    if not found:
        return [], raw, []
    editor = DocumentEditor(raw)
    issues, broken = [], []
    # Values first, then keys deepest first, so renaming a key never moves a path still to edit.
    for parts, is_key in sorted(found, key=lambda item: (item[1], -len(item[0]))):
        path = json_path(parts)
        what = "key" if is_key else "text"
        issues.append(
            Issue(
                "lone-surrogate", path,
                f"this {what} holds a lone UTF-16 surrogate (a \\ud800-\\udfff escape without its pair), "
                "which is no character and cannot be written as UTF-8",
                "remove the escape, or write the character itself (or both halves of its pair)",
                _node_of(raw, parts),
            )
        )
        broken.append(path)
        if is_key:
            editor.rename_key(parts, replace_surrogates(parts[-1]))
        else:
            editor.set(parts, replace_surrogates(editor.get(parts))) if parts else None
    issues.sort(key=lambda issue: issue.path)
    return issues, editor.root, broken


def _node_of(raw: Any, parts: tuple) -> str | None:
    if len(parts) >= 2 and parts[0] == "nodes" and isinstance(parts[1], int):
        node = raw["nodes"][parts[1]]
        if isinstance(node, dict) and isinstance(node.get("id"), str):
            return path_key(replace_surrogates(node["id"]))
    return None


@dataclass
class Repair:
    """A spec the rules can read, built from a document pydantic refused, and what was changed."""

    spec: PipelineSpec
    broken: list[str] = field(default_factory=list)
    placeholder_ids: set[str] = field(default_factory=set)
    # Issue codes that cannot be trusted after a wholesale repair (e.g. every edge dangles once
    # "nodes" is dropped).
    untrusted_codes: set[str] = field(default_factory=set)


MAX_ROUNDS = 4


def best_effort_spec(raw: dict, exc: ValidationError) -> Repair | None:
    """A PipelineSpec from `raw` with every part pydantic refused repaired; None if that fails."""
    editor = DocumentEditor(raw)
    repair = Repair(spec=None)  # type: ignore[arg-type]
    for _ in range(MAX_ROUNDS):
        fixed = []
        for err in exc.errors(include_url=False):
            loc = tuple(err["loc"])
            fixed.append(_fix(editor, loc, repair))
            if err["type"] == "extra_forbidden" and isinstance(loc[-1], str):
                # "paramz": the values meant for "params" are not there; don't report it as unset.
                # Only when the real key is absent: beside it, the misspelt one hides nothing.
                parent = _at(raw, loc[:-1])
                for near in difflib.get_close_matches(loc[-1], _field_names(), n=1, cutoff=0.75):
                    if not (isinstance(parent, dict) and near in parent):
                        repair.broken.append(json_path((*loc[:-1], near)))
        if not any(fixed):
            return None
        try:
            repair.spec = PipelineSpec.model_validate(editor.root)
            return repair
        except ValidationError as again:
            exc = again
    return None


def _at(root, loc: tuple):
    """The value at a pydantic error location in the raw document, or None."""
    value = root
    for part in loc:
        try:
            value = value[part]
        except (KeyError, IndexError, TypeError):
            return None
    return value


@functools.cache
def _field_names() -> tuple[str, ...]:
    from jimu.spec.pipeline import Defaults, EdgeSpec, EditorLayout, NodeSpec, Resources, Toleration

    names = set()
    for model in (PipelineSpec, NodeSpec, EdgeSpec, Defaults, Resources, Toleration, EditorLayout):
        for name, info in model.model_fields.items():
            names.add(info.alias or name)
    return tuple(sorted(names))


def _fix(editor: DocumentEditor, loc: tuple, repair: Repair) -> bool:
    """Repair the part of the document `loc` points at; False if it cannot be."""
    if not loc or not isinstance(editor.root, dict):
        return False
    head = loc[0]
    if head == "id":
        return _replace(editor, ("id",), PLACEHOLDER_PIPELINE_ID, repair)
    expected = dict if head == "params" else list
    if head in ("nodes", "edges", "params") and (len(loc) == 1 or not isinstance(editor.get((head,)), expected)):
        # The whole list or map is unreadable: what refers into it cannot be judged.
        repair.untrusted_codes |= {
            "nodes": {"dangling-edge"}, "params": {"unknown-pipeline-param"}, "edges": {"missing-input"},
        }[head]
        return _replace(editor, (head,), {} if head == "params" else [], repair)
    if head == "nodes" and isinstance(loc[1], int):
        i = loc[1]
        if not isinstance(editor.get(("nodes", i)), dict):
            repair.placeholder_ids.add(placeholder_node_id(i))
            node = {"id": placeholder_node_id(i), "component": PLACEHOLDER_COMPONENT}
            return _replace(editor, ("nodes", i), node, repair)
        key = loc[2] if len(loc) > 2 else None
        if key == "id":
            repair.placeholder_ids.add(placeholder_node_id(i))
            return _replace(editor, ("nodes", i, "id"), placeholder_node_id(i), repair)
        if key == "component":
            return _replace(editor, ("nodes", i, "component"), PLACEHOLDER_COMPONENT, repair)
        if key == "params":
            return _replace(editor, ("nodes", i, "params"), {}, repair)
    if head == "edges" and isinstance(loc[1], int):
        i = loc[1]
        if not isinstance(editor.get(("edges", i)), dict):
            return _replace(editor, ("edges", i), {"from": "", "to": ""}, repair)
        key = loc[2] if len(loc) > 2 else None
        if key in ("from", "to"):
            return _replace(editor, ("edges", i, key), "", repair)
    if head == "params":  # one param's schema is no object: keep the name, so references resolve
        return _replace(editor, ("params", loc[1]), {}, repair)
    # Anything else has a default: drop it. A missing key drops the record that misses it; an
    # item of a list drops the list.
    parts = editor.existing_prefix(loc)
    while parts and isinstance(parts[-1], int):
        parts = parts[:-1]
    if not parts or editor.get(parts) is _MISSING:
        return False
    if parts in {("nodes",), ("edges",), ("params",)} or (len(parts) == 3 and parts[0] == "nodes" and parts[2] in ("id", "component")):
        return False
    editor.delete(parts)
    repair.broken.append(json_path(parts))
    repair.broken.append(json_path(loc))
    return True


def _replace(editor: DocumentEditor, parts: tuple, value: Any, repair: Repair) -> bool:
    if json_path(parts) in repair.broken and editor.get(parts) == value:
        return False  # repaired already, yet still refused: give up rather than loop
    editor.set(parts, value)
    repair.broken.append(json_path(parts))
    return True


def under(path: str, broken: list[str]) -> bool:
    """Whether `path` is one of `broken` or inside one of them."""
    return any(path == b or path.startswith((b + ".", b + "[")) for b in broken)
