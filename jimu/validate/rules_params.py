"""Rules about params: pipeline param schemas, node param values, references between them."""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from typing import Any

import jsonschema
from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.validators import validator_for
from referencing import Registry
from referencing.exceptions import Unresolvable

from jimu.errors import Issue
from jimu.refs import IDENTIFIER, RUN_REF_KEY, iter_param_references, substitute_param_references
from jimu.runtime.run_values import EXAMPLE_RUN_VALUES, RUN_REF_NAMES
from jimu.validate.context import RuleContext

# Deeper values are no real configuration, and would overflow the recursive walkers
# (param references, JSON Schema) that read them.
MAX_DEPTH = 50
# Airflow builds a param as Param(default, description, source, **schema) in the DAG file and
# rebuilds it the same way from the serialized DAG: a schema key with one of these names
# collides with an argument and the DAG fails to import or to deserialize.
PARAM_ARGUMENT_KEYS = frozenset({"self", "source"})


def nested_too_deep(value: Any, limit: int = MAX_DEPTH) -> bool:
    """Whether lists/objects in `value` nest more than `limit` levels (checked without recursion)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return True
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
    return False


@lru_cache(maxsize=512)
def _validator_for(schema_json: str, airflow: bool) -> jsonschema.protocols.Validator:
    import json

    schema = json.loads(schema_json)
    # An empty registry: a "$ref" to a URL must not make validation fetch it over the network.
    if not airflow:
        return Draft202012Validator(schema, registry=Registry())
    # What Airflow's Param.resolve runs: jsonschema.validate(value, schema, format_checker=FormatChecker()),
    # which picks the draft from "$schema" (2020-12 without one) and checks "format".
    cls = validator_for(schema, default=Draft202012Validator)
    return cls(schema, registry=Registry(), format_checker=FormatChecker())


def schema_validator(schema: dict[str, Any]) -> Draft202012Validator:
    import json

    return _validator_for(json.dumps(schema, sort_keys=True), False)


def airflow_param_validator(schema: dict[str, Any]) -> jsonschema.protocols.Validator:
    """The validator Airflow applies to a Param's value (formats checked), without network access."""
    import json

    return _validator_for(json.dumps(schema, sort_keys=True), True)


def check_pipeline_params(ctx: RuleContext) -> Iterator[Issue]:
    for name, schema in ctx.spec.params.items():
        path = f"$.params.{name}"
        if not IDENTIFIER.accepts(name):
            yield Issue(
                "bad-param-name",
                path,
                f"pipeline param name {name!r} is not allowed",
                "use lowercase letters, digits and '_', starting with a letter",
            )
        if nested_too_deep(schema):
            yield Issue(
                "bad-param-schema", path, f"nested more than {MAX_DEPTH} levels deep",
                "flatten the schema",
            )
            continue
        try:
            validator_for(schema, default=Draft202012Validator).check_schema(schema)
        except jsonschema.SchemaError as exc:
            yield Issue(
                "bad-param-schema", path, f"not a valid JSON Schema: {exc.message}",
                "fix the schema, e.g. {\"type\": \"integer\", \"default\": 5}",
            )
            continue
        for key in sorted(PARAM_ARGUMENT_KEYS & schema.keys()):
            yield Issue(
                "bad-param-schema", f"{path}.{key}",
                f"schema key {key!r} cannot reach Airflow: its Param takes {key!r} as an argument",
                f"remove {key!r} or rename it, e.g. 'x-{key}'",
            )
        if "default" not in schema:
            yield Issue(
                "param-without-default", path, f"pipeline param {name!r} has no default",
                "add a \"default\" so scheduled runs have a value",
            )
            continue
        try:
            errors = list(airflow_param_validator(schema).iter_errors(schema["default"]))
        except (Unresolvable, RecursionError) as exc:
            problem = "its \"$ref\" refers back to itself" if isinstance(exc, RecursionError) else exc
            yield Issue(
                "bad-param-schema", path, f"not a valid JSON Schema: {problem}",
                "point \"$ref\" inside this schema, e.g. \"#/$defs/name\", without looping back",
            )
            continue
        for err in errors:
            yield Issue(
                "bad-param-default", f"{path}.default",
                f"default {schema['default']!r} does not fit its schema: {err.message}",
                "change the default or the schema (Airflow checks the default against it, \"format\" included)",
            )


def check_node_params(ctx: RuleContext) -> Iterator[Issue]:
    for i, node in enumerate(ctx.spec.nodes):
        comp = ctx.components.get(node.id)
        if comp is None or ctx.node_index.get(node.id) != i:
            continue
        yield from node_param_issues(comp.spec, node.params, ctx.spec.params, ctx.node_path(i, "params"), node.id)


def node_param_issues(
    component, params: dict[str, Any], pipeline_params: dict[str, dict], params_path: str, node_id: str
) -> Iterator[Issue]:
    """A node's params checked against its component's params schema, `{"$param": name}`
    references resolved to the pipeline params' defaults and `{"$run": name}` to a scheduled
    run's values; used by the validator and jimu.testing."""
    schema = component.params
    properties = schema.get("properties", {})
    values = {}
    for key, value in params.items():
        path = f"{params_path}.{key}"
        if key not in properties:
            known = ", ".join(sorted(properties)) or "none"
            yield Issue(
                "unknown-param", path, f"component {component.ref} has no param {key!r}",
                f"remove it or use one of: {known}", node_id,
            )
            continue
        if nested_too_deep(value):
            yield Issue(
                "bad-param-value", path, f"nested more than {MAX_DEPTH} levels deep",
                "flatten the value", node_id,
            )
            continue
        defaults, unresolved = {}, False
        for ref_path, ref in iter_param_references(value, key):
            if ref in pipeline_params:
                if "default" in pipeline_params[ref]:
                    defaults[ref] = pipeline_params[ref]["default"]
                else:  # reported as param-without-default; None is no value to check
                    unresolved = True
                continue
            unresolved = True
            yield Issue(
                "unknown-pipeline-param", f"{params_path}.{ref_path}",
                f"refers to pipeline param {ref!r}, which is not defined",
                f"add {ref!r} to the pipeline's params or fix the name "
                f"(defined: {', '.join(sorted(pipeline_params)) or 'none'})",
                node_id,
            )
        for ref_path, ref in iter_param_references(value, key, RUN_REF_KEY):
            if ref not in RUN_REF_NAMES:
                unresolved = True
                yield Issue(
                    "unknown-run-value", f"{params_path}.{ref_path}",
                    f"refers to run value {ref!r}, which does not exist",
                    f"use one of: {', '.join(RUN_REF_NAMES)}", node_id,
                )
        if not unresolved:  # an unknown reference is reported once, not also as a bad value
            values[key] = substitute_param_references(
                substitute_param_references(value, EXAMPLE_RUN_VALUES, RUN_REF_KEY), defaults
            )
    for missing in schema.get("required", []):
        if missing not in params and "default" not in properties.get(missing, {}):
            yield Issue(
                "missing-param", params_path,
                f"required param {missing!r} is not set",
                f"set params.{missing} ({_describe(properties.get(missing, {}))})", node_id,
            )
    relaxed = {k: v for k, v in schema.items() if k != "required"}
    for err in schema_validator(relaxed).iter_errors(values):
        where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in err.absolute_path)
        yield Issue(
            "bad-param-value", params_path + where,
            err.message, f"give a value that fits: {_describe(err.schema)}", node_id,
        )


def _describe(schema: Any) -> str:
    if not isinstance(schema, dict):
        return "see the component's params"
    parts = []
    if "type" in schema:
        parts.append(f"type {schema['type']}")
    if "enum" in schema:
        parts.append("one of " + ", ".join(repr(v) for v in schema["enum"]))
    for key in ("minimum", "maximum", "minLength", "maxLength", "pattern"):
        if key in schema:
            parts.append(f"{key} {schema[key]!r}")
    return ", ".join(parts) or schema.get("description", "see the component's params")


# Linux refuses to exec a single argument over 128 KiB (MAX_ARG_STRLEN), and pods receive
# their invocation as one argument.
POD_ARGUMENT_LIMIT = 128 * 1024 - 4096


def check_param_size(ctx: RuleContext) -> Iterator[Issue]:
    """A warning: params this large run locally, but a pod could not start with them."""
    import json

    for i, node in enumerate(ctx.spec.nodes):
        size = len(json.dumps(node.params, ensure_ascii=False).encode("utf-8", "surrogatepass"))
        if size > POD_ARGUMENT_LIMIT:
            yield Issue(
                "params-too-large-for-pod", ctx.node_path(i, "params"),
                f"params take {size:,} bytes; a Kubernetes pod gets them as one argument, limited to 128 KiB",
                "keep large data in a table (load it with load_table) and pass its name or path instead",
                node.id, severity="warning",
            )
