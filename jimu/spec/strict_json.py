"""User JSON, read strictly: the one parser for pipeline files and editor request bodies.

`json.loads` keeps the last of two equal keys, reads NaN and Infinity, and turns 1e400 into
inf: a spec could then say one thing to a reviewer and another to Jimu. Here every such
document is refused with the JSON path of the problem.
"""

from __future__ import annotations

import json
import math
from typing import Any

from jimu.errors import Issue

__all__ = ["JsonTextError", "json_path", "parse_json_text"]


class JsonTextError(ValueError):
    """The text is no strict JSON; `issues` says where and why."""

    def __init__(self, issues: list[Issue], value: Any = None):
        self.issues = issues
        # Set when repeated keys are the only problem: the document as JSON readers take it (the
        # last value wins), so that the rest of it can still be checked and reported.
        self.value = value
        super().__init__("; ".join(str(i) for i in issues))


def path_key(key: str) -> str:
    """A key as it appears in a JSON path; lone surrogates escaped, so the path can be printed."""
    if key.isascii():
        return key
    return "".join(f"\\u{ord(c):04x}" if 0xD800 <= ord(c) <= 0xDFFF else c for c in key)


def json_path(parts: tuple[Any, ...] | list[Any]) -> str:
    """('nodes', 2, 'params') -> '$.nodes[2].params'."""
    return "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{path_key(str(p))}" for p in parts)


def parse_json_text(data: bytes | str) -> Any:
    """The value of a JSON text; raises JsonTextError naming every duplicate key by path.

    Bytes must be UTF-8. NaN, Infinity and numbers too large for a float are refused.
    """
    if isinstance(data, bytes | bytearray):
        try:
            data = bytes(data).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise JsonTextError([Issue("bad-json", "$", f"not UTF-8 text: {exc}", "save the file as UTF-8")]) from None
    duplicates: list[tuple[dict, list[str]]] = []

    def pairs_to_dict(pairs: list[tuple[str, Any]]) -> dict:
        value = dict(pairs)
        if len(value) != len(pairs):
            seen: set[str] = set()
            repeated = []
            for key, _ in pairs:
                if key in seen and key not in repeated:
                    repeated.append(key)
                seen.add(key)
            duplicates.append((value, repeated))
        return value

    try:
        value = json.loads(
            data, object_pairs_hook=pairs_to_dict, parse_constant=_reject_constant, parse_float=_finite_float
        )
    except RecursionError:
        raise JsonTextError([Issue("bad-json", "$", "nested too deeply", "flatten the JSON")]) from None
    except json.JSONDecodeError as exc:
        issue = Issue(
            "bad-json", "$", f"not valid JSON at line {exc.lineno}, col {exc.colno}: {exc.msg}",
            "fix the JSON syntax there",
        )
        raise JsonTextError([issue]) from None
    except ValueError as exc:  # a constant, a huge float, an integer over Python's digit limit
        raise JsonTextError([Issue("bad-json", "$", str(exc), "use finite numbers of sensible size")]) from None
    if duplicates:
        raise JsonTextError(_duplicate_issues(value, duplicates), value)
    return value


def _duplicate_issues(root: Any, duplicates: list[tuple[dict, list[str]]]) -> list[Issue]:
    by_id = {id(obj): keys for obj, keys in duplicates}
    issues = []
    stack: list[tuple[Any, tuple]] = [(root, ())]
    while stack:  # depth first, in document order
        value, parts = stack.pop()
        if isinstance(value, dict):
            for key in by_id.get(id(value), ()):
                issues.append(
                    Issue(
                        "duplicate-json-key", json_path((*parts, key)),
                        f"key {key!r} appears more than once in this object; only one value can count",
                        "keep one of them (rename the other if both are meant)",
                        _node_id(root, parts),
                    )
                )
            stack.extend((item, (*parts, key)) for key, item in reversed(value.items()))
        elif isinstance(value, list):
            stack.extend((item, (*parts, i)) for i, item in reversed(list(enumerate(value))))
    return issues


def _node_id(root: Any, parts: tuple) -> str | None:
    if len(parts) >= 2 and parts[0] == "nodes" and isinstance(parts[1], int):
        node = root["nodes"][parts[1]]
        if isinstance(node, dict) and isinstance(node.get("id"), str):
            return path_key(node["id"])
    return None


def _reject_constant(name: str):
    raise ValueError(f"{name} is not valid JSON (and cannot reach a DAG file)")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):  # 1e400 parses as inf, which cannot reach a DAG file either
        raise ValueError(f"{text} is too large for a number")
    return value
