"""Run values: the logical date and friends, from Airflow to every node through one channel.

The compiled DAG hands each task RUN_VALUES_TEMPLATE, a Jinja expression Jimu writes itself
(never user text). Airflow renders it to JSON, in a pod's arguments and in the local operator
alike; `run_values_from_json` turns that JSON into the values a node sees as `ctx.run`, binds
in SQL as `:ds`, and takes in params as `{"$run": "ds"}`. Asset-scheduled DAGs hand their tasks
ASSET_RUN_VALUES_TEMPLATE instead: the same values plus the asset events that triggered the run.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from types import MappingProxyType
from typing import Any

# The values SQL binds (:ds) and paths take ({ds}): one value each.
RUN_VALUE_NAMES = (
    "logical_date", "ds", "ds_nodash", "data_interval_start", "data_interval_end", "run_id", "run_type", "try_number",
)
# What ctx.run holds and params may take ({"$run": name}): also the events that triggered an asset-scheduled run.
ASSET_EVENTS = "triggering_asset_events"
RUN_REF_NAMES = (*RUN_VALUE_NAMES, ASSET_EVENTS)
# What Airflow fills in; ds and ds_nodash are derived in Python, so both channels agree on them.
# dag_run's attributes exist in every run (logical_date is None for a manual run without one),
# so the template never touches an undefined name under Airflow's StrictUndefined.
_RUN_VALUE_ENTRIES = (
    '"logical_date": dag_run.logical_date.isoformat() if dag_run.logical_date else None, '
    '"data_interval_start": dag_run.data_interval_start.isoformat() if dag_run.data_interval_start else None, '
    '"data_interval_end": dag_run.data_interval_end.isoformat() if dag_run.data_interval_end else None, '
    '"run_id": run_id, "run_type": dag_run.run_type | string, "try_number": ti.try_number'
)
RUN_VALUES_TEMPLATE = "{{ {" + _RUN_VALUE_ENTRIES + "} | tojson }}"

# Asset-scheduled pipelines also get the asset events that started the run, from the run itself
# (dag_run.consumed_asset_events, a list in every Airflow 3 run, empty unless asset-triggered).
# Jinja has no comprehensions: one list per field, zipped back in run_values_from_json.
_EVENTS = "dag_run.consumed_asset_events"
ASSET_EVENT_FIELDS = {
    "name": "asset.name",
    "uri": "asset.uri",
    "timestamp": "timestamp",
    "source_dag_id": "source_dag_id",
    "source_run_id": "source_run_id",
    "extra": "extra",
}
_ASSET_EVENT_ENTRIES = ", ".join(
    f'"{field}": {_EVENTS} | map(attribute="{attribute}")' + (' | map("string")' if field == "timestamp" else "")
    + " | list"
    for field, attribute in ASSET_EVENT_FIELDS.items()
)
ASSET_RUN_VALUES_TEMPLATE = (
    "{{ {" + _RUN_VALUE_ENTRIES + f', "{ASSET_EVENTS}": {{' + _ASSET_EVENT_ENTRIES + "}} | tojson }}"
)


def run_values_template(asset_scheduled: bool) -> str:
    """The template a compiled task renders; other pipelines' runs never consume asset events."""
    return ASSET_RUN_VALUES_TEMPLATE if asset_scheduled else RUN_VALUES_TEMPLATE


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
        triggering_asset_events=asset_events_from_columns(raw.get(ASSET_EVENTS) or {}),
    )


def asset_events_from_columns(columns: dict[str, list]) -> tuple[dict[str, Any], ...]:
    """One dict per event, from the template's one list per field; timestamps as ISO 8601."""
    names = columns.get("name") or []
    events = []
    for i in range(len(names)):
        event = {field: (columns.get(field) or [None] * len(names))[i] for field in ASSET_EVENT_FIELDS}
        if event["timestamp"]:  # str(datetime) has a space where isoformat() has a 'T'
            event["timestamp"] = datetime.fromisoformat(event["timestamp"]).isoformat()
        event["extra"] = event["extra"] or {}
        events.append(event)
    return tuple(events)


def make_run_values(
    *,
    run_id: str,
    logical_date: str | None = None,
    data_interval_start: str | None = None,
    data_interval_end: str | None = None,
    run_type: str = "manual",
    try_number: int | None = None,
    triggering_asset_events: tuple[dict[str, Any], ...] = (),
) -> MappingProxyType:
    """Frozen run values; dates are ISO 8601 strings (None when the run has no logical date).

    `triggering_asset_events`: the asset events that started an asset-triggered run (name, uri,
    timestamp, source_dag_id, source_run_id, extra), empty for every other run. Components read it
    as `ctx.run["triggering_asset_events"]`, params take it as `{"$run": "triggering_asset_events"}`;
    a list binds in no SQL and fills no path.
    """
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
        ASSET_EVENTS: [dict(event) for event in triggering_asset_events],  # a list: JSON Schema arrays are lists
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
    triggering_asset_events=({
        "name": "sales_daily", "uri": "jimu://warehouse/sales_daily", "timestamp": "2026-11-29T00:05:00+00:00",
        "source_dag_id": "sales_etl", "source_run_id": "scheduled__2026-11-29T00:00:00+00:00", "extra": {},
    },),
)


# Path params (format "export-path") may name run values as {ds}: Jimu's own syntax, never Jinja
# or a shell's. A value goes in as one path segment of safe characters, whatever the run id holds.
PATH_PARAM_FORMATS = frozenset({"export-path"})
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_UNSAFE_SEGMENT_CHARS = re.compile(r"[^A-Za-z0-9._-]")


def not_bindable(name: str) -> str | None:
    """Why run value `name` cannot be bound in SQL or put in a path (the asset events are a list), or None."""
    if name == ASSET_EVENTS:
        return (f"{ASSET_EVENTS} is a list of events, not one value; pass it to a param that takes a list "
                f"({{\"$run\": \"{ASSET_EVENTS}\"}}, e.g. in a Python node's args) or read ctx.run[{ASSET_EVENTS!r}]")
    return None


def placeholder_problems(text: str) -> list[str]:
    """Why `text`'s {name} placeholders would not fill; empty when they all would."""
    problems = [
        f"{{{name}}} names no run value" + (f" ({not_bindable(name)})" if not_bindable(name) else "")
        for name in _PLACEHOLDER.findall(text) if name not in RUN_VALUE_NAMES
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
