"""Rules about nodes: ids, the pipeline id and component references."""

from __future__ import annotations

import keyword
from collections.abc import Iterator

from jimu.errors import Issue
from jimu.refs import IDENTIFIER, PIPELINE_ID
from jimu.spec import ComponentRef
from jimu.validate.context import RuleContext

# Names the generated DAG module itself uses; a node id equal to one would shadow it.
RESERVED_NODE_IDS = frozenset({"dag", "datetime", "k8s", "literal", "param", "pendulum"})
ID_HINT = "use 1-63 lowercase letters, digits or '_', starting with a letter, e.g. 'clean_orders'"


def check_pipeline_id(ctx: RuleContext) -> Iterator[Issue]:
    if not PIPELINE_ID.accepts(ctx.spec.id):
        yield Issue(
            "bad-pipeline-id",
            "$.id",
            f"pipeline id {ctx.spec.id!r} is not a valid DAG id",
            "use 1-63 lowercase letters, digits, '_' or '-', starting with a letter",
        )


def check_node_ids(ctx: RuleContext) -> Iterator[Issue]:
    first_seen: dict[str, int] = {}
    for i, node in enumerate(ctx.spec.nodes):
        path = ctx.node_path(i, "id")
        if not IDENTIFIER.accepts(node.id):
            yield Issue("bad-node-id", path, f"node id {node.id!r} is not allowed", ID_HINT, node.id)
        elif keyword.iskeyword(node.id) or node.id in RESERVED_NODE_IDS:
            yield Issue(
                "reserved-node-id",
                path,
                f"node id {node.id!r} is a reserved word",
                f"rename it, e.g. '{node.id}_step'",
                node.id,
            )
        if node.id in first_seen:
            yield Issue(
                "duplicate-node-id",
                path,
                f"node id {node.id!r} is already used by nodes[{first_seen[node.id]}]",
                "give every node its own id",
                node.id,
            )
        else:
            first_seen[node.id] = i


def check_component_refs(ctx: RuleContext) -> Iterator[Issue]:
    for i, node in enumerate(ctx.spec.nodes):
        path = ctx.node_path(i, "component")
        try:
            ref = ComponentRef.parse(node.component)
        except ValueError as exc:
            yield Issue("bad-component-ref", path, str(exc), "write it as name@1.2.3", node.id)
            continue
        if ctx.catalog.get(ref) is None:
            versions = ctx.catalog.versions(ref.name)
            hint = (
                f"use one of the published versions: {', '.join(versions)}"
                if versions
                else "publish it, or pick one from `jimu components list`"
            )
            yield Issue(
                "unknown-component", path, f"component {ref} is not in the catalog", hint, node.id
            )


def check_outdated_components(ctx: RuleContext) -> Iterator[Issue]:
    """A warning, not an error: newer published versions exist for a pinned component."""
    for i, node in enumerate(ctx.spec.nodes):
        comp = ctx.components.get(node.id)
        if comp is None:
            continue
        latest = ctx.catalog.versions(comp.spec.name)[-1]
        if latest != comp.spec.version:
            yield Issue(
                "outdated-component",
                ctx.node_path(i, "component"),
                f"pins {comp.spec.ref}; {comp.spec.name}@{latest} is published",
                f"see `jimu components diff {comp.spec.ref} {comp.spec.name}@{latest}`, then pin the new version",
                node.id,
                severity="warning",
            )
