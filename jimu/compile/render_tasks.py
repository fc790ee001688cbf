"""One task per node: a JimuPodOperator (a KubernetesPodOperator; kubernetes profile) or a local Jimu operator."""

from __future__ import annotations

import json
import re

from jimu.compile.plan import PlannedNode
from jimu.compile.profile import DeploymentProfile
from jimu.compile.pysource import INDENT, call, py_literal
from jimu.compile.render_alerts import task_alert_kwargs
from jimu.compile.render_assets import render_outlets
from jimu.compile.render_failure_handling import node_setting_kwargs
from jimu.runtime.entry import POD_COMPONENT_DIR
from jimu.runtime.exit_codes import FATAL_EXIT_CODE, SKIP_EXIT_CODE
from jimu.runtime.invocation import static_invocation
from jimu.runtime.run_values import run_values_template
from jimu.spec import PipelineSpec

ENTRY_COMMAND = ["python", "-m", "jimu.runtime.entry"]
# Airflow renders these Jinja expressions (and the run values template); everything user-written is wrapped in literal().
RUN_ID_TEMPLATE = "{{ run_id }}"
PARAMS_TEMPLATE = "{{ dict(params) | tojson }}"


def node_invocation(item: PlannedNode, spec: PipelineSpec, profile: DeploymentProfile) -> dict:
    comp = item.component.spec
    return static_invocation(
        pipeline=spec.id,
        node=item.node.id,
        component=comp.ref,
        params=item.node.params,
        inputs=item.inputs,
        multiple_inputs={p.name for p in comp.inputs if p.multiple},
        outputs=[p.name for p in comp.outputs],
        storage_base=profile.storage_base,
    )


def common_kwargs(item: PlannedNode, spec: PipelineSpec, profile: DeploymentProfile) -> list[tuple[str, str]]:
    """Per-node settings that differ from the DAG's default_args."""
    node = item.node
    kwargs = [("task_id", py_literal(node.id))]
    if node.title:
        kwargs.append(("task_display_name", py_literal(node.title, 2)))
    kwargs += node_setting_kwargs(node)
    if node.trigger_rule != "all_success":
        kwargs.append(("trigger_rule", py_literal(node.trigger_rule)))
    kwargs += render_outlets(node, profile)
    return kwargs + task_alert_kwargs(node.notifications, spec.id, profile, 2, for_node=True)


def render_local_task(item: PlannedNode, spec: PipelineSpec, profile: DeploymentProfile) -> tuple[str, set[str]]:
    kwargs = common_kwargs(item, spec, profile)
    kwargs.append(("invocation", py_literal(node_invocation(item, spec, profile), 2)))
    kwargs.append(("run_values", py_literal(run_values_template(spec.asset_schedule is not None), 2)))
    kwargs += [("jimu_home", "JIMU_HOME"), ("catalog", "JIMU_CATALOG")]
    source = call("JimuComponentOperator", [], kwargs, 1)
    return f"{INDENT}{item.node.id} = {source}\n", {"JimuComponentOperator"}


def pod_name(pipeline_id: str, node_id: str) -> str:
    """A DNS-1123 pod name prefix; KPO appends a random suffix per try."""
    name = re.sub(r"[^a-z0-9-]", "-", f"{pipeline_id}-{node_id}")[:50].strip("-")
    return name or "jimu-task"


def effective_resources(item: PlannedNode, spec: PipelineSpec):
    node_resources = item.node.resources
    return node_resources.merged_over(spec.defaults.resources) if node_resources else spec.defaults.resources


def render_tolerations(tolerations) -> str:
    items = []
    for toleration in tolerations:
        fields = toleration.model_dump(exclude_none=True)
        args = ", ".join(f"{key}={py_literal(value)}" for key, value in sorted(fields.items()))
        items.append(f"{INDENT * 3}k8s.V1Toleration({args}),")
    return "[\n" + "\n".join(items) + f"\n{INDENT * 2}]"


def render_resources(item: PlannedNode, spec: PipelineSpec) -> str | None:
    res = effective_resources(item, spec)
    requests = {k: v for k, v in (("cpu", res.cpu), ("memory", res.memory)) if v}
    limits = {k: v for k, v in (("cpu", res.cpu_limit), ("memory", res.memory_limit)) if v}
    if res.gpu:
        limits["nvidia.com/gpu"] = str(res.gpu)
    if not requests and not limits:
        return None
    kwargs = [("requests", py_literal(requests or None, 3)), ("limits", py_literal(limits or None, 3))]
    return call("k8s.V1ResourceRequirements", [], kwargs, 2)


def render_pod_task(item: PlannedNode, spec: PipelineSpec, profile: DeploymentProfile) -> tuple[str, set[str]]:
    comp = item.component.spec
    invocation = json.dumps(node_invocation(item, spec, profile), sort_keys=True, ensure_ascii=False)
    arguments = (
        "[\n"
        f'{INDENT * 3}"--invocation",\n'
        f"{INDENT * 3}literal({py_literal(invocation, 3)}),\n"
        f'{INDENT * 3}"--run-id",\n'
        f"{INDENT * 3}{py_literal(RUN_ID_TEMPLATE)},\n"
        f'{INDENT * 3}"--params",\n'
        f"{INDENT * 3}{py_literal(PARAMS_TEMPLATE)},\n"
        f'{INDENT * 3}"--run-values",\n'
        f"{INDENT * 3}{py_literal(run_values_template(spec.asset_schedule is not None), 3)},\n"
        f"{INDENT * 2}]"
    )
    labels = {**profile.labels, "app.kubernetes.io/managed-by": "jimu", "jimu.dev/pipeline": spec.id, "jimu.dev/node": item.node.id}
    kwargs = common_kwargs(item, spec, profile) + [
        ("name", py_literal(pod_name(spec.id, item.node.id))),
        ("namespace", py_literal(profile.namespace)),
        ("image", py_literal(profile.image(comp.runtime.image))),
        ("image_pull_policy", py_literal(profile.image_pull_policy)),
        ("cmds", py_literal(ENTRY_COMMAND)),
        ("arguments", arguments),
        ("env_vars", py_literal({"JIMU_COMPONENT_DIR": POD_COMPONENT_DIR}, 2)),
        ("labels", py_literal(labels, 2)),
        ("annotations", py_literal({"jimu.dev/component": comp.ref}, 2)),
    ]
    names = {"JimuPodOperator", "literal"}
    placement = effective_resources(item, spec)
    if placement.node_selector:
        kwargs.append(("node_selector", py_literal(placement.node_selector, 2)))
    if placement.tolerations:
        kwargs.append(("tolerations", render_tolerations(placement.tolerations)))
        names.add("k8s")
    resources = render_resources(item, spec)
    if resources:
        kwargs.append(("container_resources", resources))
        names.add("k8s")
    if profile.storage_secret:
        secret = f"k8s.V1EnvFromSource(secret_ref=k8s.V1SecretEnvSource(name={py_literal(profile.storage_secret)}))"
        kwargs.append(("env_from", f"[{secret}]"))
        names.add("k8s")
    if profile.service_account:
        kwargs.append(("service_account_name", py_literal(profile.service_account)))
    kwargs += [
        ("startup_timeout_seconds", str(profile.startup_timeout_seconds)),
        ("skip_on_exit_code", str(SKIP_EXIT_CODE)),
        ("fatal_exit_code", str(FATAL_EXIT_CODE)),
        ("get_logs", "True"),
        ("do_xcom_push", "False"),
        ("on_finish_action", '"delete_pod"'),
    ]
    source = call("JimuPodOperator", [], kwargs, 1)
    return f"{INDENT}{item.node.id} = {source}\n", names
