"""Rules about when a pipeline runs."""

from __future__ import annotations

from collections.abc import Iterator

from croniter import croniter

from jimu.errors import Issue
from jimu.validate.context import RuleContext

# Airflow's presets as cron (airflow.utils.dates.cron_presets; importing Airflow takes seconds).
CRON_PRESETS = {
    "@hourly": "0 * * * *",
    "@daily": "0 0 * * *",
    "@weekly": "0 0 * * 0",
    "@monthly": "0 0 1 * *",
    "@quarterly": "0 0 1 */3 *",
    "@yearly": "0 0 1 1 *",
}
PRESETS = frozenset({"@once", *CRON_PRESETS})
# Airflow refuses to import a DAG with this schedule unless max_active_runs is 1 (its default is 16).
CONTINUOUS = "@continuous"


def check_schedule(ctx: RuleContext) -> Iterator[Issue]:
    """Cron and preset schedules; asset schedules are checked by rules_assets."""
    if ctx.spec.asset_schedule is not None:
        return
    problem = schedule_problem(ctx.spec.cron_schedule, ctx.spec.max_active_runs)
    if problem is not None:
        yield problem
    if ctx.spec.catchup and ctx.spec.start_date is None:
        yield Issue(
            # On start_date, the field to set: a start_date that is there but broken has its own issue.
            "catchup-without-start-date", "$.start_date",
            "catchup is on but the pipeline has no start_date: Airflow would not know from which "
            "interval to catch up",
            "set start_date (e.g. \"2026-11-01\"), or set catchup to false",
        )


def schedule_problem(schedule: str | None, max_active_runs: int | None = None) -> Issue | None:
    """Why Airflow would not run a pipeline on this schedule, or None when it would."""
    if schedule is None or schedule in PRESETS:
        return None
    if schedule == CONTINUOUS:
        if max_active_runs == 1:
            return None
        return Issue(
            "bad-schedule", "$.schedule",
            "schedule '@continuous' needs max_active_runs: 1; otherwise Airflow refuses to import the DAG",
            "set max_active_runs to 1, or use a cron expression such as '*/5 * * * *' or a preset such as '@hourly'",
        )
    if schedule.startswith("@") or not croniter.is_valid(schedule):
        return Issue(
            "bad-schedule",
            "$.schedule",
            f"schedule {schedule!r} is neither a cron expression nor a preset",
            "use 5-field cron such as '0 6 * * *', a preset such as '@daily', or null for manual runs",
        )
    return None
