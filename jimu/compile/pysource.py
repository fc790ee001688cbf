"""Python source for data: every user value reaches a generated file only through here.

Values become literals (repr of str/int/float/bool/None, containers rebuilt from those),
never text spliced into code, so no quote, brace or newline in user text can escape.
"""

from __future__ import annotations

import keyword
import math
from typing import Any

INDENT = "    "


def py_literal(value: Any, depth: int = 0) -> str:
    """A deterministic, readable Python literal for JSON-like data (dict keys sorted)."""
    if value is None or isinstance(value, bool):
        return repr(value)
    if isinstance(value, int):
        return repr(int(value))
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{value!r} cannot be written to a DAG file; use a finite number")
        return repr(value)
    if isinstance(value, str):
        return _string(value, depth)
    if isinstance(value, (list, tuple)):
        return _container("[", "]", [py_literal(v, depth + 1) for v in value], depth)
    if isinstance(value, dict):
        items = []
        for key in sorted(value):
            if not isinstance(key, str):
                raise TypeError(f"dict keys must be strings, got {key!r}")
            items.append(f"{_string(key, depth + 1)}: {py_literal(value[key], depth + 1)}")
        return _container("{", "}", items, depth)
    raise TypeError(f"cannot write a {type(value).__name__} to a DAG file")


def _string(text: str, depth: int) -> str:
    # Multi-line text (SQL, code) is written one line per literal so reviews diff line by line.
    lines = text.splitlines(keepends=True)
    if len(lines) <= 1 or len(text) > 100_000:
        return quote(text)
    pad = INDENT * (depth + 1)
    body = "\n".join(pad + quote(line) for line in lines)
    return f"(\n{body}\n{INDENT * depth})"


def quote(text: str) -> str:
    """repr() of a str, with double quotes when that needs no escaping (as black writes it)."""
    source = repr(text)
    if source.startswith("'") and '"' not in text:
        return '"' + source[1:-1] + '"'
    return source


def _container(open_: str, close: str, items: list[str], depth: int) -> str:
    if not items:
        return open_ + close
    flat = open_ + ", ".join(items) + close
    if len(flat) <= 80 and "\n" not in flat:
        return flat
    pad = INDENT * (depth + 1)
    return open_ + "\n" + "".join(f"{pad}{item},\n" for item in items) + INDENT * depth + close


def call(func: str, args: list[str], kwargs: list[tuple[str, str]], depth: int) -> str:
    """`func(arg, key=value, ...)` with one argument per line; values are source already."""
    pad = INDENT * (depth + 1)
    lines = [f"{pad}{a}," for a in args]
    for key, source in kwargs:
        if not is_plain_name(key):
            raise ValueError(f"{key!r} is not a keyword argument name")
        lines.append(f"{pad}{key}={source},")
    return f"{func}(\n" + "\n".join(lines) + f"\n{INDENT * depth})"


def is_plain_name(text: str) -> bool:
    """Whether text can be written as a Python name and read back as the same string.

    Python folds identifiers to NFKC when it parses them ('µ' becomes 'μ', 'ﬁ' becomes 'fi'), so
    only ASCII identifiers survive unchanged; anything else must stay a string literal.
    """
    return text.isascii() and text.isidentifier() and not keyword.iskeyword(text)


def comment_text(value: str) -> str:
    """User text fit for a comment: ASCII-escaped so no newline or NUL can end the comment."""
    return ascii(value)[1:-1]
