"""KubernetesPodOperator tasks build the pods the spec and the profile describe.

Templates are rendered the way Airflow renders them for a run, then the operator builds its
pod request (dry run, no cluster): image, command, arguments, env, resources and metadata.
"""

from __future__ import annotations

import copy
import datetime
import json
import re
from pathlib import Path

import pytest

from jimu.compile import load_profile
from jimu.runtime.invocation import resolve_invocation
from tests.compile.expect import (
    LOGICAL_DATE,
    component_yaml,
    dag_files,
    expected_invocation,
    expected_resources,
    file_id,
    header,
    load_dagbag,
    profile_kind,
    run_context,
    source_spec,
)
from tests.golden.regenerate import GOLDEN_DIR, case_profile

POD_FILES = [path for path in dag_files() if profile_kind(path) == "kubernetes"]
RUN_ID = "manual__2025-06-01T12:30:00+00:00"
ENTRY_COMMAND = ["python", "-m", "jimu.runtime.entry"]
DNS_1123_NAME = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")


def profile_for(path: Path):
    if path.parent == GOLDEN_DIR:
        return case_profile(path.stem)
    return load_profile(header(path)["profile"].split(" (")[0])


def dag_of(path: Path):
    bag = load_dagbag(path)
    assert bag.import_errors == {}, bag.import_errors
    (dag,) = bag.dags.values()
    return dag


def render_pod(dag, task_id: str, run_id: str = RUN_ID, logical_date=LOGICAL_DATE, asset_events=(), run_type=None,
               **param_values):
    """The pod a run would create: templates rendered as Airflow does, then the dry-run pod."""
    task = copy.deepcopy(dag.get_task(task_id))  # rendering changes the task; keep the cached one clean
    params = copy.deepcopy(dag.params)
    for name, value in param_values.items():
        params[name] = value  # validated against the param's schema, as the trigger form does
    context = run_context(run_id, params, logical_date, asset_events, run_type)
    task.render_template_fields(context, jinja_env=dag.get_template_env())
    return task, task.build_pod_request_obj(dry_run=True)


def run_params(dag, **overrides) -> dict:
    return {**{name: dag.params[name] for name in dag.params}, **overrides}


def substitute(value, params: dict):
    """`{"$param": name}` replaced by the run's value, `{"$run": name}` by a manual run's (no logical
    date, no asset events), written independently of jimu.spec.refs."""
    if isinstance(value, dict) and set(value) == {"$param"}:
        return params.get(value["$param"], value)
    if isinstance(value, dict) and set(value) == {"$run"}:
        return {"run_id": RUN_ID, "run_type": "manual", "triggering_asset_events": []}.get(value["$run"])
    if isinstance(value, dict):
        return {key: substitute(item, params) for key, item in value.items()}
    if isinstance(value, list):
        return [substitute(item, params) for item in value]
    return value


def expected_image(profile, image: str) -> str:
    registry = profile.image_registry.rstrip("/")
    return f"{registry}/{image}" if registry else image


def container_args(pod) -> dict:
    """`--flag value` pairs of the container's arguments, with every flag present once."""
    args = pod.spec.containers[0].args
    assert args[0::2] == ["--invocation", "--run-id", "--params", "--run-values"], args
    return dict(zip(args[0::2], args[1::2], strict=True))


def test_there_are_pod_files():
    assert len(POD_FILES) >= 6, [file_id(p) for p in POD_FILES]


@pytest.mark.parametrize("path", POD_FILES, ids=file_id)
def test_pods_follow_spec_and_profile(path):
    raw, profile, dag = source_spec(path), profile_for(path), dag_of(path)
    params = run_params(dag)
    for node in raw["nodes"]:
        comp = component_yaml(node["component"])
        task, pod = render_pod(dag, node["id"])
        container = pod.spec.containers[0]
        where = f"{file_id(path)}: node {node['id']!r}"

        assert container.image == expected_image(profile, comp["runtime"]["image"]), where
        assert container.image_pull_policy == profile.image_pull_policy, where
        assert container.command == ENTRY_COMMAND, where
        args = container_args(pod)
        invocation = json.loads(args["--invocation"])
        assert invocation == expected_invocation(raw, node, profile.storage_base), where
        assert args["--run-id"] == RUN_ID, where
        assert json.loads(args["--params"]) == params, where
        # Asset-scheduled pipelines also render the run's (here: no) asset events, one list per field.
        no_events = {field: [] for field in ("name", "uri", "timestamp", "source_dag_id", "source_run_id", "extra")}
        assert json.loads(args["--run-values"]) == {
            "logical_date": "2025-06-01T12:30:00+00:00", "data_interval_start": "2025-05-31T00:00:00+00:00",
            "data_interval_end": "2025-06-01T00:00:00+00:00", "run_id": RUN_ID, "run_type": "scheduled",
            "try_number": 2, **({"triggering_asset_events": no_events} if isinstance(raw.get("schedule"), dict) else {}),
        }, where

        # The runtime accepts what the pod receives, and $param references take the run's values.
        resolved = resolve_invocation(
            invocation, run_id=args["--run-id"], pipeline_params=json.loads(args["--params"])
        )
        assert resolved["params"] == substitute(node.get("params", {}), params), where
        assert resolved["run_id"] == RUN_ID

        env = {item.name: item.value for item in container.env or []}
        assert env.get("JIMU_COMPONENT_DIR") == "/opt/jimu/component", where
        secrets = [source.secret_ref.name for source in container.env_from or [] if source.secret_ref]
        assert secrets == ([profile.storage_secret] if profile.storage_secret else []), where

        requests, limits = expected_resources(raw, node)
        resources = container.resources
        assert ((resources and resources.requests) or {}) == requests, where
        assert ((resources and resources.limits) or {}) == limits, where

        meta = pod.metadata
        assert meta.namespace == profile.namespace, where
        assert DNS_1123_NAME.match(meta.name) and len(meta.name) <= 63, meta.name
        jimu_labels = {
            "app.kubernetes.io/managed-by": "jimu",
            "jimu.dev/pipeline": raw["id"],
            "jimu.dev/node": node["id"],
        }
        assert {**profile.labels, **jimu_labels}.items() <= meta.labels.items(), where
        assert meta.annotations == {"jimu.dev/component": node["component"]}, where
        assert pod.spec.service_account_name == profile.service_account, where
        assert task.startup_timeout_seconds == profile.startup_timeout_seconds, where


def test_custom_profile_reaches_the_pod():
    """tests/fixtures/compile/profile_prod.yaml, spelled out: nothing of the built-in profile leaks in."""
    dag = dag_of(GOLDEN_DIR / "custom_profile.py")
    task, pod = render_pod(dag, "daily", day="2025-02-03")
    container = pod.spec.containers[0]
    assert container.image == "registry.example.com:5000/ml-platform/jimu/sql:1.2.0"
    assert container.image_pull_policy == "Always"
    assert pod.metadata.namespace == "ml-prod"
    assert pod.spec.service_account_name == "jimu-prod-runner"
    assert [source.secret_ref.name for source in container.env_from] == ["jimu-prod-storage"]
    assert {
        "team": "data-platform",
        "cost-center": "ml-1234",
        "environment": "prod",
    }.items() <= pod.metadata.labels.items()
    assert task.startup_timeout_seconds == 600
    assert container.resources.requests == {"cpu": "1", "memory": "8Gi"}
    assert container.resources.limits == {"memory": "8Gi"}
    args = container_args(pod)
    assert json.loads(args["--invocation"])["storage_base"] == "s3://ml-prod-data/jimu/runs"
    assert json.loads(args["--params"]) == {"day": "2025-02-03"}


def test_gpu_and_limits_reach_the_pod():
    dag = dag_of(GOLDEN_DIR / "overrides.py")
    _, pod = render_pod(dag, "train_features")
    resources = pod.spec.containers[0].resources
    assert resources.requests == {"cpu": "4", "memory": "16Gi"}
    assert resources.limits == {"cpu": "8", "memory": "32Gi", "nvidia.com/gpu": "2"}
    assert pod.spec.node_selector == {"accelerator": "nvidia-a10"}
    [toleration] = pod.spec.tolerations
    assert (toleration.key, toleration.operator, toleration.effect) == ("nvidia.com/gpu", "Exists", "NoSchedule")
    _, pod = render_pod(dag, "notify")  # a gpu alone keeps the defaults' requests and memory limit
    resources = pod.spec.containers[0].resources
    assert resources.requests == {"cpu": "250m", "memory": "256Mi"}
    assert resources.limits == {"memory": "1Gi", "nvidia.com/gpu": "1"}


def test_triggered_param_values_reach_the_pod():
    dag = dag_of(GOLDEN_DIR / "params.py")
    chosen = {
        "region": "apac",
        "top_n": 7,
        "include_refunds": True,
        "thresholds": {"high": 5.5},
        "note": "hi",
    }
    _, pod = render_pod(dag, "bands", run_id="scheduled__2025-06-02T00:00:00+00:00", **chosen)
    args = container_args(pod)
    assert args["--run-id"] == "scheduled__2025-06-02T00:00:00+00:00"
    assert json.loads(args["--params"]) == run_params(dag, **chosen)
    resolved = resolve_invocation(
        json.loads(args["--invocation"]),
        run_id=args["--run-id"],
        pipeline_params=json.loads(args["--params"]),
    )
    assert resolved["params"]["args"] == {"thresholds": {"high": 5.5}, "refunds": True}


def test_param_values_outside_their_schema_are_refused():
    from airflow.sdk.exceptions import ParamValidationError

    dag = dag_of(GOLDEN_DIR / "params.py")
    with pytest.raises(ParamValidationError):
        render_pod(dag, "bands", region="mars")
    with pytest.raises(ParamValidationError):
        render_pod(dag, "bands", note="")  # the schema's "not": {"const": ""}


def test_user_text_is_never_rendered_as_a_template():
    """Jinja-looking text in node params and run params reaches the pod verbatim."""
    dag = dag_of(GOLDEN_DIR / "user_text.py")
    label = "it's <b>&</b> {{ run_id }} {% raw %}"
    _, pod = render_pod(dag, "tidy", label=label)
    args = container_args(pod)
    query = json.loads(args["--invocation"])["params"]["query"]
    assert query.startswith(
        "-- {{ run_id }} is text here, not a template\nSELECT '{{ ds }}' AS not_a_template,"
    )
    assert json.loads(args["--params"]) == {"label": label}
    _, pod = render_pod(dag, "src")
    args = container_args(pod)
    assert json.loads(args["--invocation"])["params"]["uri"] == "s3://bucket/it's {{ ds }}/data.csv"
    assert json.loads(args["--params"]) == {"label": "{{ macros.ds_add(ds, 1) }}"}


def test_run_values_reach_the_pod_through_the_entry_point():
    """The rendered --run-values argument, parsed by the pod's entry point, is what ctx.run and $run see."""
    from jimu.runtime.entry import load_invocation, parse_args

    dag = dag_of(GOLDEN_DIR / "params.py")
    _, pod = render_pod(dag, "bands", run_id="scheduled__2025-06-02T00:00:00+00:00")
    resolved = load_invocation(parse_args(pod.spec.containers[0].args))
    assert resolved["run"] == {
        "logical_date": "2025-06-01T12:30:00+00:00", "ds": "2025-06-01", "ds_nodash": "20250601",
        "data_interval_start": "2025-05-31T00:00:00+00:00", "data_interval_end": "2025-06-01T00:00:00+00:00",
        "run_id": "scheduled__2025-06-02T00:00:00+00:00", "run_type": "scheduled", "try_number": 2,
        "triggering_asset_events": [],
    }


def test_asset_events_reach_the_pod_through_the_entry_point():
    """An asset-triggered run: Airflow's own event records, rendered into the pod's arguments, are what
    ctx.run["triggering_asset_events"] and {"$run": "triggering_asset_events"} see."""
    from airflow.sdk.api.datamodels._generated import AssetEventDagRunReference
    from airflow.utils.types import DagRunType

    from jimu.runtime.entry import load_invocation, parse_args

    stamp = datetime.datetime(2026, 11, 29, 0, 5, 7, 123456, tzinfo=datetime.UTC)
    event = AssetEventDagRunReference.model_validate({
        "asset": {"name": "sales_daily", "uri": "jimu://warehouse/sales_daily", "extra": {}},
        "extra": {"rows": 3, "note": "{{ not a template }}"}, "source_task_id": "aggregate",
        "source_dag_id": "sales_etl", "source_run_id": "manual__2026-11-29T00:00:00+00:00",
        "source_map_index": -1, "source_aliases": [], "timestamp": stamp,
    })
    dag = dag_of(GOLDEN_DIR / "assets.py")
    _, pod = render_pod(dag, "events", asset_events=[event], run_type=DagRunType.ASSET_TRIGGERED)
    resolved = load_invocation(parse_args(pod.spec.containers[0].args))
    expected = [{
        "name": "sales_daily", "uri": "jimu://warehouse/sales_daily", "timestamp": "2026-11-29T00:05:07.123456+00:00",
        "source_dag_id": "sales_etl", "source_run_id": "manual__2026-11-29T00:00:00+00:00",
        "extra": {"rows": 3, "note": "{{ not a template }}"},
    }]
    assert resolved["run"]["triggering_asset_events"] == expected
    assert resolved["run"]["run_type"] == "asset_triggered"
    assert resolved["params"]["args"] == {"events": expected}


def test_other_runs_of_an_asset_scheduled_pipeline_see_no_events():
    """A manual run of an asset-scheduled DAG consumed no events: an empty list, not a failed render."""
    from jimu.runtime.entry import load_invocation, parse_args

    dag = dag_of(GOLDEN_DIR / "assets.py")
    _, pod = render_pod(dag, "events", logical_date=None)
    resolved = load_invocation(parse_args(pod.spec.containers[0].args))
    assert resolved["run"]["triggering_asset_events"] == [] and resolved["params"]["args"] == {"events": []}


def test_a_run_without_logical_date_renders_empty_dates():
    """Airflow 3 manual runs may have no logical date: the template must not fail, the dates are null."""
    dag = dag_of(GOLDEN_DIR / "params.py")
    _, pod = render_pod(dag, "bands", logical_date=None)
    values = json.loads(container_args(pod)["--run-values"])
    assert values["logical_date"] is None and values["data_interval_start"] is None
    assert values["run_id"] == RUN_ID
