"""Deliver an alert: email through Airflow's SMTP provider, robots and webhooks as one JSON POST.

Every secret comes from an Airflow connection (host, port, schema, password, extra), never from
the spec or the DAG file. A connection's host defaults to the robot's public endpoint; point it
at another host (a proxy, a private deployment, a test receiver) and the same message goes there.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import html
import time

import httpx

from jimu.notify.message import Alert, alert_text, alert_title

TIMEOUT_SECONDS = 10.0
# Public endpoints of each robot (host, path); the connection's password is the robot's token.
ROBOT_ENDPOINTS = {
    "dingtalk": ("oapi.dingtalk.com", "/robot/send"),
    "wecom": ("qyapi.weixin.qq.com", "/cgi-bin/webhook/send"),
    "slack": ("hooks.slack.com", "/services/"),
    "webhook": (None, ""),
}


class AlertDeliveryError(RuntimeError):
    """A channel refused or could not take an alert."""


def send_email(conn_id: str, to: list[str], alert: Alert, language: str) -> None:
    """An email through the SMTP connection `conn_id` (airflow.providers.smtp), text in a <pre>."""
    from airflow.providers.smtp.hooks.smtp import SmtpHook

    body = f'<pre style="font-family: monospace">{html.escape(alert_text(alert, language))}</pre>'
    with SmtpHook(smtp_conn_id=conn_id) as hook:
        hook.send_email_smtp(to=to, subject=alert_title(alert, language), html_content=body)


def robot_payload(channel: str, alert: Alert, language: str) -> dict:
    """The JSON body each robot expects: DingTalk and WeCom text messages, Slack text, or Jimu's own fields."""
    text = alert_text(alert, language)
    if channel in ("dingtalk", "wecom"):
        return {"msgtype": "text", "text": {"content": text}}
    if channel == "slack":
        return {"text": text}
    return {
        "title": alert_title(alert, language), "text": text, "event": alert.event, "pipeline": alert.pipeline,
        "dag_id": alert.dag_id, "run_id": alert.run_id, "node": alert.node, "try_number": alert.try_number,
        "error": alert.error, "language": language,
    }


def robot_url(channel: str, connection) -> tuple[str, dict[str, str], dict[str, str]]:
    """URL, query and headers for a robot from its Airflow connection."""
    default_host, path = ROBOT_ENDPOINTS[channel]
    host = connection.host or default_host
    if not host:
        raise AlertDeliveryError(f"connection {connection.conn_id!r}: a webhook connection needs a host")
    scheme = connection.schema or "https"
    port = f":{connection.port}" if connection.port else ""
    extra = connection.extra_dejson
    path = extra.get("path", path)
    token = connection.password or ""
    query: dict[str, str] = {}
    headers: dict[str, str] = {}
    if channel == "dingtalk":
        query["access_token"] = token
        if extra.get("sign_secret"):  # DingTalk's 加签 robots
            query.update(dingtalk_signature(extra["sign_secret"], int(time.time() * 1000)))
    elif channel == "wecom":
        query["key"] = token
    elif channel == "slack":
        path = path.rstrip("/") + "/" + token.lstrip("/")
    elif token:
        headers["Authorization"] = f"Bearer {token}"
    return f"{scheme}://{host}{port}{path}", query, headers


def dingtalk_signature(secret: str, timestamp_ms: int) -> dict[str, str]:
    """DingTalk's signed-robot query: base64(HMAC-SHA256(secret, "timestamp\\nsecret"))."""
    digest = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    return {"timestamp": str(timestamp_ms), "sign": base64.b64encode(digest).decode()}


def send_to_robot(channel: str, conn_id: str, alert: Alert, language: str) -> None:
    """POST the alert to a DingTalk, WeCom or Slack robot or a JSON webhook; errors name the connection."""
    from airflow.sdk import BaseHook

    url, query, headers = robot_url(channel, BaseHook.get_connection(conn_id))
    try:
        response = httpx.post(url, params=query, headers=headers, json=robot_payload(channel, alert, language),
                              timeout=TIMEOUT_SECONDS)
    except httpx.HTTPError as exc:
        raise AlertDeliveryError(f"{channel} alert via connection {conn_id!r}: {exc}") from exc
    refused = response.is_error
    if not refused and channel in ("dingtalk", "wecom"):  # both answer 200 with an errcode
        try:
            refused = response.json().get("errcode", 0) != 0
        except ValueError:
            refused = True
    if refused:
        raise AlertDeliveryError(
            f"{channel} alert via connection {conn_id!r} refused: HTTP {response.status_code} {response.text[:300]}"
        )
