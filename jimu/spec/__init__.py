"""The pipeline and component specs: immutable pydantic models with exported JSON Schemas."""

from jimu.refs import ComponentRef, PortRef, param_reference
from jimu.spec.assets import AssetCondition
from jimu.spec.component import ComponentSpec, PortSpec, RuntimeSpec
from jimu.spec.pipeline import (
    Defaults,
    EdgeSpec,
    EditorLayout,
    NodeSpec,
    PipelineSpec,
    Resources,
)

__all__ = [
    "AssetCondition",
    "ComponentRef",
    "ComponentSpec",
    "Defaults",
    "EdgeSpec",
    "EditorLayout",
    "NodeSpec",
    "PipelineSpec",
    "PortRef",
    "PortSpec",
    "Resources",
    "RuntimeSpec",
    "param_reference",
]
