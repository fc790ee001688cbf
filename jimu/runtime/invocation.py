"""The invocation document: a node's params and its input/output URIs for one run.

The compiler writes a *static* document into the DAG (no run id, params unresolved); at run
time `resolve_invocation` adds the run id, the run's pipeline params, its run values
(jimu.runtime.run_values) and the concrete URIs.
Pods and local processes call the very same function.
"""

from __future__ import annotations

import re
from typing import Any

from jimu.refs import RUN_REF_KEY, substitute_param_references
from jimu.runtime import storage
from jimu.runtime.run_values import make_run_values

VERSION = 1
_UNSAFE_PATH_CHARS = re.compile(r"[^A-Za-z0-9._-]")


def static_invocation(
    *,
    pipeline: str,
    node: str,
    component: str,
    params: dict[str, Any],
    inputs: dict[str, list[tuple[str, str]]],
    multiple_inputs: set[str],
    outputs: list[str],
    storage_base: str | None,
) -> dict[str, Any]:
    """What the compiler knows about a node; JSON-ready and deterministic."""
    return {
        "version": VERSION,
        "pipeline": pipeline,
        "node": node,
        "component": component,
        "params": params,
        "inputs": {
            port: {"multiple": port in multiple_inputs, "from": [list(s) for s in sorted(sources)]}
            for port, sources in sorted(inputs.items())
        },
        "outputs": sorted(outputs),
        "storage_base": storage_base,
    }


def run_folder_name(run_id: str) -> str:
    """A run id as one safe path segment (run ids carry ':' and '+')."""
    return _UNSAFE_PATH_CHARS.sub("_", run_id)[:200] or "run"


def port_uri(base: str, pipeline: str, run_id: str, node: str, port: str) -> str:
    return storage.join(base, pipeline, run_folder_name(run_id), node, port)


def resolve_invocation(
    static: dict[str, Any], *, run_id: str, pipeline_params: dict[str, Any], run_values: Any = None
) -> dict[str, Any]:
    """The document a component reads: params resolved, URIs concrete.

    `run_values` (jimu.runtime.run_values) default to those of a manual run with no logical date.
    """
    if static.get("version") != VERSION:
        raise ValueError(f"invocation version {static.get('version')!r} is not {VERSION}")
    base = static.get("storage_base") or storage.default_storage_base()
    run = run_values if run_values is not None else make_run_values(run_id=run_id)
    pipeline = static["pipeline"]

    def uri(node: str, port: str) -> str:
        return port_uri(base, pipeline, run_id, node, port)

    inputs: dict[str, Any] = {}
    for port, wiring in static["inputs"].items():
        if wiring["multiple"]:
            inputs[port] = {node: uri(node, out) for node, out in wiring["from"]}
        elif wiring["from"]:
            inputs[port] = uri(*wiring["from"][0])
    return {
        "version": VERSION,
        "pipeline": pipeline,
        "node": static["node"],
        "component": static["component"],
        "run_id": run_id,
        # $run first: a pipeline param's value (run conf) is data, never read as a reference.
        "params": substitute_param_references(
            substitute_param_references(static["params"], run, RUN_REF_KEY), pipeline_params
        ),
        "pipeline_params": dict(pipeline_params),
        "run": dict(run),
        "inputs": inputs,
        "outputs": {port: uri(static["node"], port) for port in static["outputs"]},
    }
