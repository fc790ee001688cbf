"""Alerts that could not work where they are written."""

from __future__ import annotations

from collections.abc import Iterator

from jimu.errors import Issue
from jimu.validate.context import RuleContext


def check_run_deadline_is_the_pipelines(ctx: RuleContext) -> Iterator[Issue]:
    """A deadline alert measures a whole run (Airflow's deadline is the DAG's): never a node's."""
    for i, node in enumerate(ctx.spec.nodes):
        if node.notifications is not None and node.notifications.on_run_longer_than is not None:
            yield Issue(
                "deadline-on-node", f"{ctx.node_path(i)}.notifications.on_run_longer_than",
                "a run deadline alert is about the whole run, so a node cannot have one",
                "move on_run_longer_than to the pipeline's notifications; for a node that may hang, "
                "set its timeout_seconds",
                node=node.id,
            )
