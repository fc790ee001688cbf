"""The deadline callback as Airflow's triggerer awaits it (CallbackTrigger): kwargs from the DAG file and
the run context the scheduler builds; the alert reaches each channel, and one channel down does not
silence the others."""

from __future__ import annotations

import asyncio

import pytest

from jimu.notify.channels import AlertDeliveryError
from jimu.notify.deadline import CALLBACK_PATH, run_deadline_missed
from tests.notify.receivers import WebhookReceiver, free_port, http_connection

CONTEXT = {"dag_run": {"dag_id": "daily_sales.local", "dag_run_id": "scheduled__2026-11-29T00:00:00+00:00"},
           "deadline": {"id": "x", "deadline_time": "2026-11-29T01:30:00+00:00"}}


def run_callback(channels, **kwargs):
    """As Airflow's CallbackTrigger runs it: import the path, await it with the kwargs and the context."""
    from airflow.triggers.callback import CallbackTrigger

    trigger = CallbackTrigger(CALLBACK_PATH, {"pipeline": "daily_sales", "seconds": 5400, "channels": channels,
                                              "language": "en", "airflow_url": None, "context": CONTEXT, **kwargs})

    async def events():
        return [event.payload async for event in trigger.run()]

    return asyncio.run(events())


def test_the_triggerer_path_sends_the_deadline_alert(monkeypatch):
    with WebhookReceiver() as hook:
        monkeypatch.setenv("AIRFLOW_CONN_DEADLINE_HOOK", http_connection(hook.port))
        events = run_callback([{"channel": "webhook", "conn_id": "deadline_hook"}])
    assert [e["state"] for e in events] == ["running", "success"], events
    ((got,),) = [[r.json() for r in hook.received]]
    assert (got["event"], got["pipeline"], got["dag_id"]) == ("deadline", "daily_sales", "daily_sales.local")
    assert got["run_id"] == "scheduled__2026-11-29T00:00:00+00:00"
    assert "Still running after 5400 s\n" in got["text"]


def test_one_channel_down_does_not_silence_the_others(monkeypatch):
    with WebhookReceiver() as hook:
        monkeypatch.setenv("AIRFLOW_CONN_DEADLINE_HOOK", http_connection(hook.port))
        monkeypatch.setenv("AIRFLOW_CONN_GONE", http_connection(free_port()))
        channels = [{"channel": "wecom", "conn_id": "gone"}, {"channel": "webhook", "conn_id": "deadline_hook"}]
        with pytest.raises(AlertDeliveryError, match="wecom via 'gone'"):
            asyncio.run(run_deadline_missed(pipeline="p", seconds=5, channels=channels, context=CONTEXT))
    assert len(hook.received) == 1
