"""What changed between two versions of a component, and whether it breaks pipelines."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from jimu.spec import ComponentSpec


@dataclass(frozen=True)
class Change:
    what: str
    breaking: bool

    def __str__(self) -> str:
        return f"{'BREAKING' if self.breaking else 'compatible'}: {self.what}"


def _types(schema: dict[str, Any]) -> set[str] | None:
    kind = schema.get("type")
    if kind is None:
        return None  # any type
    types = {kind} if isinstance(kind, str) else set(kind)
    if "number" in types:
        types.add("integer")
    return types


def _param_changes(name: str, old: dict, new: dict, required: bool) -> list[Change]:
    changes = []
    old_types, new_types = _types(old), _types(new)
    if new_types is not None and (old_types is None or not old_types <= new_types):
        changes.append(Change(f"param {name!r} type narrowed: {old.get('type')} -> {new.get('type')}", True))
    if "enum" in new and (set(map(repr, new["enum"])) < set(map(repr, old.get("enum", []))) or "enum" not in old):
        changes.append(Change(f"param {name!r} allows fewer values: {old.get('enum', 'any')} -> {new['enum']}", True))
    for key, tighter in (("minimum", max), ("exclusiveMinimum", max), ("minLength", max), ("minItems", max),
                         ("maximum", min), ("exclusiveMaximum", min), ("maxLength", min), ("maxItems", min)):
        if key in new and (key not in old or tighter(old[key], new[key]) != old[key]):
            changes.append(Change(f"param {name!r} {key} tightened: {old.get(key, 'none')} -> {new[key]}", True))
    if new.get("pattern") != old.get("pattern") and "pattern" in new:
        changes.append(Change(f"param {name!r} pattern changed to {new['pattern']!r}", True))
    if required and "default" not in new:
        changes.append(Change(f"param {name!r} is now required", True))
    if old.get("default") != new.get("default") and "default" in old:
        changes.append(Change(f"param {name!r} default {old.get('default')!r} -> {new.get('default')!r}", False))
    return changes


def diff_components(old: ComponentSpec, new: ComponentSpec) -> list[Change]:
    """Changes from `old` to `new`; breaking ones can fail pipelines that pin `old`."""
    changes: list[Change] = []
    for side in ("inputs", "outputs"):
        olds = {p.name: p for p in getattr(old, side)}
        news = {p.name: p for p in getattr(new, side)}
        for name in sorted(olds.keys() - news.keys()):
            changes.append(Change(f"{side[:-1]} port {name!r} removed", True))
        for name in sorted(news.keys() - olds.keys()):
            breaking = side == "inputs" and news[name].required
            changes.append(Change(f"{side[:-1]} port {name!r} added{' (required)' if breaking else ''}", breaking))
        for name in sorted(olds.keys() & news.keys()):
            a, b = olds[name], news[name]
            if a.type != b.type:
                changes.append(Change(f"{side[:-1]} port {name!r} retyped: {a.type} -> {b.type}", True))
            if side == "inputs" and b.required and not a.required:
                changes.append(Change(f"input port {name!r} is now required", True))
            if side == "inputs" and a.multiple and not b.multiple:
                changes.append(Change(f"input port {name!r} takes one edge, no longer several", True))
    old_props = old.params.get("properties", {})
    new_props = new.params.get("properties", {})
    new_required = set(new.params.get("required", []))
    old_required = set(old.params.get("required", []))
    for name in sorted(old_props.keys() - new_props.keys()):
        changes.append(Change(f"param {name!r} removed", True))
    for name in sorted(new_props.keys() - old_props.keys()):
        breaking = name in new_required and "default" not in new_props[name]
        changes.append(Change(f"param {name!r} added{' (required, no default)' if breaking else ''}", breaking))
    for name in sorted(old_props.keys() & new_props.keys()):
        newly_required = name in new_required and name not in old_required
        changes += _param_changes(name, old_props[name], new_props[name], newly_required)
    if old.runtime.image != new.runtime.image:
        changes.append(Change(f"image {old.runtime.image} -> {new.runtime.image}", False))
    return changes
