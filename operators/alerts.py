"""JimuAlert: the Airflow notifier compiled DAGs name in on_failure_callback and friends (text: jimu.notify)."""

from __future__ import annotations

from airflow.sdk import BaseNotifier

from jimu.notify.message import Alert

EVENTS = ("failure", "retry", "success")


class JimuAlert(BaseNotifier):
    """Send Jimu's message about a run or a node to one channel.

    No template_fields: nothing here is rendered by Jinja, so no name or error text is interpreted.
    """

    template_fields = ()

    def __init__(
        self,
        *,
        channel: str,
        conn_id: str,
        event: str,
        pipeline: str,
        language: str = "en",
        airflow_url: str | None = None,
        to: list[str] | None = None,
        about_run: bool = False,
    ) -> None:
        super().__init__()
        if event not in EVENTS:
            raise ValueError(f"event {event!r}: use one of {', '.join(EVENTS)}")
        self.channel, self.conn_id, self.event = channel, conn_id, event
        self.pipeline, self.language, self.airflow_url = pipeline, language, airflow_url
        self.to = list(to or [])
        self.about_run = about_run  # a DAG callback: the message names the run, not a node

    def render_template_fields(self, context, jinja_env=None) -> None:
        """Nothing to render; and dag.test() gives DAG callbacks a DAG with no Jinja environment."""

    def alert(self, context) -> Alert:
        """What to say, from a task callback's context (or a DAG callback's, which has no task)."""
        ti = context.get("ti") or context.get("task_instance")
        dag_run = context.get("dag_run")
        exception = context.get("exception") or context.get("reason") or ""
        return Alert(
            event=self.event,
            pipeline=self.pipeline,
            dag_id=getattr(dag_run, "dag_id", None) or getattr(ti, "dag_id", ""),
            run_id=context.get("run_id") or getattr(dag_run, "run_id", ""),
            node=None if self.about_run else getattr(ti, "task_id", None),
            try_number=None if self.about_run else getattr(ti, "try_number", None),
            error=str(exception) if self.event != "success" else "",
            airflow_url=self.airflow_url,
        )

    def notify(self, context) -> None:
        from jimu.notify.channels import send_email, send_to_robot

        alert = self.alert(context)
        if self.channel == "email":
            send_email(self.conn_id, self.to, alert, self.language)
        else:
            send_to_robot(self.channel, self.conn_id, alert, self.language)
