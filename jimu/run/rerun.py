"""Rerun from a node: which nodes run again, and which earlier outputs the new run reuses.

The new run runs `from_node` and everything downstream of it; every other node is marked
success without running, and its outputs are the earlier run's files (linked, never copied:
see jimu.run.local._reuse_outputs).
"""

from __future__ import annotations

from pathlib import Path

from jimu.errors import JimuError
from jimu.refs import PortRef
from jimu.run.records import read_request, read_state
from jimu.spec import PipelineSpec


class RerunRefused(JimuError):
    """A rerun cannot reuse the earlier run: the message says which node or output is missing."""


def downstream_of(spec: PipelineSpec, node: str) -> set[str]:
    """`node` and every node that reads from it, directly or not."""
    readers: dict[str, set[str]] = {}
    for edge in spec.edges:
        readers.setdefault(PortRef.parse(edge.source).node, set()).add(PortRef.parse(edge.target).node)
    found, todo = {node}, [node]
    while todo:
        for reader in readers.get(todo.pop(), ()):
            if reader not in found:
                found.add(reader)
                todo.append(reader)
    return found


def plan_rerun(spec: PipelineSpec, earlier_folder: Path, from_node: str) -> dict[str, Path]:
    """The nodes to reuse, each with its data folder in the earlier run; RerunRefused when unsound."""
    earlier_run = earlier_folder.name
    if spec.node(from_node) is None:
        known = ", ".join(node.id for node in spec.nodes)
        raise RerunRefused(f"from_node {from_node!r} is not a node of pipeline {spec.id!r}; use one of: {known}")
    earlier_spec = PipelineSpec.model_validate(read_request(earlier_folder)["spec"])
    if earlier_spec.id != spec.id:
        raise RerunRefused(f"run {earlier_run} ran pipeline {earlier_spec.id!r}, not {spec.id!r}")
    data_folder = read_state(earlier_folder).get("data_folder")
    if not data_folder:
        raise RerunRefused(f"run {earlier_run} never started, so it has no outputs to reuse; start a new run")
    rerun = downstream_of(spec, from_node)
    reused = {node.id for node in spec.nodes} - rerun
    for node_id in sorted(reused):
        if _definition(spec, node_id) != _definition(earlier_spec, node_id):
            raise RerunRefused(
                f"node {node_id!r} changed since run {earlier_run} (component, params or inputs), so its "
                f"outputs there are stale; rerun from {node_id!r} or a node upstream of it")
    for edge in spec.edges:
        source, target = PortRef.parse(edge.source), PortRef.parse(edge.target)
        if source.node in reused and target.node in rerun and not (Path(data_folder) / source.node / source.port).is_dir():
            raise RerunRefused(
                f"output {edge.source} of run {earlier_run} is missing (node {source.node!r} did not write it); "
                f"rerun from {source.node!r} instead")
    return {node: (Path(data_folder) / node).resolve() for node in sorted(reused)}


def _definition(spec: PipelineSpec, node_id: str) -> tuple | None:
    """What decides a node's outputs: its component, params and the ports it reads from."""
    node = spec.node(node_id)
    if node is None:
        return None
    inputs = sorted((edge.source, edge.target) for edge in spec.edges if PortRef.parse(edge.target).node == node_id)
    return node.component, node.params, inputs
