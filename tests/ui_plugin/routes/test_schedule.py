"""POST /api/schedule/next: the next run times of a cron expression or preset."""

from __future__ import annotations

import datetime

import pytest
from croniter import croniter

UTC = datetime.UTC


def expected(cron: str, after: datetime.datetime, count: int) -> list[str]:
    times = croniter(cron, after)
    return [times.get_next(datetime.datetime).isoformat().replace("+00:00", "Z") for _ in range(count)]


def as_utc_text(times: list[str]) -> list[str]:
    return [datetime.datetime.fromisoformat(t).astimezone(UTC).isoformat().replace("+00:00", "Z") for t in times]


def test_cron_times_equal_croniter(api):
    after = datetime.datetime(2026, 3, 1, 10, 17, tzinfo=UTC)
    answer = api.post("/api/schedule/next", json={"schedule": "30 6 * * 1-5", "count": 7,
                                                   "after": after.isoformat()})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert as_utc_text(body["times"]) == expected("30 6 * * 1-5", after, 7)
    # 2026-03-01 is a Sunday: the first run is Monday 06:30.
    assert as_utc_text(body["times"])[0] == "2026-03-02T06:30:00Z"


@pytest.mark.parametrize(("preset", "cron"), [("@hourly", "0 * * * *"), ("@daily", "0 0 * * *"),
                                              ("@weekly", "0 0 * * 0"), ("@quarterly", "0 0 1 */3 *")])
def test_presets_are_airflows(api, preset, cron):
    after = datetime.datetime(2026, 5, 17, 23, 59, tzinfo=UTC)
    body = api.post("/api/schedule/next", json={"schedule": preset, "after": after.isoformat()}).json()
    assert as_utc_text(body["times"]) == expected(cron, after, 5)


def test_presets_match_airflow():
    from airflow.utils.dates import cron_presets

    from jimu.validate.rules_schedule import CRON_PRESETS

    assert CRON_PRESETS == cron_presets


def test_once_has_no_next_times_and_no_after_means_now(api):
    before = datetime.datetime.now(UTC)
    body = api.post("/api/schedule/next", json={"schedule": "@once"}).json()
    assert body["times"] == []
    assert before <= datetime.datetime.fromisoformat(body["after"]) <= datetime.datetime.now(UTC)


def test_naive_after_is_utc(api):
    body = api.post("/api/schedule/next", json={"schedule": "0 12 * * *", "after": "2026-01-01T13:00:00",
                                                "count": 1}).json()
    assert as_utc_text(body["times"]) == ["2026-01-02T12:00:00Z"]


@pytest.mark.parametrize("schedule", ["every day", "61 * * * *", "@sometimes", "@continuous", "",
                                      "__import__('os').system('true')", "0 0 30 2 *"])
def test_a_bad_schedule_is_a_422_with_a_fix(api, schedule):
    answer = api.post("/api/schedule/next", json={"schedule": schedule})
    assert answer.status_code == 422, answer.text
    detail = answer.json()["detail"]
    assert detail["message"] and detail["fix"]


def test_count_is_bounded(api):
    assert api.post("/api/schedule/next", json={"schedule": "@daily", "count": 21}).status_code == 422
    assert api.post("/api/schedule/next", json={"schedule": "@daily", "count": 0}).status_code == 422


@pytest.mark.parametrize("schedule", [{"asset": "sales_daily"}, {"any": [{"asset": "a"}, {"all": [{"asset": "b"}]}]}])
def test_an_asset_schedule_is_a_422_that_says_why(api, schedule):
    """The editor may ask about any schedule the spec allows: an asset condition has no run times."""
    answer = api.post("/api/schedule/next", json={"schedule": schedule})
    assert answer.status_code == 422, answer.text
    detail = answer.json()["detail"]
    assert "asset" in detail["message"] and "no run times" in detail["message"] and detail["fix"]


def test_a_long_cron_text_is_still_refused(api):
    assert api.post("/api/schedule/next", json={"schedule": "0 " * 101}).status_code == 422
