"""From a pipeline to a template's pipeline: the chosen node params become the form, the rest is fixed.

`node.param[=name]` turns a node's param into a form field (a pipeline param bound with
`{"$param": name}`), described by the component's own schema for that param, its current value
the default. A bare `name` keeps an existing pipeline param in the form. Every pipeline param
left out of the form is fixed at its default, written into the nodes that use it: a template's
pipeline params are exactly its form, so Airflow's trigger form shows the same fields.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from jimu.errors import Issue, SpecError
from jimu.refs import IDENTIFIER, param_reference, substitute_param_references

# What of a component's param schema describes a form field (not `$ref`s or composition).
FIELD_KEYWORDS = ("type", "enum", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf",
                  "minLength", "maxLength", "pattern", "format", "items", "minItems", "maxItems", "uniqueItems",
                  "title", "description")


@dataclass(frozen=True)
class Exposure:
    """One form field to make: from a node's param, or an existing pipeline param (node None)."""

    name: str
    node: str | None = None
    param: str | None = None

    @classmethod
    def parse(cls, text: str) -> Exposure:
        """`node.param`, `node.param=name` or `name`; ValueError says what is wrong."""
        target, _, name = text.partition("=")
        node, dot, param = target.partition(".")
        if not dot:
            if name or not IDENTIFIER.accepts(target):
                raise ValueError(f"expose {text!r}: write node.param[=name] or the name of a pipeline param")
            return cls(target)
        name = name or param
        for part, what in ((node, "node id"), (param, "param"), (name, "field name")):
            if not IDENTIFIER.accepts(part):
                raise ValueError(f"expose {text!r}: {what} {part!r} is not valid; {IDENTIFIER.hint}")
        return cls(name, node, param)


def _humanize(name: str) -> str:
    return name.replace("_", " ").capitalize()


def _field_from_node(node: dict, exposure: Exposure, catalog, path: str) -> tuple[dict | None, list[Issue]]:
    component = catalog.get(node.get("component", ""))
    if component is None:
        return None, [Issue("unknown-component", f"{path}.component", f"node {node['id']!r} uses an unknown component",
                            "validate the pipeline first", node=node["id"])]
    properties = component.spec.params.get("properties", {})
    if exposure.param not in properties:
        known = ", ".join(sorted(properties)) or "none"
        return None, [Issue("unknown-param", f"{path}.params", f"{component.spec.ref} has no param {exposure.param!r}",
                            f"expose one of: {known}", node=node["id"])]
    schema = {k: copy.deepcopy(v) for k, v in properties[exposure.param].items() if k in FIELD_KEYWORDS}
    value = node.get("params", {}).get(exposure.param, properties[exposure.param].get("default"))
    if value is None:
        return None, [Issue("no-default", f"{path}.params.{exposure.param}",
                            f"{node['id']}.{exposure.param} has no value to offer as the field's default",
                            "give it a value in the pipeline first", node=node["id"])]
    schema["title"] = schema.get("title") or _humanize(exposure.name)
    schema["default"] = value
    return schema, []


def _fixed_params_bound_in_sql(data: dict, fixed: dict, catalog) -> list[Issue]:
    """A param SQL binds as :name cannot be written into the node (the text would change): it must stay in the form."""
    from jimu.validate.rules_sql import DEFAULT_DIALECT, query_analysis, sql_params

    issues = []
    for index, node in enumerate(data.get("nodes", [])):
        component = catalog.get(node.get("component", ""))
        if component is None:
            continue
        params = node.get("params", {})
        dialect = params.get("dialect")
        dialect = dialect if isinstance(dialect, str) and dialect else \
            component.spec.param_defaults().get("dialect", DEFAULT_DIALECT)
        for key, _ in sql_params(component.spec.params):
            if not isinstance(params.get(key), str):
                continue
            for name in sorted(query_analysis(params[key], dialect).params & set(fixed)):
                issues.append(Issue(
                    "fixed-param-in-sql", f"$.nodes[{index}].params.{key}",
                    f"pipeline param {name!r} is bound in the SQL of node {node['id']!r} as :{name}, so it cannot be "
                    "fixed inside the template", f"put it in the form (--expose {name}), or write its value into the SQL",
                    node=node["id"],
                ))
    return issues


def template_pipeline(raw: dict[str, Any], exposures: list[Exposure], catalog,
                      titles: dict[str, str] | None = None, descriptions: dict[str, str] | None = None) -> dict[str, Any]:
    """`raw` (a valid pipeline document) with `exposures` as its params and nothing else; SpecError lists every problem.

    `titles` and `descriptions` (field -> English text) replace the label and help a field would get."""
    data = copy.deepcopy(raw)
    params: dict[str, dict] = data.get("params", {})
    nodes = {n["id"]: (i, n) for i, n in enumerate(data.get("nodes", []))}
    form: dict[str, dict] = {}
    issues: list[Issue] = []
    for exposure in exposures:
        if exposure.name in form:
            issues.append(Issue("duplicate-field", "$.params", f"form field {exposure.name!r} is exposed twice",
                                "give one of them another name with node.param=name"))
            continue
        if exposure.node is None:
            if exposure.name not in params:
                issues.append(Issue("unknown-pipeline-param", "$.params", f"the pipeline has no param {exposure.name!r}",
                                    f"expose one of {', '.join(sorted(params)) or 'none'}, or node.param"))
                continue
            form[exposure.name] = copy.deepcopy(params[exposure.name])
            continue
        if exposure.node not in nodes:
            issues.append(Issue("unknown-node", "$.nodes", f"there is no node {exposure.node!r}",
                                f"use one of {', '.join(sorted(nodes))}"))
            continue
        index, node = nodes[exposure.node]
        current = node.get("params", {}).get(exposure.param)
        if param_reference(current):  # already bound to a pipeline param: expose that one under this name
            source = params.get(param_reference(current))
            field, problems = (copy.deepcopy(source), []) if source else (None, [])
        else:
            field, problems = _field_from_node(node, exposure, catalog, f"$.nodes[{index}]")
        issues += problems
        if field is None:
            continue
        if exposure.name in params and not param_reference(current) == exposure.name:
            issues.append(Issue("field-name-taken", "$.params", f"the pipeline already has a param {exposure.name!r}",
                                f"name the field: --expose {exposure.node}.{exposure.param}=another_name"))
            continue
        form[exposure.name] = field
        node.setdefault("params", {})[exposure.param] = {"$param": exposure.name}
    fixed = {name: schema.get("default") for name, schema in params.items() if name not in form}
    issues += _fixed_params_bound_in_sql(data, fixed, catalog)
    if issues:
        raise SpecError("--expose", issues)
    for node in data.get("nodes", []):
        node["params"] = substitute_param_references(node.get("params", {}), fixed)
    for key, texts in (("title", titles), ("description", descriptions)):
        for name, text in (texts or {}).items():
            if name not in form:
                raise SpecError(f"--field-{key}", [Issue("unknown-field", "$.params", f"{name!r} is not a form field",
                                                         f"give a {key} to one of: {', '.join(sorted(form)) or 'none'}")])
            form[name][key] = text
    for name, schema in form.items():
        schema["title"] = schema.get("title") or _humanize(name)
    data["params"] = form
    return data
