"""The wiring a compiler needs, derived once from a checked spec."""

from __future__ import annotations

import heapq
from collections import defaultdict
from dataclasses import dataclass, field

from jimu.catalog import Component, ComponentCatalog
from jimu.spec import NodeSpec, PipelineSpec, PortRef


@dataclass
class PlannedNode:
    node: NodeSpec
    component: Component
    inputs: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    upstream: list[str] = field(default_factory=list)


def plan_pipeline(spec: PipelineSpec, catalog: ComponentCatalog) -> list[PlannedNode]:
    """Nodes in topological order, ties broken by id, so file order never depends on input order."""
    planned = {n.id: PlannedNode(n, catalog.require(n.component)) for n in spec.nodes}
    downstream: dict[str, set[str]] = defaultdict(set)
    for edge in spec.edges:
        source, target = PortRef.parse(edge.source), PortRef.parse(edge.target)
        planned[target.node].inputs.setdefault(target.port, []).append(tuple(source))
        downstream[source.node].add(target.node)
    for item in planned.values():
        item.upstream = sorted({src for sources in item.inputs.values() for src, _ in sources})
        for sources in item.inputs.values():
            sources.sort()
    waiting = {node_id: len(item.upstream) for node_id, item in planned.items()}
    ready = [node_id for node_id, count in waiting.items() if count == 0]
    heapq.heapify(ready)
    order = []
    while ready:
        node_id = heapq.heappop(ready)
        order.append(planned[node_id])
        for child in downstream[node_id]:
            waiting[child] -= 1
            if waiting[child] == 0:
                heapq.heappush(ready, child)
    if len(order) != len(planned):
        raise ValueError("the pipeline has a cycle; validate it first")
    return order
