"""POST /api/schedule/next: when a schedule would run next, so the editor can show it."""

from __future__ import annotations

import datetime
from typing import Annotated

from croniter import croniter
from croniter.croniter import CroniterError
from fastapi import APIRouter
from pydantic import BaseModel, Field

from jimu.spec.assets import AssetCondition
from jimu.ui_plugin.errors import ApiError, error_responses
from jimu.validate.rules_schedule import CRON_PRESETS, schedule_problem

MAX_COUNT = 20


class NextRunsRequest(BaseModel):
    # An asset condition is accepted only to be answered in words: it has no run times to list.
    schedule: Annotated[str, Field(max_length=200)] | AssetCondition = Field(
        description="cron expression or @daily-style preset; an asset condition is answered with a 422"
    )
    count: int = Field(5, ge=1, le=MAX_COUNT, description="how many run times")
    after: datetime.datetime | None = Field(None, description="count from this instant (default: now); "
                                                               "without a time zone, UTC")


class NextRuns(BaseModel):
    schedule: str
    after: datetime.datetime = Field(description="the instant the times follow (UTC)")
    times: list[datetime.datetime] = Field(description="the next run times, UTC; empty for @once")


def next_run_times(schedule: str, after: datetime.datetime, count: int) -> list[datetime.datetime]:
    """The next `count` times a valid schedule fires after `after` (UTC, as Airflow's cron timetable)."""
    if schedule == "@once":
        return []
    times = croniter(CRON_PRESETS.get(schedule, schedule), after)
    return [times.get_next(datetime.datetime) for _ in range(count)]


def schedule_router() -> APIRouter:
    router = APIRouter(tags=["checks"])

    @router.post("/schedule/next", name="next_run_times", responses=error_responses(400, 422, 500))
    def next_runs(request: NextRunsRequest) -> NextRuns:
        """The next run times of a schedule; 422 with the fix when it is no cron expression or preset."""
        if isinstance(request.schedule, AssetCondition):
            raise ApiError(
                422, "an asset schedule has no run times: the pipeline runs whenever the assets it waits for "
                "are updated", "ask for run times of cron expressions and presets only",
            )
        problem = schedule_problem(request.schedule)
        if problem is not None:
            raise ApiError(422, problem.message, problem.hint)
        after = request.after or datetime.datetime.now(datetime.UTC)
        after = (after if after.tzinfo else after.replace(tzinfo=datetime.UTC)).astimezone(datetime.UTC)
        try:
            times = next_run_times(request.schedule, after, request.count)
        except (CroniterError, OverflowError, ValueError) as exc:
            raise ApiError(422, f"schedule {request.schedule!r} has no run time after {after.isoformat()}: {exc}",
                           "check the day and month fields (e.g. February has no 30th)") from None
        return NextRuns(schedule=request.schedule, after=after, times=times)

    return router
