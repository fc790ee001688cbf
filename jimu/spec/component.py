"""ComponentSpec: `components/<name>/component.yaml`, the contract a component publishes."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from jimu.refs import COMPONENT_NAME, IDENTIFIER, SEMVER
from jimu.spec.base import SpecModel

PortType = Literal["table", "model", "metrics", "file"]


class PortSpec(SpecModel):
    """A typed input or output of a component."""

    # Port names become path segments of the step data URIs.
    name: str = Field(pattern=IDENTIFIER.json_schema_pattern, description=IDENTIFIER.hint)
    type: PortType
    description: str = ""
    required: bool = True
    multiple: bool = Field(
        False, description="input only: accepts several edges, named by upstream node id"
    )


class RuntimeSpec(SpecModel):
    """How the component's code runs: the same entrypoint in a pod and in a local process."""

    entrypoint: str = Field(
        "main.py:run", pattern=r"^[A-Za-z0-9_./-]+\.py:[A-Za-z_][A-Za-z0-9_]*$"
    )
    image: str = Field(
        pattern=r"^[a-z0-9][a-z0-9._/-]*(:[A-Za-z0-9._-]+)?(@sha256:[a-f0-9]{64})?$",
        description="container image, name:tag; the profile adds the registry",
    )
    python: str = "3.11"
    requirements: tuple[str, ...] = ()
    locked: bool = Field(
        False, description="requirements are a complete pin list: installed with pip --no-deps"
    )


class ComponentSpec(SpecModel):
    """A versioned, typed building block."""

    # Both name the snapshot folder <catalog>/<name>/<version>: they must be plain segments.
    name: str = Field(pattern=COMPONENT_NAME.json_schema_pattern, description=COMPONENT_NAME.hint)
    version: str = Field(pattern=SEMVER.json_schema_pattern, description=SEMVER.hint)
    title: str
    description: str = ""
    category: str = "general"
    inputs: tuple[PortSpec, ...] = ()
    outputs: tuple[PortSpec, ...] = ()
    params: dict[str, Any] = Field(
        default_factory=lambda: {"type": "object", "properties": {}},
        description="JSON Schema of the node params",
    )
    runtime: RuntimeSpec

    @property
    def ref(self) -> str:
        return f"{self.name}@{self.version}"

    def input(self, name: str) -> PortSpec | None:
        return next((p for p in self.inputs if p.name == name), None)

    def output(self, name: str) -> PortSpec | None:
        return next((p for p in self.outputs if p.name == name), None)

    def param_defaults(self) -> dict[str, Any]:
        props = self.params.get("properties", {})
        return {k: v["default"] for k, v in props.items() if isinstance(v, dict) and "default" in v}
