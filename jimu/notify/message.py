"""The text of an alert, in English or Chinese. Names and error lines are inserted as data.

Nothing here is a Jinja template or code: the wording is Jimu's, the pipeline, run, node and
error text are plain values, so no user text can change what the message says around it.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

ERROR_LINES = 20

WORDS = {
    "en": {
        "failure": "failed", "retry": "will be retried", "success": "succeeded",
        "deadline": "is running longer than it should", "overdue": "Still running after", "seconds": "s",
        "pipeline": "Pipeline", "run": "Run", "node": "Node", "try": "try",
        "error": "Error (last lines)", "link": "Airflow",
    },
    "zh": {
        "failure": "失败", "retry": "将重试", "success": "成功",
        "deadline": "运行超时", "overdue": "已运行超过", "seconds": "秒",
        "pipeline": "流水线", "run": "运行", "node": "节点", "try": "尝试次数",
        "error": "错误（最后几行）", "link": "Airflow 链接",
    },
}
COLON = {"en": ": ", "zh": "："}


@dataclass(frozen=True)
class Alert:
    """What happened, taken from an Airflow callback's context."""

    event: str  # failure, retry, success or deadline
    pipeline: str
    dag_id: str
    run_id: str
    node: str | None = None
    try_number: int | None = None
    error: str = ""
    airflow_url: str | None = None
    overdue_seconds: int | None = None  # deadline: how long the run may take


def error_tail(error: str, lines: int = ERROR_LINES) -> str:
    """The last lines of an error: where a traceback or a component's log says what went wrong."""
    return "\n".join(error.strip().splitlines()[-lines:])


def run_link(alert: Alert) -> str | None:
    """The Airflow UI page of the run (or the failed node in it), under the profile's base URL."""
    if not alert.airflow_url:
        return None
    parts = ["dags", alert.dag_id, "runs", alert.run_id] + (["tasks", alert.node] if alert.node else [])
    return alert.airflow_url.rstrip("/") + "/" + "/".join(quote(p, safe="") for p in parts)


def alert_title(alert: Alert, language: str) -> str:
    words = WORDS[language]
    about = f"{words['node']} '{alert.node}' " if alert.node else ""
    return f"[Jimu] {words['pipeline']} '{alert.pipeline}' {about}{words[alert.event]}"


def alert_text(alert: Alert, language: str) -> str:
    """The message body: one fact a line, then the error's last lines and the link."""
    words, colon = WORDS[language], COLON[language]
    lines = [alert_title(alert, language), "", f"{words['pipeline']}{colon}{alert.pipeline}",
             f"{words['run']}{colon}{alert.run_id}"]
    if alert.node:
        tries = f" ({words['try']}{colon}{alert.try_number})" if alert.try_number else ""
        lines.append(f"{words['node']}{colon}{alert.node}{tries}")
    if alert.overdue_seconds is not None:
        lines.append(f"{words['overdue']} {alert.overdue_seconds} {words['seconds']}")
    if alert.error:
        lines += [f"{words['error']}{colon.rstrip()}", error_tail(alert.error)]
    link = run_link(alert)
    if link:
        lines.append(f"{words['link']}{colon}{link}")
    return "\n".join(lines) + "\n"
