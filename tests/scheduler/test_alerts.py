"""A deployed pipeline whose node fails under the real scheduler: its failure alert reaches a real SMTP
server and a DingTalk-style robot endpoint, through connections the scheduler got from AIRFLOW_CONN_*."""

from __future__ import annotations

import html
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

from tests.scheduler.conftest import AlertReceivers
from tests.scheduler.real_airflow import trigger, wait_for_dag, wait_for_run

PIPELINE = "scheduler_alert_test"
FAILING_CODE = (
    "def transform(tables, params):\n"
    "    raise ValueError('no sales for this day: got 2 rows, expected more than 2')\n"
)


def failing_pipeline(csv: Path) -> dict:
    return {
        "id": PIPELINE,
        "notifications": {"on_failure": [
            {"channel": "email", "conn_id": AlertReceivers.SMTP_CONN_ID, "to": ["oncall@example.com"]},
            {"channel": "dingtalk", "conn_id": AlertReceivers.ROBOT_CONN_ID},
        ]},
        "nodes": [
            {"id": "load", "component": "load_table@1.2.0", "params": {"uri": str(csv)}},
            {"id": "check_sales", "component": "python@1.0.0", "params": {"code": FAILING_CODE}},
        ],
        "edges": [{"from": "load.table", "to": "check_sales.tables"}],
    }


def deploy_with_profile(spec: Path, profile: Path, dags_folder: Path) -> None:
    jimu = Path(sys.executable).parent / "jimu"
    subprocess.run([str(jimu), "deploy", str(spec), "--profile", str(profile), "--dags-folder", str(dags_folder)],
                   check=True, capture_output=True, env=os.environ.copy())


def wait_until(found, what: str, timeout: float = 120.0):
    deadline = time.monotonic() + timeout
    while not (result := found()):
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} did not arrive in {timeout:.0f} s")
        time.sleep(0.5)
    return result


def test_a_failed_node_alerts_email_and_a_robot_with_run_node_error_and_link(real_airflow, alert_receivers,
                                                                             tmp_path):
    (tmp_path / "sales.csv").write_text("day,amount\n2026-11-29,1.5\n2026-11-29,2.5\n", encoding="utf-8")
    spec = tmp_path / "pipeline.json"
    spec.write_text(json.dumps(failing_pipeline(tmp_path / "sales.csv")), encoding="utf-8")
    profile = tmp_path / "profile.yaml"
    profile.write_text(f"name: scheduler_alerts\nkind: local\ndag_id_suffix: .local\n"
                       f"airflow_url: {real_airflow.base_url}\n", encoding="utf-8")
    deploy_with_profile(spec, profile, real_airflow.dags_folder)
    dag_id = f"{PIPELINE}.local"
    with real_airflow.client() as api:
        wait_for_dag(api, dag_id)
        run_id = trigger(api, dag_id, "2026-11-29T00:00:00Z")
        run = wait_for_run(api, dag_id, run_id)
    assert run == {"state": "failed", "tasks": {"load": "success", "check_sales": "failed"}}

    robot = wait_until(lambda: [r for r in alert_receivers.robot.received if PIPELINE in r.body.decode()],
                       "the DingTalk alert")
    mail = wait_until(lambda: [m for m in alert_receivers.smtp.messages if PIPELINE in str(m[2]["Subject"])],
                      "the email alert")
    link = f"{real_airflow.base_url}/dags/{quote(dag_id, safe='')}/runs/{quote(run_id, safe='')}/tasks/check_sales"
    text = (
        f"[Jimu] Pipeline '{PIPELINE}' Node 'check_sales' failed\n\n"
        f"Pipeline: {PIPELINE}\nRun: {run_id}\nNode: check_sales (try: 1)\nError (last lines):\n"
    )
    ((posted,),) = [robot]
    assert posted.path == "/robot/send" and posted.query == {"access_token": "robot-token"}
    content = posted.json()["text"]["content"]
    assert posted.json()["msgtype"] == "text"
    assert content.startswith(text), content
    assert "ValueError: no sales for this day: got 2 rows, expected more than 2" in content, content
    assert content.endswith(f"\nAirflow: {link}\n")

    ((sender, recipients, message),) = mail
    assert (sender, recipients) == ("jimu@example.com", ["oncall@example.com"])
    assert message["Subject"] == f"[Jimu] Pipeline '{PIPELINE}' Node 'check_sales' failed"
    # The same text as the robot's, escaped once for HTML.
    body = message.get_body(("html",)).get_content()
    assert body.strip() == f'<pre style="font-family: monospace">{html.escape(content)}</pre>'


SLOW_CODE = (
    "def transform(tables, params):\n"
    "    import time\n"
    "    time.sleep(45)\n"
    "    return tables[0]\n"
)


def test_a_run_past_its_deadline_alerts_while_it_is_still_running(real_airflow, alert_receivers, tmp_path):
    """Airflow's own deadline alert: its scheduler sees the missed deadline, its triggerer awaits Jimu's callback."""
    (tmp_path / "sales.csv").write_text("day,amount\n2026-11-29,1.5\n", encoding="utf-8")
    spec = tmp_path / "pipeline.json"
    spec.write_text(json.dumps({
        "id": "scheduler_deadline_test",
        "notifications": {"language": "zh", "on_run_longer_than": {
            "seconds": 5, "channels": [{"channel": "wecom", "conn_id": AlertReceivers.ROBOT_CONN_ID}]}},
        "nodes": [
            {"id": "load", "component": "load_table@1.2.0", "params": {"uri": str(tmp_path / "sales.csv")}},
            {"id": "slow", "component": "python@1.0.0", "params": {"code": SLOW_CODE}},
        ],
        "edges": [{"from": "load.table", "to": "slow.tables"}],
    }), encoding="utf-8")
    profile = tmp_path / "profile.yaml"
    profile.write_text(f"name: scheduler_alerts\nkind: local\ndag_id_suffix: .local\n"
                       f"airflow_url: {real_airflow.base_url}\n", encoding="utf-8")
    deploy_with_profile(spec, profile, real_airflow.dags_folder)
    dag_id = "scheduler_deadline_test.local"
    with real_airflow.client() as api:
        wait_for_dag(api, dag_id)
        run_id = trigger(api, dag_id, "2026-11-29T00:00:00Z")
        (posted,) = wait_until(lambda: [r for r in alert_receivers.robot.received
                                        if "scheduler_deadline_test" in r.body.decode()], "the deadline alert")
        state_on_arrival = api.get(f"/dags/{dag_id}/dagRuns/{run_id}").json()["state"]

    assert state_on_arrival == "running"  # the alert came while the run went on, not after it
    link = f"{real_airflow.base_url}/dags/{quote(dag_id, safe='')}/runs/{quote(run_id, safe='')}"
    assert posted.path == "/cgi-bin/webhook/send" and posted.query == {"key": "robot-token"}
    assert posted.json() == {"msgtype": "text", "text": {"content": (
        f"[Jimu] 流水线 'scheduler_deadline_test' 运行超时\n\n流水线：scheduler_deadline_test\n运行：{run_id}\n"
        f"已运行超过 5 秒\nAirflow 链接：{link}\n"
    )}}
