"""Rules about when a pipeline runs."""

from __future__ import annotations

from collections.abc import Iterator

from croniter import croniter

from jimu.errors import Issue
from jimu.validate.context import RuleContext

PRESETS = frozenset(
    {"@once", "@continuous", "@hourly", "@daily", "@weekly", "@monthly", "@quarterly", "@yearly"}
)


def check_schedule(ctx: RuleContext) -> Iterator[Issue]:
    schedule = ctx.spec.schedule
    if schedule is None or schedule in PRESETS:
        return
    if schedule.startswith("@") or not croniter.is_valid(schedule):
        yield Issue(
            "bad-schedule",
            "$.schedule",
            f"schedule {schedule!r} is neither a cron expression nor a preset",
            "use 5-field cron such as '0 6 * * *', a preset such as '@daily', or null for manual runs",
        )
