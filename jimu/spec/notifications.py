"""Alerts: who hears about a run's failures, retries and successes, and through which channel."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from jimu.spec.base import SpecModel

# Airflow's rule for connection ids (word characters, '.', '-'), kept to ASCII.
CONN_ID = r"^[A-Za-z0-9_.-]+$"
EMAIL = r"^[^@\s,;<>\"]+@[^@\s,;<>\"]+$"

AlertKind = Literal["email", "dingtalk", "wecom", "slack", "webhook"]
Language = Literal["en", "zh"]


class AlertChannel(SpecModel):
    """One place an alert goes. Secrets (tokens, SMTP passwords) live in the Airflow connection."""

    channel: AlertKind = Field(description="email, dingtalk (钉钉), wecom (企业微信), slack or webhook (JSON POST)")
    conn_id: str = Field(
        pattern=CONN_ID,
        max_length=250,
        description="Airflow connection id: the SMTP server (email) or the robot's host and token (webhooks)",
    )
    to: tuple[str, ...] = Field((), description="email only: recipient addresses")

    @model_validator(mode="after")
    def _recipients_for_email_only(self) -> AlertChannel:
        import re

        if self.channel == "email" and not self.to:
            raise ValueError("an email channel needs `to`: a list of recipient addresses")
        if self.channel != "email" and self.to:
            raise ValueError(f"`to` is for email channels; a {self.channel} robot posts to its group")
        bad = [address for address in self.to if not re.fullmatch(EMAIL, address)]
        if bad:
            raise ValueError(f"{bad[0]!r} is not an email address; write e.g. ops@example.com")
        return self


class RunDeadline(SpecModel):
    """Alert when a run is still going this long after it was queued (Airflow's deadline alerts)."""

    seconds: int = Field(ge=1, le=30 * 86_400, description="how long a run may take before the alert is sent")
    channels: tuple[AlertChannel, ...] = Field(min_length=1, description="where the alert goes")


class Notifications(SpecModel):
    """Alerts for a pipeline (every node) or one node (its non-empty events replace the pipeline's)."""

    on_failure: tuple[AlertChannel, ...] = Field((), description="a node failed (after its last retry)")
    on_retry: tuple[AlertChannel, ...] = Field((), description="a node failed and will be retried")
    on_success: tuple[AlertChannel, ...] = Field(
        (), description="pipeline: the run succeeded; node: the node succeeded"
    )
    on_run_longer_than: RunDeadline | None = Field(
        None, description="pipeline only: a run still going after `seconds` alerts `channels` (it is not stopped)"
    )
    language: Language = Field("en", description="message language: en or zh (中文)")
