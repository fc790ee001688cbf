"""The callback of a pipeline's deadline alert: Airflow's triggerer awaits it when a run misses its deadline.

Compiled DAGs name it by path in `DeadlineAlert(callback=AsyncCallback(...))`; Airflow's scheduler
notices the missed deadline and its triggerer calls it with the kwargs the DAG file holds (literals
only) and a context holding the run. The sending is the same as every other alert's (jimu.notify.channels),
done in a thread: connection lookups and SMTP are blocking calls the triggerer's event loop must not wait on.
"""

from __future__ import annotations

import asyncio

from jimu.notify.message import Alert

CALLBACK_PATH = "jimu.notify.deadline.run_deadline_missed"


def deadline_alert(context: dict, *, pipeline: str, seconds: int, airflow_url: str | None) -> Alert:
    """What to say, from the context Airflow gives a deadline callback (the run as its API shows it)."""
    run = context.get("dag_run") or {}
    return Alert(event="deadline", pipeline=pipeline, dag_id=run.get("dag_id", ""),
                 run_id=run.get("dag_run_id") or run.get("run_id", ""), airflow_url=airflow_url,
                 overdue_seconds=seconds)


def send_alert(alert: Alert, channels: list[dict], language: str) -> None:
    """Send one alert to each channel ({"channel", "conn_id", "to"}); every channel is tried."""
    from jimu.notify.channels import AlertDeliveryError, send_email, send_to_robot

    failures = []
    for channel in channels:
        try:
            if channel["channel"] == "email":
                send_email(channel["conn_id"], list(channel.get("to") or []), alert, language)
            else:
                send_to_robot(channel["channel"], channel["conn_id"], alert, language)
        except Exception as exc:  # one channel down must not silence the others
            failures.append(f"{channel['channel']} via {channel['conn_id']!r}: {exc}")
    if failures:
        raise AlertDeliveryError("; ".join(failures))


async def run_deadline_missed(
    *, pipeline: str, seconds: int, channels: list[dict], language: str = "en", airflow_url: str | None = None,
    context: dict | None = None,
) -> None:
    """Airflow's deadline callback: tell every channel that the run is still going after `seconds`."""
    alert = deadline_alert(context or {}, pipeline=pipeline, seconds=seconds, airflow_url=airflow_url)
    await asyncio.to_thread(send_alert, alert, channels, language)
