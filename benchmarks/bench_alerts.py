"""Sending one alert: JimuAlert (Jimu's text, connection lookup, delivery) vs the bare send of the same bytes.

Jimu: `JimuAlert(...).notify(context)` of a failed node, to a DingTalk-style robot (an HTTP receiver
on 127.0.0.1, its Airflow connection from an AIRFLOW_CONN_* variable) and by email (aiosmtpd on
127.0.0.1 through the SMTP provider's SmtpHook).
Baseline: `httpx.post` of the same JSON to the same receiver; `smtplib.SMTP(...).sendmail` of an
equivalent message to the same server.
Goal: an alert costs under 100 ms (it runs once per failed try, in the task's callback).
"""

from __future__ import annotations

import os
import smtplib
import sys
from email.message import EmailMessage
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # tests.notify.receivers

from common import (
    Row,
    interleaved,
    isolated_home,
    machine_summary,
    median,
    parse_args,
    print_table,
    quiet_logging,
)

GOAL_SECONDS = 0.1


def main() -> int:
    args = parse_args(__doc__.splitlines()[0])
    home = isolated_home("alerts", keep=args.keep)
    quiet_logging()
    repeat = args.repeat or (5 if args.quick else 30)
    print(f"bench_alerts: {machine_summary()}; {repeat} timed runs each; home {home}")

    import httpx

    from jimu.notify.channels import robot_payload
    from jimu.operators.alerts import JimuAlert
    from tests.notify.receivers import SmtpReceiver, WebhookReceiver, http_connection, smtp_connection

    error = "Traceback (most recent call last):\n" + "  frame\n" * 30 + "ValueError: boom"
    ti = SimpleNamespace(task_id="clean", try_number=1, dag_id="daily_sales")
    context = {"ti": ti, "run_id": "scheduled__2026-11-29T00:00:00+00:00", "exception": ValueError(error)}
    with WebhookReceiver() as robot, SmtpReceiver() as smtp:
        os.environ["AIRFLOW_CONN_BENCH_DING"] = http_connection(robot.port, password="token")
        os.environ["AIRFLOW_CONN_BENCH_SMTP"] = smtp_connection(smtp.port)
        ding = JimuAlert(channel="dingtalk", conn_id="bench_ding", event="failure", pipeline="daily_sales",
                         language="zh", airflow_url="https://airflow.example.com")
        mail = JimuAlert(channel="email", conn_id="bench_smtp", event="failure", pipeline="daily_sales",
                         language="zh", to=["ops@example.com"])
        payload = robot_payload("dingtalk", ding.alert(context), "zh")
        url = f"http://127.0.0.1:{robot.port}/robot/send"

        def bare_mail():
            message = EmailMessage()
            message["Subject"], message["From"], message["To"] = "alert", "jimu@example.com", "ops@example.com"
            message.set_content(payload["text"]["content"], subtype="html")
            with smtplib.SMTP("127.0.0.1", smtp.port) as client:
                client.send_message(message)

        times = interleaved({
            "jimu dingtalk": lambda: ding.notify(context),
            "httpx.post": lambda: httpx.post(url, params={"access_token": "token"}, json=payload).raise_for_status(),
            "jimu email": lambda: mail.notify(context),
            "smtplib": bare_mail,
        }, repeat, warmup=1)
        assert len(smtp.messages) == len(robot.received), "every send arrived"
    for name, values in times.items():
        print(f"   {name:<14} {median(values) * 1e3:7.1f} ms  (min {min(values) * 1e3:.1f} ms, n={len(values)})")
    rows = [
        Row("alerts", "DingTalk robot (local receiver)", median(times["jimu dingtalk"]), median(times["httpx.post"]),
            baseline_name="httpx.post of the same JSON", goal=f"< {GOAL_SECONDS * 1e3:.0f} ms",
            ok=median(times["jimu dingtalk"]) < GOAL_SECONDS),
        Row("alerts", "email (aiosmtpd)", median(times["jimu email"]), median(times["smtplib"]),
            baseline_name="smtplib send_message", goal=f"< {GOAL_SECONDS * 1e3:.0f} ms",
            ok=median(times["jimu email"]) < GOAL_SECONDS),
    ]
    print_table("alerts: one failure alert, sent", rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
