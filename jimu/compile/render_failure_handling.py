"""Retries, backoff, timeouts, depends_on_past, pools and queues: spec settings as Airflow task arguments.

The pipeline's `defaults` become the DAG's default_args; a node's own values become keyword
arguments of its task, which Airflow prefers over default_args.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import NamedTuple

from jimu.compile.pysource import INDENT, py_literal
from jimu.spec import Defaults, NodeSpec


def render_timedelta(seconds: int | None) -> str:
    return "None" if seconds is None else f"datetime.timedelta(seconds={int(seconds)})"


class TaskSetting(NamedTuple):
    spec_field: str
    airflow_argument: str
    render: Callable[[object], str]
    # Always in default_args (as before these settings existed), else only when not the default.
    always: bool = False


TASK_SETTINGS = (
    TaskSetting("retries", "retries", str, always=True),
    TaskSetting("retry_delay_seconds", "retry_delay", render_timedelta, always=True),
    TaskSetting("retry_exponential_backoff", "retry_exponential_backoff", lambda v: repr(float(v))),
    TaskSetting("max_retry_delay_seconds", "max_retry_delay", render_timedelta),
    TaskSetting("timeout_seconds", "execution_timeout", render_timedelta, always=True),
    TaskSetting("depends_on_past", "depends_on_past", py_literal),
    TaskSetting("pool", "pool", py_literal),
    TaskSetting("queue", "queue", py_literal),
)


def render_default_args(defaults: Defaults, extra: Iterable[tuple[str, str]] = ()) -> str:
    """The DAG's default_args: what every task gets unless its node overrides it, then `extra` (key, source)."""
    unset = Defaults()
    lines = []
    for setting in TASK_SETTINGS:
        value = getattr(defaults, setting.spec_field)
        if setting.always or value != getattr(unset, setting.spec_field):
            lines.append(f"{INDENT * 2}{py_literal(setting.airflow_argument)}: {setting.render(value)},")
    lines += [f"{INDENT * 2}{py_literal(key)}: {source}," for key, source in extra]
    return "{\n" + "\n".join(lines) + f"\n{INDENT}}}"


def node_setting_kwargs(node: NodeSpec) -> list[tuple[str, str]]:
    """The task keyword arguments for the settings this node sets itself."""
    kwargs = []
    for setting in TASK_SETTINGS:
        value = getattr(node, setting.spec_field)
        if value is not None:
            kwargs.append((setting.airflow_argument, setting.render(value)))
    return kwargs
