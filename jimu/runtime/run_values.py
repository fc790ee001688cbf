"""Run values: the logical date and friends, from Airflow to every node through one channel.

The compiled DAG hands each task RUN_VALUES_TEMPLATE, a Jinja expression Jimu writes itself
(never user text). Airflow renders it to JSON, in a pod's arguments and in the local operator
alike; `run_values_from_json` turns that JSON into the values a node sees as `ctx.run`, binds
in SQL as `:ds`, and takes in params as `{"$run": "ds"}`.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from types import MappingProxyType
from typing import Any

RUN_VALUE_NAMES = (
    "logical_date", "ds", "ds_nodash", "data_interval_start", "data_interval_end", "run_id", "run_type", "try_number",
)
# What Airflow fills in; ds and ds_nodash are derived in Python, so both channels agree on them.
# dag_run's attributes exist in every run (logical_date is None for a manual run without one),
# so the template never touches an undefined name under Airflow's StrictUndefined.
RUN_VALUES_TEMPLATE = (
    '{{ {"logical_date": dag_run.logical_date.isoformat() if dag_run.logical_date else None, '
    '"data_interval_start": dag_run.data_interval_start.isoformat() if dag_run.data_interval_start else None, '
    '"data_interval_end": dag_run.data_interval_end.isoformat() if dag_run.data_interval_end else None, '
    '"run_id": run_id, "run_type": dag_run.run_type | string, "try_number": ti.try_number} | tojson }}'
)


def run_values_from_json(text: str) -> MappingProxyType:
    """The run values a node sees, from the rendered RUN_VALUES_TEMPLATE."""
    raw = json.loads(text)
    return make_run_values(
        logical_date=raw.get("logical_date"),
        data_interval_start=raw.get("data_interval_start"),
        data_interval_end=raw.get("data_interval_end"),
        run_id=raw["run_id"],
        run_type=_run_type(raw.get("run_type")),
        try_number=raw.get("try_number"),
    )


def make_run_values(
    *,
    run_id: str,
    logical_date: str | None = None,
    data_interval_start: str | None = None,
    data_interval_end: str | None = None,
    run_type: str = "manual",
    try_number: int | None = None,
) -> MappingProxyType:
    """Frozen run values; dates are ISO 8601 strings (None when the run has no logical date)."""
    day = datetime.fromisoformat(logical_date).date() if logical_date else None
    values = {
        "logical_date": logical_date,
        "ds": day.isoformat() if day else None,
        "ds_nodash": day.strftime("%Y%m%d") if day else None,
        "data_interval_start": data_interval_start,
        "data_interval_end": data_interval_end,
        "run_id": run_id,
        "run_type": run_type,
        "try_number": try_number,
    }
    return MappingProxyType(values)


def _run_type(text: Any) -> str:
    # DagRunType renders as "manual" or, on some versions, as "DagRunType.MANUAL".
    return str(text or "manual").rpartition(".")[2].lower()


def sql_bind_value(name: str, values: MappingProxyType) -> Any:
    """A run value as SQL binds it: dates as datetime (timestamps compare as timestamps), ds as a date."""
    value = values[name]
    if value is None:
        return None
    if name in ("logical_date", "data_interval_start", "data_interval_end"):
        return datetime.fromisoformat(value)
    if name == "ds":
        return datetime.fromisoformat(values["logical_date"]).date()
    return value


# What the validator checks `{"$run": name}` values against a param's schema with.
EXAMPLE_RUN_VALUES = make_run_values(
    run_id="scheduled__2026-11-29T00:00:00+00:00",
    logical_date="2026-11-29T00:00:00+00:00",
    data_interval_start="2026-11-29T00:00:00+00:00",
    data_interval_end="2026-11-30T00:00:00+00:00",
    run_type="scheduled",
    try_number=1,
)


# Path params (format "export-path") may name run values as {ds}: Jimu's own syntax, never Jinja
# or a shell's. A value goes in as one path segment of safe characters, whatever the run id holds.
PATH_PARAM_FORMATS = frozenset({"export-path"})
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_UNSAFE_SEGMENT_CHARS = re.compile(r"[^A-Za-z0-9._-]")


def placeholder_problems(text: str) -> list[str]:
    """Why `text`'s {name} placeholders would not fill; empty when they all would."""
    problems = [
        f"{{{name}}} names no run value" for name in _PLACEHOLDER.findall(text) if name not in RUN_VALUE_NAMES
    ]
    if "{" in _PLACEHOLDER.sub("", text) or "}" in _PLACEHOLDER.sub("", text):
        problems.append("has a '{' or '}' that is no {name} placeholder")
    return problems


def fill_placeholders(text: str, values) -> str:
    """`text` with each {name} replaced by that run value as one safe path segment."""

    def segment(match: re.Match) -> str:
        if match.group(1) not in RUN_VALUE_NAMES:  # the validator reports it; left as written
            return match.group(0)
        value = values.get(match.group(1))
        if value is None:  # a run without a logical date has no ds: say so in the name
            return "none"
        cleaned = _UNSAFE_SEGMENT_CHARS.sub("_", str(value))
        return "_" if cleaned in ("", ".", "..") else cleaned

    return _PLACEHOLDER.sub(segment, text)


def path_params(params_schema: dict) -> list[str]:
    """The params whose string values may hold {name} placeholders."""
    props = params_schema.get("properties") or {}
    return sorted(k for k, v in props.items() if isinstance(v, dict) and v.get("format") in PATH_PARAM_FORMATS)
