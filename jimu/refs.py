"""Small value types for the references a spec writes as strings."""

from __future__ import annotations

import re
from typing import Any, NamedTuple


class Grammar:
    """A pattern that guards an id or a name: the WHOLE text must match.

    `re.match(r"...$")` accepts "load\\n" (`$` matches before a final newline), which then
    breaks a DAG file or names a folder. A Grammar only offers `accepts`, which uses fullmatch
    and takes str only, so that mistake cannot be written.
    """

    __slots__ = ("_pattern", "what", "hint")

    def __init__(self, pattern: str, what: str, hint: str):
        if pattern.startswith("^") or pattern.endswith("$"):
            raise ValueError("write Grammar patterns without ^ and $: the whole text must match anyway")
        self._pattern = re.compile(pattern)
        self.what, self.hint = what, hint

    def accepts(self, text: object) -> bool:
        return isinstance(text, str) and self._pattern.fullmatch(text) is not None

    @property
    def json_schema_pattern(self) -> str:
        """The pattern for JSON Schema / pydantic (ECMAScript and Rust: `$` is the very end there)."""
        return f"^{self._pattern.pattern}$"

    def __repr__(self) -> str:
        return f"Grammar({self._pattern.pattern!r})"


# Node ids become Airflow task ids and Python names in generated DAGs, hence the narrow alphabet.
IDENTIFIER = Grammar(
    r"[a-z][a-z0-9_]{0,62}", "identifier",
    "use 1-63 lowercase letters, digits or '_', starting with a letter, e.g. 'clean_orders'",
)
PIPELINE_ID = Grammar(
    r"[a-z][a-z0-9_-]{0,62}", "pipeline id",
    "use 1-63 lowercase letters, digits, '_' or '-', starting with a letter",
)
COMPONENT_NAME = Grammar(
    r"[a-z][a-z0-9_-]{0,62}", "component name",
    "use 1-63 lowercase letters, digits, '_' or '-', starting with a letter",
)
# semver.org 2.0.0: no leading zeros in numeric identifiers, no empty identifiers, no spaces.
_NUMERIC = r"(?:0|[1-9][0-9]*)"
_PRE = r"(?:0|[1-9][0-9]*|[0-9]*[A-Za-z-][0-9A-Za-z-]*)"
SEMVER = Grammar(
    rf"{_NUMERIC}\.{_NUMERIC}\.{_NUMERIC}(?:-{_PRE}(?:\.{_PRE})*)?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?",
    "version", "use a semantic version such as 1.2.3 or 2.0.0-rc.1 (https://semver.org)",
)
# Deployment names name folders under $JIMU_HOME/deployments and Kubernetes objects.
DEPLOYMENT_NAME = Grammar(
    r"[a-z][a-z0-9_-]{0,62}", "deployment name",
    "use 1-63 lowercase letters, digits, '-' or '_', starting with a letter",
)
# Airflow pool and queue names: the pool table's name column and Celery/Kubernetes queue names
# take far more, but names like these survive every executor, the CLI and the REST API's URLs.
POOL_NAME = Grammar(
    r"[A-Za-z0-9][A-Za-z0-9_.-]{0,99}", "pool name",
    "use 1-100 letters, digits, '_', '.' or '-', starting with a letter or digit, e.g. 'gpu_pool'",
)
QUEUE_NAME = Grammar(
    r"[A-Za-z0-9][A-Za-z0-9_.-]{0,99}", "queue name",
    "use 1-100 letters, digits, '_', '.' or '-', starting with a letter or digit, e.g. 'etl'",
)
PARAM_REF_KEY = "$param"
RUN_REF_KEY = "$run"


class ComponentRef(NamedTuple):
    """`name@version`, as a node pins the component it runs."""

    name: str
    version: str

    @classmethod
    def parse(cls, text: str) -> ComponentRef:
        name, sep, version = text.partition("@")
        if not sep or not COMPONENT_NAME.accepts(name) or not SEMVER.accepts(version):
            raise ValueError(f"component reference {text!r} is not of the form name@1.2.3")
        return cls(name, version)

    def __str__(self) -> str:
        return f"{self.name}@{self.version}"


class PortRef(NamedTuple):
    """`node.port`, one end of an edge."""

    node: str
    port: str

    @classmethod
    def parse(cls, text: str) -> PortRef:
        node, sep, port = text.partition(".")
        if not sep or not IDENTIFIER.accepts(node) or not IDENTIFIER.accepts(port):
            raise ValueError(f"port reference {text!r} is not of the form node_id.port_name")
        return cls(node, port)

    def __str__(self) -> str:
        return f"{self.node}.{self.port}"


def reference(value: Any, ref_key: str = PARAM_REF_KEY) -> str | None:
    """The name a node param value refers to (`{"$param": "name"}`, `{"$run": "ds"}`), else None."""
    if isinstance(value, dict) and len(value) == 1 and ref_key in value:
        name = value[ref_key]
        return name if isinstance(name, str) else ""
    return None


def param_reference(value: Any) -> str | None:
    """The pipeline param a node param value refers to (`{"$param": "name"}`), else None."""
    return reference(value, PARAM_REF_KEY)


def iter_param_references(value: Any, path: str = "", ref_key: str = PARAM_REF_KEY):
    """Yield (path, name) for every `{key: name}` (default `{"$param": name}`) inside a (nested) param value."""
    name = reference(value, ref_key)
    if name is not None:
        yield path, name
    elif isinstance(value, dict):
        for k, item in value.items():
            yield from iter_param_references(item, f"{path}.{k}" if path else str(k), ref_key)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from iter_param_references(item, f"{path}[{i}]", ref_key)


def substitute_param_references(value: Any, values: Any, ref_key: str = PARAM_REF_KEY) -> Any:
    """`value` with each `{key: name}` (default `{"$param": name}`) replaced by values[name] (left as is if absent)."""
    name = reference(value, ref_key)
    if name is not None:
        return values.get(name, value)
    if isinstance(value, dict):
        return {k: substitute_param_references(v, values, ref_key) for k, v in value.items()}
    if isinstance(value, list):
        return [substitute_param_references(v, values, ref_key) for v in value]
    return value
