"""What Airflow itself checks when it imports a DAG file or stores it, checked before compiling.

A spec that validates must compile to a DAG that Airflow takes: these mirror
airflow.sdk.definitions.dag (tag length, schedules it refuses) and the metadata DB's columns.
Param defaults are checked by rules_params with the validator Airflow's Param.resolve uses.
"""

from __future__ import annotations

from collections.abc import Iterator

from jimu.errors import Issue
from jimu.validate.context import RuleContext

# airflow.sdk.definitions.dag.TAG_MAX_LEN; the dag_tag.name column is this long.
TAG_MAX_LEN = 100
# dag.dag_display_name and task_instance.task_display_name are String(2000) columns: a longer
# title stops the DAG from being stored in a PostgreSQL or MySQL metadata database.
DISPLAY_NAME_MAX_LEN = 2000


def check_airflow_limits(ctx: RuleContext) -> Iterator[Issue]:
    spec = ctx.spec
    for i, tag in enumerate(spec.tags):
        if len(tag) > TAG_MAX_LEN:
            yield Issue(
                "tag-too-long", f"$.tags[{i}]",
                f"tag is {len(tag)} characters long; Airflow refuses tags over {TAG_MAX_LEN}",
                f"shorten it to at most {TAG_MAX_LEN} characters",
            )
    if len(spec.title) > DISPLAY_NAME_MAX_LEN:
        yield Issue(
            "title-too-long", "$.title",
            f"title is {len(spec.title):,} characters long; Airflow stores at most {DISPLAY_NAME_MAX_LEN}",
            "shorten it; longer text belongs in the description",
        )
    for i, node in enumerate(spec.nodes):
        if len(node.title) > DISPLAY_NAME_MAX_LEN:
            yield Issue(
                "title-too-long", ctx.node_path(i, "title"),
                f"title is {len(node.title):,} characters long; Airflow stores at most {DISPLAY_NAME_MAX_LEN}",
                "shorten it; longer text belongs in the node's description", node.id,
            )
