"""Alerts as Airflow callbacks: a list of JimuAlert notifiers per event, built from literals only."""

from __future__ import annotations

from jimu.compile.profile import DeploymentProfile
from jimu.compile.pysource import INDENT, call, py_literal
from jimu.compile.render_failure_handling import render_timedelta
from jimu.notify.deadline import CALLBACK_PATH
from jimu.spec.notifications import Notifications

# Spec field -> (Airflow callback argument, JimuAlert event).
EVENTS = {
    "on_failure": ("on_failure_callback", "failure"),
    "on_retry": ("on_retry_callback", "retry"),
    "on_success": ("on_success_callback", "success"),
}


def render_alert_list(
    notifications: Notifications, field: str, pipeline: str, profile: DeploymentProfile, depth: int,
    about_run: bool = False,
) -> str:
    """`[JimuAlert(...), ...]` for one event's channels."""
    items = []
    for channel in getattr(notifications, field):
        kwargs = [
            ("channel", py_literal(channel.channel)),
            ("conn_id", py_literal(channel.conn_id)),
            ("event", py_literal(EVENTS[field][1])),
            ("pipeline", py_literal(pipeline)),
            ("language", py_literal(notifications.language)),
            ("airflow_url", py_literal(profile.airflow_url)),
        ]
        if channel.to:
            kwargs.append(("to", py_literal(list(channel.to), depth + 2)))
        if about_run:
            kwargs.append(("about_run", "True"))
        items.append(f"{INDENT * (depth + 1)}{call('JimuAlert', [], kwargs, depth + 1)},")
    return "[\n" + "\n".join(items) + f"\n{INDENT * depth}]"


def task_alert_kwargs(
    notifications: Notifications | None, pipeline: str, profile: DeploymentProfile, depth: int, for_node: bool
) -> list[tuple[str, str]]:
    """Callback arguments for tasks: failure and retry per task; success per task only in a node's block.

    A node's non-empty events replace the pipeline's (an empty list inherits: the editor drops empty lists).
    """
    if notifications is None:
        return []
    kwargs = []
    for field, (argument, _) in EVENTS.items():
        if field == "on_success" and not for_node:
            continue  # the pipeline's on_success is the run's (render_dag_alert_kwargs)
        if getattr(notifications, field):
            kwargs.append((argument, render_alert_list(notifications, field, pipeline, profile, depth)))
    return kwargs


def render_dag_alert_kwargs(notifications: Notifications | None, pipeline: str, profile: DeploymentProfile):
    """The DAG's on_success_callback: one message when the whole run succeeded."""
    if notifications is None or not notifications.on_success:
        return []
    return [("on_success_callback", render_alert_list(notifications, "on_success", pipeline, profile, 1, True))]


def uses_alerts(spec) -> bool:
    """Whether the DAG file names JimuAlert (so it imports it)."""
    blocks = [spec.notifications] + [node.notifications for node in spec.nodes]
    return any(b and (b.on_failure or b.on_retry or b.on_success) for b in blocks)


DEADLINE_IMPORTS = frozenset({"AsyncCallback", "DeadlineAlert", "DeadlineReference"})


def render_deadline_kwargs(notifications: Notifications | None, pipeline: str, profile: DeploymentProfile):
    """The DAG's `deadline`: Airflow's deadline alert, measured from when the run was queued.

    Airflow's triggerer awaits Jimu's callback (jimu.notify.deadline) with these literal kwargs;
    secrets stay in the connections the channels name.
    """
    deadline = notifications.on_run_longer_than if notifications else None
    if deadline is None:
        return []
    channels = [{"channel": c.channel, "conn_id": c.conn_id, **({"to": list(c.to)} if c.to else {})}
                for c in deadline.channels]
    kwargs = {"pipeline": pipeline, "seconds": deadline.seconds, "channels": channels,
              "language": notifications.language, "airflow_url": profile.airflow_url}
    callback = call("AsyncCallback", [py_literal(CALLBACK_PATH)], [("kwargs", py_literal(kwargs, 3))], 2)
    alert = call("DeadlineAlert", [], [
        ("reference", "DeadlineReference.DAGRUN_QUEUED_AT"),
        ("interval", render_timedelta(deadline.seconds)),
        ("callback", callback),
    ], 1)
    return [("deadline", alert)]


def deadline_imports(spec) -> frozenset[str]:
    """What the DAG file imports for its deadline alert, if it has one."""
    return DEADLINE_IMPORTS if spec.notifications and spec.notifications.on_run_longer_than else frozenset()
