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
    """Rules read the spec through this; check_edges fills in what it learns about the edges.

    An edge the rules cannot fully resolve (a bad or dangling end, an unknown port or component,
    mismatched port types) is reported once by check_edges. It still shows the user's intent: the
    input it points at counts as connected (no "missing input"), its source node counts as an
    upstream table, and an unreadable source makes the upstream tables of that input unknown.
    """

    spec: PipelineSpec
    catalog: ComponentCatalog
    edges: list[ResolvedEdge] = field(default_factory=list)
    # (node, input port) -> upstream node ids of edges that are not sound; None: unreadable source.
    loose_inputs: dict[tuple[str, str], set[str | None]] = field(default_factory=dict)
    # Nodes an edge points at through an input port they do not have: their inputs are unknown.
    loose_targets: set[str] = field(default_factory=set)
    # Node to node, over sound edges and edges whose ports cannot be checked (unknown component).
    graph_edges: set[tuple[str, str]] = field(default_factory=set)

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

    def upstream_of(self, node_id: str, port: str) -> list[str] | None:
        """Ids of the nodes wired into `node_id`'s input `port`, sorted; None when an edge into it
        cannot be read (the tables it brings are unknown).

        Read only after check_edges has recorded the edges (the index is built once).
        """
        if node_id in self.loose_targets:
            return None
        sources = self._upstream_index.get((node_id, port), set())
        if None in sources:
            return None
        return sorted(sources)

    def is_connected(self, node_id: str, port: str) -> bool:
        """Whether any edge, sound or not, points at this input (or may: see loose_targets)."""
        return node_id in self.loose_targets or (node_id, port) in self._upstream_index

    @cached_property
    def _upstream_index(self) -> dict[tuple[str, str], set[str | None]]:
        index: dict[tuple[str, str], set[str | None]] = {}
        for edge in self.edges:
            index.setdefault((edge.target.node, edge.target.port), set()).add(edge.source.node)
        for target, sources in self.loose_inputs.items():
            index.setdefault(target, set()).update(sources)
        return index
