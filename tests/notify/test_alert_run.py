"""A real failing `jimu run` (Airflow dag.test of the compiled local DAG) sends its alerts to every channel."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from tests.notify.receivers import SmtpReceiver, WebhookReceiver, http_connection, smtp_connection

JIMU = Path(sys.executable).with_name("jimu")
ROBOTS = ("dingtalk", "wecom", "slack", "webhook")


def failing_pipeline(csv: Path) -> dict:
    return {
        "id": "alert_run_test",
        "notifications": {
            "language": "en",
            "on_failure": [{"channel": "email", "conn_id": "smtp_ops", "to": ["ops@example.com"]}]
            + [{"channel": robot, "conn_id": f"{robot}_ops"} for robot in ROBOTS],
        },
        "nodes": [
            {"id": "load", "component": "load_table@1.2.0", "params": {"uri": str(csv)},
             "notifications": {"on_success": [{"channel": "webhook", "conn_id": "load_done"}]}},
            {"id": "scale", "component": "python@1.0.0",
             "params": {"code": "def transform(tables, params):\n    raise ValueError('boom {{ ds }} <b>')\n"}},
        ],
        "edges": [{"from": "load.table", "to": "scale.tables"}],
    }


@pytest.mark.slow
def test_failed_node_alerts_reach_smtp_and_every_robot(tmp_path):
    csv = tmp_path / "numbers.csv"
    pd.DataFrame({"x": [1, 2]}).to_csv(csv, index=False)
    spec = tmp_path / "pipeline.json"
    spec.write_text(json.dumps(failing_pipeline(csv)), encoding="utf-8")
    with SmtpReceiver() as smtp, WebhookReceiver() as robots, WebhookReceiver() as done:
        env = {**os.environ, "AIRFLOW_CONN_SMTP_OPS": smtp_connection(smtp.port),
               "AIRFLOW_CONN_LOAD_DONE": http_connection(done.port)}
        for robot in ROBOTS:
            env[f"AIRFLOW_CONN_{robot.upper()}_OPS"] = http_connection(robots.port, password=f"{robot}-token")
        proc = subprocess.run([str(JIMU), "run", str(spec)], capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert any(line.split()[:2] == ["failed", "scale"] for line in proc.stdout.splitlines()), proc.stdout

    # The generic webhook carries the facts as fields: the run, the failed node, the error's last lines.
    (generic,) = [r.json() for r in robots.received if r.path == "/"]
    assert (generic["event"], generic["pipeline"], generic["node"]) == ("failure", "alert_run_test", "scale")
    assert generic["dag_id"] == "alert_run_test.local" and generic["run_id"].startswith("manual__")
    assert "ValueError: boom {{ ds }} <b>" in generic["error"]  # arrived as written: never rendered
    text = generic["text"]
    assert text.startswith("[Jimu] Pipeline 'alert_run_test' Node 'scale' failed\n")
    assert f"Run: {generic['run_id']}\n" in text and "Node: scale (try: 1)\n" in text

    # Each robot got the same text at its own endpoint, once.
    by_path = {r.path: r for r in robots.received}
    assert len(robots.received) == 4, [r.path for r in robots.received]
    assert by_path["/robot/send"].query == {"access_token": "dingtalk-token"}
    assert by_path["/cgi-bin/webhook/send"].query == {"key": "wecom-token"}
    assert by_path["/robot/send"].json() == {"msgtype": "text", "text": {"content": text}}
    assert by_path["/cgi-bin/webhook/send"].json() == {"msgtype": "text", "text": {"content": text}}
    assert by_path["/services/slack-token"].json() == {"text": text}

    ((_, recipients, message),) = smtp.messages
    assert recipients == ["ops@example.com"]
    assert message["Subject"] == "[Jimu] Pipeline 'alert_run_test' Node 'scale' failed"
    assert "ValueError: boom {{ ds }} &lt;b&gt;" in message.get_body(("html",)).get_content()

    # A node's own block: `load` announced its success to its own webhook.
    ((success,),) = [[r.json() for r in done.received]]
    assert (success["event"], success["node"], success["error"]) == ("success", "load", "")


@pytest.mark.slow
def test_run_success_alert_names_the_run_not_a_node(tmp_path):
    csv = tmp_path / "numbers.csv"
    pd.DataFrame({"x": [1, 2]}).to_csv(csv, index=False)
    spec = tmp_path / "pipeline.json"
    spec.write_text(json.dumps({
        "id": "alert_success_test",
        "notifications": {"language": "zh", "on_success": [{"channel": "wecom", "conn_id": "wecom_ops"}]},
        "nodes": [{"id": "load", "component": "load_table@1.2.0", "params": {"uri": str(csv)}}],
    }), encoding="utf-8")
    with WebhookReceiver() as robot:
        env = {**os.environ, "AIRFLOW_CONN_WECOM_OPS": http_connection(robot.port, password="k")}
        proc = subprocess.run([str(JIMU), "run", str(spec)], capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    ((got,),) = [robot.received]  # once for the run, not once per node
    text = got.json()["text"]["content"]
    assert text.startswith("[Jimu] 流水线 'alert_success_test' 成功\n\n流水线：alert_success_test\n运行：manual__")
    assert "节点" not in text


@pytest.mark.slow
def test_a_retried_node_alerts_on_its_retry_then_on_its_last_failure(tmp_path):
    spec = tmp_path / "pipeline.json"
    spec.write_text(json.dumps({
        "id": "alert_retry_test",
        "notifications": {"on_retry": [{"channel": "webhook", "conn_id": "hook"}],
                          "on_failure": [{"channel": "webhook", "conn_id": "hook"}]},
        "nodes": [{"id": "bad", "component": "python@1.0.0", "retries": 1, "retry_delay_seconds": 0,
                   "params": {"code": "def transform(tables, params):\n    raise ValueError('nope')\n"}}],
    }), encoding="utf-8")
    with WebhookReceiver() as hook:
        env = {**os.environ, "AIRFLOW_CONN_HOOK": http_connection(hook.port)}
        proc = subprocess.run([str(JIMU), "run", str(spec)], capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    got = [(r.json()["event"], r.json()["try_number"], r.json()["text"].splitlines()[0]) for r in hook.received]
    assert got == [
        ("retry", 1, "[Jimu] Pipeline 'alert_retry_test' Node 'bad' will be retried"),
        ("failure", 2, "[Jimu] Pipeline 'alert_retry_test' Node 'bad' failed"),
    ]
