"""PipelineSpec: what a user draws on the canvas, saved as JSON."""

from __future__ import annotations

import datetime
import hashlib
import json
from typing import Annotated, Any, Literal

from pydantic import Field, WrapValidator

from jimu.refs import POOL_NAME, QUEUE_NAME
from jimu.spec.assets import AssetCondition, parse_schedule
from jimu.spec.base import SpecModel
from jimu.spec.notifications import Notifications

# Kubernetes resource quantities, e.g. "500m", "2", "1.5Gi". Pod fields are checked by the
# validator with jimu.spec.kubernetes_names (the API server's own rules, with paths and fixes);
# these patterns only guide editors that autocomplete from the exported JSON Schema.
QUANTITY = r"^[0-9]+(\.[0-9]+)?(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$"


def _editor_pattern(pattern: str, description: str | None = None) -> dict:
    extra: dict = {"json_schema_extra": {"pattern": pattern}}
    if description:
        extra["description"] = description
    return extra

TriggerRule = Literal[
    "all_success",
    "all_failed",
    "all_done",
    "all_skipped",
    "one_success",
    "one_failed",
    "one_done",
    "none_failed",
    "none_skipped",
    "none_failed_min_one_success",
    "always",
]


class Toleration(SpecModel):
    """A Kubernetes toleration, so a node may run on tainted (e.g. GPU) machines."""

    key: str | None = Field(
        None, **_editor_pattern(r"^[A-Za-z0-9]([-A-Za-z0-9_./]{0,251}[A-Za-z0-9])?$", "taint key, [prefix/]name")
    )
    operator: Literal["Exists", "Equal"] = "Equal"
    value: str | None = Field(None, **_editor_pattern(r"^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$"))
    effect: Literal["NoSchedule", "PreferNoSchedule", "NoExecute"] | None = None


class Resources(SpecModel):
    """Requests (and optional limits) for a node's pod; ignored by local runs."""

    cpu: str | None = Field(None, **_editor_pattern(QUANTITY, "CPU request, e.g. '500m'"))
    memory: str | None = Field(None, **_editor_pattern(QUANTITY, "memory request, e.g. '1Gi'"))
    cpu_limit: str | None = Field(None, **_editor_pattern(QUANTITY))
    memory_limit: str | None = Field(None, **_editor_pattern(QUANTITY))
    gpu: int = Field(0, ge=0, le=16, description="nvidia.com/gpu limit")
    node_selector: dict[str, str] = Field(default_factory=dict, description="pod nodeSelector labels")
    tolerations: tuple[Toleration, ...] = ()

    def merged_over(self, base: Resources) -> Resources:
        """These resources, with every unset field taken from `base`."""
        return Resources.model_validate({**base.model_dump(), **self.model_dump(exclude_unset=True)})


# Airflow caps every retry delay at [core] max_task_retry_delay, one day by default.
MAX_DELAY_SECONDS = 86_400
BACKOFF_DESCRIPTION = "multiply the retry delay by this after each try: 2 doubles it; 0 keeps it constant"
MAX_RETRY_DELAY_DESCRIPTION = "the longest a backed-off retry delay may grow; needs retry_exponential_backoff"
DEPENDS_ON_PAST_DESCRIPTION = "run only when this task succeeded (or was skipped) in the previous run"
POOL_DESCRIPTION = "Airflow pool whose slots limit how many such tasks run at once; " + POOL_NAME.hint
QUEUE_DESCRIPTION = "executor queue (e.g. a Celery worker group) the task is sent to; " + QUEUE_NAME.hint


class Defaults(SpecModel):
    """Settings every node inherits unless it overrides them."""

    retries: int = Field(0, ge=0, le=20)
    retry_delay_seconds: int = Field(60, ge=0, le=MAX_DELAY_SECONDS)
    retry_exponential_backoff: float = Field(0, ge=0, le=10, description=BACKOFF_DESCRIPTION)
    max_retry_delay_seconds: int | None = Field(
        None, ge=1, le=MAX_DELAY_SECONDS, description=MAX_RETRY_DELAY_DESCRIPTION
    )
    timeout_seconds: int | None = Field(None, ge=1, le=7 * 86_400)
    depends_on_past: bool = Field(False, description=DEPENDS_ON_PAST_DESCRIPTION)
    pool: str | None = Field(None, **_editor_pattern(POOL_NAME.json_schema_pattern, POOL_DESCRIPTION))
    queue: str | None = Field(None, **_editor_pattern(QUEUE_NAME.json_schema_pattern, QUEUE_DESCRIPTION))
    resources: Resources = Resources()


class NodeSpec(SpecModel):
    """One step on the canvas: a pinned component and the values of its params."""

    id: str = Field(description="unique id; becomes the Airflow task id")
    component: str = Field(description="pinned component, name@version")
    title: str = ""
    description: str = ""
    params: dict[str, Any] = Field(
        default_factory=dict,
        description='param values; {"$param": "name"} takes a pipeline param, {"$run": "ds"} a run value, at run time',
    )
    resources: Resources | None = None
    retries: int | None = Field(None, ge=0, le=20)
    retry_delay_seconds: int | None = Field(None, ge=0, le=MAX_DELAY_SECONDS)
    retry_exponential_backoff: float | None = Field(None, ge=0, le=10, description=BACKOFF_DESCRIPTION)
    max_retry_delay_seconds: int | None = Field(
        None, ge=1, le=MAX_DELAY_SECONDS, description=MAX_RETRY_DELAY_DESCRIPTION
    )
    timeout_seconds: int | None = Field(None, ge=1, le=7 * 86_400)
    depends_on_past: bool | None = Field(None, description=DEPENDS_ON_PAST_DESCRIPTION)
    pool: str | None = Field(None, **_editor_pattern(POOL_NAME.json_schema_pattern, POOL_DESCRIPTION))
    queue: str | None = Field(None, **_editor_pattern(QUEUE_NAME.json_schema_pattern, QUEUE_DESCRIPTION))
    trigger_rule: TriggerRule = "all_success"
    notifications: Notifications | None = Field(None, description="this node's alerts; replace the pipeline's per event")
    assets: dict[str, str] = Field(
        default_factory=dict,
        description='output port -> asset name, e.g. {"table": "sales_daily"}: updated when this node succeeds',
    )

    def effective(self, setting: str, defaults: Defaults) -> Any:
        """This node's value of a failure-handling setting, else the pipeline default."""
        value = getattr(self, setting)
        return getattr(defaults, setting) if value is None else value


class EdgeSpec(SpecModel):
    """Data flows from an output port to an input port: `node.port` -> `node.port`."""

    source: str = Field(alias="from", description="upstream output, node_id.port")
    target: str = Field(alias="to", description="downstream input, node_id.port")


class NodePosition(SpecModel):
    x: float
    y: float


class EditorLayout(SpecModel):
    """What only the editor needs; never compiled and never part of the spec hash."""

    positions: dict[str, NodePosition] = Field(default_factory=dict)
    viewport: dict[str, float] = Field(default_factory=dict)


class PipelineSpec(SpecModel):
    """A pipeline: nodes, the edges between their ports, params, schedule and defaults."""

    schema_ref: str | None = Field(None, alias="$schema")
    schema_version: Literal[1] = 1
    id: str = Field(description="pipeline id; becomes the Airflow dag_id")
    title: str = ""
    description: str = ""
    tags: tuple[str, ...] = ()
    template: str | None = Field(
        None, max_length=200, description="the template (name@version) this pipeline was made from, if any"
    )
    params: dict[str, dict[str, Any]] = Field(
        default_factory=dict,
        description="pipeline params, each a JSON Schema with a default; the trigger form",
    )
    schedule: Annotated[str | AssetCondition | None, WrapValidator(parse_schedule)] = Field(
        None,
        description='cron expression, @daily-style preset, asset condition ({"asset": name}, {"any": [...]}, '
        '{"all": [...]}) or null',
    )
    start_date: datetime.date | None = None
    catchup: bool = False
    max_active_runs: int | None = Field(
        None, ge=1, le=1000, description="runs of this pipeline at once; Airflow's default is 16"
    )
    max_active_tasks: int | None = Field(
        None, ge=1, le=10_000, description="tasks running at once in one run; Airflow's default is 16"
    )
    dagrun_timeout_seconds: int | None = Field(
        None, ge=1, le=30 * 86_400, description="a run still going after this long fails; its running tasks are marked skipped"
    )
    start_unpaused: bool = Field(
        False, description="the DAG runs on its schedule as soon as Airflow first loads it (is_paused_upon_creation="
        "False); otherwise Airflow's [core] dags_are_paused_at_creation decides, which pauses new DAGs by default",
    )
    defaults: Defaults = Defaults()
    notifications: Notifications | None = Field(None, description="alerts for every node and the run")
    nodes: tuple[NodeSpec, ...] = ()
    edges: tuple[EdgeSpec, ...] = ()
    editor: EditorLayout | None = None

    @property
    def asset_schedule(self) -> AssetCondition | None:
        """The schedule when it is an asset condition (the pipeline runs when its assets update)."""
        return self.schedule if isinstance(self.schedule, AssetCondition) else None

    @property
    def cron_schedule(self) -> str | None:
        """The schedule when it is a cron expression or preset."""
        return self.schedule if isinstance(self.schedule, str) else None

    def node(self, node_id: str) -> NodeSpec | None:
        return next((n for n in self.nodes if n.id == node_id), None)

    def canonical_dict(self) -> dict[str, Any]:
        """What compiles, in an order-independent form: nodes by id, edges sorted, no layout."""
        data = self.model_dump(mode="json", by_alias=True, exclude={"editor", "schema_ref"})
        _drop_unset_notifications(data)
        if data.get("template") is None:
            data.pop("template", None)  # specs not made from a template keep their hash
        if not data.get("start_unpaused"):
            data.pop("start_unpaused", None)  # as specs from before the field existed
        for node in data["nodes"]:
            _drop_unset_notifications(node)
            _drop_empty_assets(node)
        data["nodes"] = sorted(data["nodes"], key=lambda n: n["id"])
        data["edges"] = sorted(data["edges"], key=lambda e: (e["to"], e["from"]))
        return data

    def sha256(self) -> str:
        """Hash of canonical_dict(): moving a node on the canvas does not change it."""
        text = json.dumps(self.canonical_dict(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()


def _drop_unset_notifications(data: dict[str, Any]) -> None:
    # Specs without alerts keep the hash they had before alerts existed.
    if data.get("notifications") is None:
        data.pop("notifications", None)


def _drop_empty_assets(node: dict[str, Any]) -> None:
    # Nodes without assets keep the hash they had before assets existed.
    if not node.get("assets"):
        node.pop("assets", None)
