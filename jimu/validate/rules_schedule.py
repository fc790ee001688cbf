"""Rules about when a pipeline runs."""

from __future__ import annotations

from collections.abc import Iterator

from croniter import croniter

from jimu.errors import Issue
from jimu.validate.context import RuleContext

PRESETS = frozenset({"@once", "@hourly", "@daily", "@weekly", "@monthly", "@quarterly", "@yearly"})
# Airflow refuses to import a DAG with this schedule unless max_active_runs is 1, which Jimu's
# DAGs do not set (Airflow's default is 16).
CONTINUOUS = "@continuous"


def check_schedule(ctx: RuleContext) -> Iterator[Issue]:
    schedule = ctx.spec.schedule
    if schedule is None or schedule in PRESETS:
        return
    if schedule == CONTINUOUS:
        yield Issue(
            "bad-schedule", "$.schedule",
            "schedule '@continuous' needs max_active_runs=1, which Jimu's DAGs do not set: Airflow would "
            "refuse to import the DAG",
            "use a cron expression such as '*/5 * * * *' or a preset such as '@hourly'",
        )
        return
    if schedule.startswith("@") or not croniter.is_valid(schedule):
        yield Issue(
            "bad-schedule",
            "$.schedule",
            f"schedule {schedule!r} is neither a cron expression nor a preset",
            "use 5-field cron such as '0 6 * * *', a preset such as '@daily', or null for manual runs",
        )
