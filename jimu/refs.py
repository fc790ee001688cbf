"""Small value types for the references a spec writes as strings."""

from __future__ import annotations

import re
from typing import Any, NamedTuple

# Node ids become Airflow task ids and Python names in generated DAGs, hence the narrow alphabet.
IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
PIPELINE_ID = re.compile(r"^[a-z][a-z0-9_-]{0,62}$")
COMPONENT_NAME = re.compile(r"^[a-z][a-z0-9_-]{0,62}$")
SEMVER = re.compile(
    r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$"
)
PARAM_REF_KEY = "$param"


class ComponentRef(NamedTuple):
    """`name@version`, as a node pins the component it runs."""

    name: str
    version: str

    @classmethod
    def parse(cls, text: str) -> ComponentRef:
        name, sep, version = text.partition("@")
        if not sep or not COMPONENT_NAME.match(name) or not SEMVER.match(version):
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
        if not sep or not IDENTIFIER.match(node) or not IDENTIFIER.match(port):
            raise ValueError(f"port reference {text!r} is not of the form node_id.port_name")
        return cls(node, port)

    def __str__(self) -> str:
        return f"{self.node}.{self.port}"


def param_reference(value: Any) -> str | None:
    """The pipeline param a node param value refers to (`{"$param": "name"}`), else None."""
    if isinstance(value, dict) and len(value) == 1 and PARAM_REF_KEY in value:
        name = value[PARAM_REF_KEY]
        return name if isinstance(name, str) else ""
    return None


def iter_param_references(value: Any, path: str = ""):
    """Yield (path, name) for every `{"$param": name}` inside a (nested) param value."""
    name = param_reference(value)
    if name is not None:
        yield path, name
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from iter_param_references(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from iter_param_references(item, f"{path}[{i}]")


def substitute_param_references(value: Any, values: dict[str, Any]) -> Any:
    """`value` with each `{"$param": name}` replaced by values[name] (left as is if absent)."""
    name = param_reference(value)
    if name is not None:
        return values.get(name, value)
    if isinstance(value, dict):
        return {k: substitute_param_references(v, values) for k, v in value.items()}
    if isinstance(value, list):
        return [substitute_param_references(v, values) for v in value]
    return value
