"""What every validation rule reads: the parsed spec, its components and where things are."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from jimu.catalog import Component, ComponentCatalog
from jimu.spec import ComponentRef, PipelineSpec, PortRef


@dataclass
class ResolvedEdge:
    """An edge whose both ends name existing nodes and ports."""

    index: int
    source: PortRef
    target: PortRef


@dataclass
class RuleContext:
    spec: PipelineSpec
    catalog: ComponentCatalog
    edges: list[ResolvedEdge] = field(default_factory=list)

    def node_path(self, index: int, *parts: str) -> str:
        return f"$.nodes[{index}]" + "".join(f".{p}" for p in parts)

    @cached_property
    def components(self) -> dict[str, Component]:
        """Node id -> its component, for nodes whose component reference resolves."""
        found = {}
        seen: set[str] = set()
        for node in self.spec.nodes:
            # Only the first node of a duplicated id counts (as in node_index); a later one's
            # component must not be checked against the first one's params and ports.
            if node.id in seen:
                continue
            seen.add(node.id)
            try:
                comp = self.catalog.get(ComponentRef.parse(node.component))
            except ValueError:
                comp = None
            if comp is not None:
                found[node.id] = comp
        return found

    @cached_property
    def node_index(self) -> dict[str, int]:
        index: dict[str, int] = {}
        for i, node in enumerate(self.spec.nodes):
            index.setdefault(node.id, i)
        return index

    def upstream_of(self, node_id: str, port: str | None = None) -> list[str]:
        """Ids of the nodes wired into `node_id` (into `port` only, when given), sorted.

        Read only after check_edges has recorded the sound edges (the index is built once).
        """
        index = self._upstream_index
        if port is not None:
            return sorted(index.get((node_id, port), ()))
        return sorted({src for (target, _), sources in index.items() if target == node_id for src in sources})

    @cached_property
    def _upstream_index(self) -> dict[tuple[str, str], set[str]]:
        index: dict[tuple[str, str], set[str]] = {}
        for edge in self.edges:
            index.setdefault((edge.target.node, edge.target.port), set()).add(edge.source.node)
        return index
