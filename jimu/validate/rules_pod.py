"""Rules about the pod fields of a node: what the Kubernetes API server would refuse.

Checked for every spec (not only when compiling for Kubernetes): one spec ships to any profile.
The grammar lives in jimu.spec.kubernetes_names.
"""

from __future__ import annotations

from collections.abc import Iterator

from jimu.errors import Issue
from jimu.refs import IDENTIFIER, PIPELINE_ID
from jimu.spec import Resources
from jimu.spec.kubernetes_names import (
    QUALIFIED_NAME_HINT,
    QUANTITY_HINT,
    label_value_problems,
    parse_quantity,
    qualified_name_problems,
    resource_quantity_problems,
)
from jimu.validate.context import RuleContext

QUANTITY_FIELDS = ("cpu", "memory", "cpu_limit", "memory_limit")
LABEL_VALUE_HINT = "use up to 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit"


def check_pod_fields(ctx: RuleContext) -> Iterator[Issue]:
    yield from _resources(ctx.spec.defaults.resources, "$.defaults.resources", None)
    for i, node in enumerate(ctx.spec.nodes):
        if node.resources is not None:
            yield from _resources(node.resources, ctx.node_path(i, "resources"), node.id)
    yield from _ids_as_labels(ctx)


def _resources(res: Resources, path: str, node: str | None) -> Iterator[Issue]:
    for field in QUANTITY_FIELDS:
        value = getattr(res, field)
        if value is not None:
            for problem in resource_quantity_problems(value):
                yield Issue("bad-resource-quantity", f"{path}.{field}", f"{field} {value!r} {problem}", QUANTITY_HINT, node)
    for request, limit in (("cpu", "cpu_limit"), ("memory", "memory_limit")):
        low, high = getattr(res, request), getattr(res, limit)
        if low is None or high is None:
            continue
        low_value, high_value = parse_quantity(low), parse_quantity(high)
        if low_value is not None and high_value is not None and low_value > high_value:
            yield Issue(
                "bad-resource-quantity", f"{path}.{request}",
                f"{request} request {low!r} is more than its limit {limit} {high!r}; Kubernetes refuses such a pod",
                f"lower {request} or raise {limit}", node,
            )
    for key, value in res.node_selector.items():
        for problem in qualified_name_problems(key):
            yield Issue("bad-node-selector", f"{path}.node_selector.{key}", f"node selector key {key!r} {problem}",
                        QUALIFIED_NAME_HINT, node)
        for problem in label_value_problems(value):
            yield Issue("bad-node-selector", f"{path}.node_selector.{key}", f"node selector value {value!r} {problem}",
                        LABEL_VALUE_HINT, node)
    for j, toleration in enumerate(res.tolerations):
        where = f"{path}.tolerations[{j}]"
        if toleration.key:
            for problem in qualified_name_problems(toleration.key):
                yield Issue("bad-toleration", f"{where}.key", f"toleration key {toleration.key!r} {problem}",
                            QUALIFIED_NAME_HINT, node)
        elif toleration.operator != "Exists":
            yield Issue("bad-toleration", f"{where}.key", "a toleration without a key must use operator 'Exists'",
                        "set a key, or operator 'Exists' to tolerate every taint", node)
        if toleration.value is not None:
            if toleration.operator == "Exists" and toleration.value:
                yield Issue("bad-toleration", f"{where}.value", "a toleration with operator 'Exists' takes no value",
                            "remove the value, or use operator 'Equal'", node)
            for problem in label_value_problems(toleration.value):
                yield Issue("bad-toleration", f"{where}.value", f"toleration value {toleration.value!r} {problem}",
                            LABEL_VALUE_HINT, node)


def _ids_as_labels(ctx: RuleContext) -> Iterator[Issue]:
    """Pods carry the pipeline and node ids as label values (jimu.dev/pipeline, jimu.dev/node).

    Only ids their own grammar accepts are looked at: the others are reported as such already.
    """
    spec_id = ctx.spec.id
    if PIPELINE_ID.accepts(spec_id) and label_value_problems(spec_id):
        yield Issue(
            "bad-pipeline-id", "$.id",
            f"pipeline id {spec_id!r} ends with {spec_id[-1]!r}: its pods are labelled with it, and "
            "Kubernetes label values end with a letter or digit",
            f"end it with a letter or digit, e.g. {spec_id.rstrip('-_')!r}",
        )
    for i, node in enumerate(ctx.spec.nodes):
        if IDENTIFIER.accepts(node.id) and label_value_problems(node.id):
            yield Issue(
                "bad-node-id", ctx.node_path(i, "id"),
                f"node id {node.id!r} ends with {node.id[-1]!r}: its pod is labelled with it, and Kubernetes "
                "label values end with a letter or digit",
                f"end it with a letter or digit, e.g. {node.id.rstrip('_')!r}", node.id,
            )
