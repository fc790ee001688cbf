"""A template's pipeline scheduled from the gallery: its run times and, optionally, who hears of a failure.

Both are data in the pipeline document (`schedule`, `notifications.on_failure`), checked by the validator's
own rules; the address never reaches code. A gallery schedule should run as shown: the DAG starts unpaused
(`start_unpaused: true`, compiled to `is_paused_upon_creation=False`) and without catching up on past intervals.
"""

from __future__ import annotations

import re
from typing import Any

from jimu.spec.notifications import EMAIL
from jimu.template.form import FormProblem
from jimu.validate.rules_schedule import schedule_problem

# Airflow's SMTP provider reads this connection when no other is named: the one an operator sets up first.
ALERT_CONN_ID = "smtp_default"

MESSAGES = {
    "en": {
        "schedule": "The schedule {text} is not a cron expression or a preset: {detail}",
        "email": "{text} is not an email address; write one such as ops@example.com",
    },
    "zh": {
        "schedule": "运行计划 {text} 不是 cron 表达式或预设：{detail}",
        "email": "{text} 不是电子邮箱地址，请写成 ops@example.com 这样的形式",
    },
}


def schedule_problems(schedule: str | None, alert_email: str | None, lang: str = "en") -> list[FormProblem]:
    """What is wrong with a gallery schedule and alert address, in plain words on the field it is about."""
    words = MESSAGES.get(lang, MESSAGES["en"])
    problems = []
    if schedule is not None:
        issue = schedule_problem(schedule)
        if issue is not None:
            problems.append(FormProblem("schedule", words["schedule"].format(text=repr(schedule), detail=issue.hint)))
    if alert_email is not None and not re.fullmatch(EMAIL, alert_email):
        problems.append(FormProblem("alert_email", words["email"].format(text=repr(alert_email))))
    return problems


def with_schedule(data: dict[str, Any], schedule: str | None, alert_email: str | None) -> dict[str, Any]:
    """The pipeline document scheduled as the gallery asked; the template's own alerts are kept."""
    if schedule is not None:
        data = {**data, "schedule": schedule, "catchup": False, "start_unpaused": True}
    if alert_email is not None:
        notifications = dict(data.get("notifications") or {})
        channel = {"channel": "email", "conn_id": ALERT_CONN_ID, "to": [alert_email]}
        notifications["on_failure"] = [*notifications.get("on_failure", []), channel]
        data["notifications"] = notifications
    return data
