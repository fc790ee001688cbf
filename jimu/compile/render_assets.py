"""Airflow Assets in a DAG file: a node's outlets and an asset-expression schedule."""

from __future__ import annotations

from jimu.compile.profile import DeploymentProfile
from jimu.compile.pysource import INDENT, py_literal
from jimu.spec import NodeSpec, PipelineSpec
from jimu.spec.assets import AssetCondition, asset_uri

OPERATORS = {"any": "|", "all": "&"}


def uses_assets(spec: PipelineSpec) -> bool:
    """Whether the DAG file imports Asset: an asset schedule or a node output declared an asset."""
    return spec.asset_schedule is not None or any(node.assets for node in spec.nodes)


def render_asset(name: str, profile: DeploymentProfile) -> str:
    """`Asset(name=..., uri="jimu://<warehouse>/<name>")`: one name is one URI in every DAG of a profile."""
    return f"Asset(name={py_literal(name)}, uri={py_literal(asset_uri(profile.warehouse, name))})"


def render_outlets(node: NodeSpec, profile: DeploymentProfile) -> list[tuple[str, str]]:
    """The `outlets` kwarg of a node's task: Airflow updates them when the task succeeds."""
    if not node.assets:
        return []
    assets = [render_asset(node.assets[port], profile) for port in sorted(node.assets)]
    pad = INDENT * 3
    return [("outlets", "[\n" + "".join(f"{pad}{asset},\n" for asset in assets) + f"{INDENT * 2}]")]


def render_asset_condition(condition: AssetCondition, profile: DeploymentProfile, depth: int = 1) -> str:
    """`Asset(...)`, or `A | B` / `A & B` with nested conditions in parentheses; one operand a line at the top."""
    nested = condition.children()
    if nested is None:
        return render_asset(condition.asset, profile)
    key, parts = nested
    if len(parts) == 1:
        return render_asset_condition(parts[0], profile, depth)
    operands = [_operand(part, profile) for part in parts]
    if depth > 1:
        return f" {OPERATORS[key]} ".join(operands)
    pad = INDENT * (depth + 1)
    lines = [f"{pad}{operands[0]}"] + [f"{pad}{OPERATORS[key]} {operand}" for operand in operands[1:]]
    return "(\n" + "\n".join(lines) + f"\n{INDENT * depth})"


def _operand(condition: AssetCondition, profile: DeploymentProfile) -> str:
    text = render_asset_condition(condition, profile, depth=2)
    nested = condition.children()
    return f"({text})" if nested is not None and len(nested[1]) > 1 else text
