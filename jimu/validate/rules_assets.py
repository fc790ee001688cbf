"""Rules about Airflow Assets: outputs declared assets, and schedules that wait for assets.

Airflow refuses, when it imports the DAG file, an asset named 'self' or 'context' and an empty
name; an empty any/all would never fire. Each is reported here, with its path and fix, before
anything is compiled.
"""

from __future__ import annotations

from collections.abc import Iterator

from jimu.errors import Issue
from jimu.refs import RUN_REF_KEY, iter_param_references
from jimu.runtime.run_values import ASSET_EVENTS
from jimu.spec.assets import ASSET_NAME
from jimu.spec.strict_json import path_key
from jimu.validate.context import RuleContext

# airflow.sdk.definitions.asset._validate_asset_name refuses these.
RESERVED_ASSET_NAMES = frozenset({"self", "context"})


def asset_name_problem(name: str) -> str | None:
    """Why Jimu or Airflow would refuse `name` as an asset name, or None."""
    if not ASSET_NAME.accepts(name):
        return f"{name!r} is no {ASSET_NAME.what}"
    if name in RESERVED_ASSET_NAMES:
        return f"Airflow reserves the asset name {name!r}"
    return None


def check_asset_schedule(ctx: RuleContext) -> Iterator[Issue]:
    spec = ctx.spec
    condition = spec.asset_schedule
    if condition is None:
        return
    for path, part in condition.walk():
        if part.asset is not None:
            problem = asset_name_problem(part.asset)
            if problem:
                yield Issue("bad-asset-name", f"{path}.asset", f"schedule: {problem}", _name_hint(part.asset))
            continue
        key, nested = part.children()
        if not nested:
            yield Issue(
                "empty-asset-condition", f"{path}.{key}",
                f"schedule: an empty {key!r} list waits for no asset, so the pipeline would never run",
                f"list at least one condition, e.g. {{\"{key}\": [{{\"asset\": \"sales_daily\"}}]}}",
            )
    if spec.catchup:
        yield Issue(
            "catchup-with-asset-schedule", "$.catchup",
            "catchup is on but the pipeline runs when its assets update: there are no past intervals to catch up",
            "set catchup to false (backfill past dates of the pipelines that produce the assets instead)",
        )
    produced = {name: node.id for node in spec.nodes for name in node.assets.values()}
    for name in condition.asset_names():
        if name in produced:
            yield Issue(
                "asset-schedule-loop", "$.schedule",
                f"the pipeline waits for asset {name!r}, which its own node {produced[name]!r} updates: "
                "every run would start the next one",
                f"schedule on the assets of other pipelines, or remove {name!r} from the node's assets",
                produced[name],
            )


def check_node_assets(ctx: RuleContext) -> Iterator[Issue]:
    for i, node in enumerate(ctx.spec.nodes):
        comp = ctx.components.get(node.id) if ctx.node_index.get(node.id) == i else None
        outputs = [port.name for port in comp.spec.outputs] if comp else None
        for port, name in node.assets.items():
            path = ctx.node_path(i, "assets", path_key(port))
            if outputs is not None and port not in outputs:
                yield Issue(
                    "unknown-asset-port", path,
                    f"assets names output {port!r}, which component {node.component} does not have",
                    f"use one of its outputs ({', '.join(outputs) or 'none'}) as the key", node.id,
                )
            problem = asset_name_problem(name)
            if problem:
                yield Issue("bad-asset-name", path, f"output {port!r}: {problem}", _name_hint(name), node.id)


def check_asset_events_use(ctx: RuleContext) -> Iterator[Issue]:
    """A warning: only runs of an asset-scheduled pipeline have triggering asset events."""
    if ctx.spec.asset_schedule is not None:
        return
    for i, node in enumerate(ctx.spec.nodes):
        for ref_path, name in iter_param_references(node.params, "", RUN_REF_KEY):
            if name == ASSET_EVENTS:
                yield Issue(
                    "asset-events-never-set", f"{ctx.node_path(i, 'params')}.{ref_path}",
                    f"{ASSET_EVENTS} is always an empty list here: the pipeline is not scheduled on assets",
                    "schedule the pipeline on assets ({\"asset\": name}), or remove the reference",
                    node.id, severity="warning",
                )


def _name_hint(name: str) -> str:
    if name in RESERVED_ASSET_NAMES:
        return f"choose another name, e.g. '{name}_table'"
    return ASSET_NAME.hint
