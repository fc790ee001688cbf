"""Each channel delivers Jimu's message to a real local endpoint: an SMTP server or an HTTP receiver."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json

import pytest

from jimu.notify.channels import (
    AlertDeliveryError,
    dingtalk_signature,
    robot_payload,
    send_email,
    send_to_robot,
)
from jimu.notify.message import Alert, alert_text
from tests.notify.receivers import SmtpReceiver, WebhookReceiver, http_connection, smtp_connection

ALERT = Alert(event="failure", pipeline="daily_sales", dag_id="daily_sales", run_id="manual__1", node="clean",
              try_number=1, error="ValueError: <b>bad</b> & {{ ds }}", airflow_url="http://127.0.0.1:8080")


@pytest.fixture
def receiver():
    with WebhookReceiver() as server:
        yield server


@pytest.mark.parametrize(
    ("channel", "path", "query"),
    [
        ("dingtalk", "/robot/send", {"access_token": "tok-1"}),
        ("wecom", "/cgi-bin/webhook/send", {"key": "tok-1"}),
        ("slack", "/services/tok-1", {}),
        ("webhook", "", {}),
    ],
)
def test_robot_gets_its_own_json_at_its_own_path(channel, path, query, receiver, monkeypatch):
    monkeypatch.setenv("AIRFLOW_CONN_ROBOT", http_connection(receiver.port, password="tok-1"))
    send_to_robot(channel, "robot", ALERT, "zh")
    (got,) = receiver.received
    assert (got.path, got.query) == (path or "/", query)
    assert got.json() == robot_payload(channel, ALERT, "zh")
    text = got.json()["text"]["content"] if channel in ("dingtalk", "wecom") else got.json()["text"]
    assert text == alert_text(ALERT, "zh")  # byte for byte, user text unrendered
    if channel == "webhook":
        assert got.headers["Authorization"] == "Bearer tok-1"


def test_signed_dingtalk_robot_gets_timestamp_and_hmac(receiver, monkeypatch):
    monkeypatch.setenv("AIRFLOW_CONN_DING", http_connection(receiver.port, password="t", sign_secret="SEC123"))
    send_to_robot("dingtalk", "ding", ALERT, "en")
    query = receiver.received[0].query
    expected = hmac.new(b"SEC123", f"{query['timestamp']}\nSEC123".encode(), hashlib.sha256).digest()
    assert query["sign"] == base64.b64encode(expected).decode()
    assert dingtalk_signature("SEC123", 1) == {
        "timestamp": "1", "sign": base64.b64encode(hmac.new(b"SEC123", b"1\nSEC123", hashlib.sha256).digest()).decode()
    }


def test_a_robot_errcode_is_an_error_naming_the_connection(monkeypatch):
    with WebhookReceiver(answer=json.dumps({"errcode": 310000, "errmsg": "keywords not in content"}).encode()) as bad:
        monkeypatch.setenv("AIRFLOW_CONN_DING", http_connection(bad.port, password="t"))
        with pytest.raises(AlertDeliveryError, match="dingtalk alert via connection 'ding' refused.*310000"):
            send_to_robot("dingtalk", "ding", ALERT, "en")


def test_an_http_error_is_an_error(monkeypatch):
    with WebhookReceiver(answer=b"no", status=404) as bad:
        monkeypatch.setenv("AIRFLOW_CONN_HOOK", http_connection(bad.port))
        with pytest.raises(AlertDeliveryError, match="HTTP 404"):
            send_to_robot("webhook", "hook", ALERT, "en")


def test_email_arrives_with_title_and_escaped_text(monkeypatch):
    with SmtpReceiver() as smtp:
        monkeypatch.setenv("AIRFLOW_CONN_SMTP_OPS", smtp_connection(smtp.port))
        send_email("smtp_ops", ["ops@example.com", "data@example.com"], ALERT, "zh")
    ((sender, recipients, message),) = smtp.messages
    assert (sender, recipients) == ("jimu@example.com", ["ops@example.com", "data@example.com"])
    assert message["Subject"] == "[Jimu] 流水线 'daily_sales' 节点 'clean' 失败"
    html = message.get_body(("html",)).get_content()
    assert "ValueError: &lt;b&gt;bad&lt;/b&gt; &amp; {{ ds }}" in html
    assert "http://127.0.0.1:8080/dags/daily_sales/runs/manual__1/tasks/clean" in html
