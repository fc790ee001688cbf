"""Rules about what some param values mean, checked before a run instead of during one.

Component param schemas say what a string is with "format": "python" (code that must parse)
or "export-path" (where write_table writes: a relative path must stay inside the exports
folder). SQL ("format": "sql") has its own module, rules_sql.
"""

from __future__ import annotations

import ast
import sys
import warnings
from collections.abc import Iterator
from functools import lru_cache
from pathlib import PurePosixPath
from typing import Any

from jimu.errors import Issue
from jimu.refs import param_reference
from jimu.runtime.run_values import RUN_VALUE_NAMES, placeholder_problems
from jimu.validate.context import RuleContext

PYTHON_FORMAT = "python"
EXPORT_PATH_FORMAT = "export-path"


def formatted_params(comp, fmt: str) -> list[str]:
    props = comp.spec.params.get("properties", {})
    found = [k for k, v in props.items() if isinstance(v, dict) and v.get("format") == fmt]
    return sorted(set(found))


def param_values(ctx: RuleContext, value: Any) -> tuple[Any, str | None]:
    """(the value a run starts from, the pipeline param it comes from): a {"$param": name}
    reference stands for that param's default (a run may still override it)."""
    ref = param_reference(value)
    if ref is None:
        return value, None
    return ctx.spec.params.get(ref, {}).get("default"), ref


def check_python_code(ctx: RuleContext) -> Iterator[Issue]:
    for i, node in enumerate(ctx.spec.nodes):
        comp = ctx.components.get(node.id)
        if comp is None or ctx.node_index.get(node.id) != i:
            continue
        version = _python_version(comp.spec.runtime.python)
        if version is None:
            continue  # a newer Python than Jimu's: its grammar is unknown here
        for key in formatted_params(comp, PYTHON_FORMAT):
            code, via = param_values(ctx, node.params.get(key))
            if not isinstance(code, str):
                continue  # missing or wrong type is reported by the param rules
            problem = python_syntax_problem(code, version)
            if problem:
                origin = f" (the default of pipeline param {via!r})" if via else ""
                yield Issue(
                    "python-syntax", ctx.node_path(i, "params", key),
                    f"Python code{origin} does not parse as Python {version[0]}.{version[1]}: {problem}",
                    "fix the code there", node.id,
                )


def _python_version(text: str) -> tuple[int, int] | None:
    parts = str(text).split(".")
    try:
        version = (int(parts[0]), int(parts[1]) if len(parts) > 1 else 0)
    except ValueError:
        return sys.version_info[:2]
    if version > sys.version_info[:2]:
        return None
    return version


@lru_cache(maxsize=1024)  # the editor validates on every edit: most code has not changed
def python_syntax_problem(code: str, version: tuple[int, int]) -> str | None:
    """None when `code` parses; else where and why it does not."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # e.g. SyntaxWarning: invalid escape sequence
            ast.parse(code, "<code>", feature_version=version if version >= (3, 4) else None)
    except SyntaxError as exc:
        where = f"line {exc.lineno}, col {exc.offset}: " if exc.lineno else ""
        return f"{where}{exc.msg}"
    except (ValueError, RecursionError, MemoryError) as exc:  # NUL bytes; absurd nesting
        return "nested too deeply" if not isinstance(exc, ValueError) else str(exc)
    return None


def check_export_paths(ctx: RuleContext) -> Iterator[Issue]:
    for i, node in enumerate(ctx.spec.nodes):
        comp = ctx.components.get(node.id)
        if comp is None or ctx.node_index.get(node.id) != i:
            continue
        for key in formatted_params(comp, EXPORT_PATH_FORMAT):
            path, via = param_values(ctx, node.params.get(key))
            if not isinstance(path, str) or not path:
                continue  # missing, empty or of the wrong type: the param rules report it
            for placeholder_problem in placeholder_problems(path):
                yield Issue(
                    "bad-path-placeholder", ctx.node_path(i, "params", key),
                    f"param {key!r}: {path!r} {placeholder_problem}",
                    f"name run values as {{ds}}, e.g. 'sales/{{ds}}/part.csv' (run values: {', '.join(RUN_VALUE_NAMES)})",
                    node.id,
                )
            problem = export_path_problem(path)
            if problem:
                origin = f"the default of pipeline param {via!r}, {path!r}," if via else f"{path!r}"
                yield Issue(
                    "bad-export-path", ctx.node_path(i, "params", key),
                    f"param {key!r}: {origin} {problem}",
                    "write a path relative to the exports folder without '..' (e.g. 'reports/orders.csv'), "
                    "an absolute path or an s3:// URI",
                    node.id,
                )


def export_path_problem(path: str) -> str | None:
    """Why write_table would refuse `path` or write it somewhere unexpected; None if fine.

    The same lexical rule as the component: URIs and absolute paths are taken as given; a
    relative path lives inside $JIMU_HOME/exports and may not climb out of it.
    """
    if "\x00" in path:
        return "contains a NUL character"
    if "://" in path or path.startswith("/"):
        return None
    if "\\" in path:
        return "contains a backslash; separate folders with '/'"
    if path.startswith("~"):
        return "starts with '~', which is not expanded: it would be a folder named '~' inside the exports folder"
    if len(path) >= 2 and path[1] == ":" and path[0].isalpha():
        return "looks like a Windows drive path; use a path relative to the exports folder or an absolute POSIX path"
    if path.endswith("/"):
        return "ends with '/': name a file, e.g. 'reports/orders.csv'"
    parts = PurePosixPath(path).parts
    if ".." in parts:
        return "climbs out of the exports folder with '..'"
    if not parts or parts == (".",):
        return "names the exports folder itself, not a file"
    return None
