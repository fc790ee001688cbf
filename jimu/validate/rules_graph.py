"""Rules about edges: both ends exist, port types agree, inputs wired once, no cycles."""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Iterator
from itertools import pairwise

from jimu.errors import Issue
from jimu.spec import PortRef
from jimu.validate.context import ResolvedEdge, RuleContext


def check_edges(ctx: RuleContext) -> Iterator[Issue]:
    """Checks each edge; records the sound ones in ctx.edges and the others' intent (see RuleContext)."""
    for i, edge in enumerate(ctx.spec.edges):
        source, source_ok = yield from _end(ctx, i, "from", edge.source, "outputs")
        target, target_ok = yield from _end(ctx, i, "to", edge.target, "inputs")
        if source is not None and target is not None and source_ok is not False and target_ok is not False:
            ctx.graph_edges.add((source.node, target.node))  # a cycle needs no known ports
        if source_ok and target_ok:
            out_port = ctx.components[source.node].spec.output(source.port)
            in_port = ctx.components[target.node].spec.input(target.port)
            if out_port.type == in_port.type:
                ctx.edges.append(ResolvedEdge(i, source, target))
                continue
            yield Issue(
                "port-type-mismatch",
                f"$.edges[{i}]",
                f"{source} is a {out_port.type} output but {target} takes a {in_port.type}",
                f"connect {target} to a {in_port.type} output instead",
                target.node,
            )
        if target_ok:
            ctx.loose_inputs.setdefault(tuple(target), set()).add(source.node if source else None)
        elif target is not None and target_ok is False and target.node in ctx.node_index:
            ctx.loose_targets.add(target.node)


def _end(ctx: RuleContext, i: int, key: str, text: str, side: str):
    """Parse and resolve one end of edge i; yields issues, returns (PortRef or None, resolved).

    resolved is True (node and port exist), None (the node's component is unknown, so its ports
    cannot be checked) or False (a problem reported here).
    """
    path = f"$.edges[{i}].{key}"
    try:
        ref = PortRef.parse(text)
    except ValueError as exc:
        yield Issue("bad-edge-ref", path, str(exc), "write it as node_id.port_name")
        return None, False
    if ref.node not in ctx.node_index:
        yield Issue(
            "dangling-edge",
            path,
            f"edge {key!r} names node {ref.node!r}, which does not exist",
            "remove the edge or add the node",
        )
        return ref, False
    comp = ctx.components.get(ref.node)
    if comp is None:  # reported by check_component_refs
        return ref, None
    ports = getattr(comp.spec, side)
    if not any(p.name == ref.port for p in ports):
        names = ", ".join(p.name for p in ports) or "none"
        yield Issue(
            "unknown-port",
            path,
            f"component {comp.spec.ref} has no {side[:-1]} port {ref.port!r}",
            f"use one of its {side}: {names}",
            ref.node,
        )
        return ref, False
    return ref, True


def check_inputs(ctx: RuleContext) -> Iterator[Issue]:
    """Required inputs are wired; single inputs are wired once."""
    wired: dict[tuple[str, str], list[ResolvedEdge]] = defaultdict(list)
    for edge in ctx.edges:
        wired[edge.target].append(edge)
    for i, node in enumerate(ctx.spec.nodes):
        comp = ctx.components.get(node.id)
        if comp is None or ctx.node_index.get(node.id) != i:
            continue
        for port in comp.spec.inputs:
            edges = wired.get((node.id, port.name), [])
            sources = [str(e.source) for e in edges]
            if not ctx.is_connected(node.id, port.name) and port.required:
                yield Issue(
                    "missing-input",
                    ctx.node_path(i),
                    f"required input {port.name!r} ({port.type}) is not connected",
                    f"connect a {port.type} output to {node.id}.{port.name}",
                    node.id,
                )
            elif len(edges) > 1 and not port.multiple:
                yield Issue(
                    "input-connected-twice",
                    f"$.edges[{edges[1].index}]",
                    f"input {port.name!r} takes one edge but has {len(edges)}: {', '.join(sources)}",
                    "keep one of these edges",
                    node.id,
                )
            elif len({e.source.node for e in edges}) < len(edges):
                yield Issue(
                    "input-connected-twice",
                    f"$.edges[{edges[-1].index}]",
                    f"input {port.name!r} is fed twice by the same node: {', '.join(sources)}",
                    "inputs that take several tables name them by upstream node: keep one edge per node",
                    node.id,
                )


def check_cycles(ctx: RuleContext) -> Iterator[Issue]:
    downstream: dict[str, set[str]] = defaultdict(set)
    for source, target in ctx.graph_edges:
        downstream[source].add(target)
    for component in strongly_connected(sorted(ctx.node_index), downstream):
        if len(component) > 1 or component[0] in downstream[component[0]]:
            first = min(component, key=ctx.node_index.__getitem__)
            yield Issue(
                "cycle",
                ctx.node_path(ctx.node_index[first]),
                _cycle_message(component, downstream),
                "remove one of the edges between these nodes",
                first,
            )


def _cycle_message(members: list[str], downstream: dict[str, set[str]]) -> str:
    """Names every node of the cycle; the arrows show only edges that exist."""
    ring = [*members, members[0]]
    if all(b in downstream.get(a, ()) for a, b in pairwise(ring)):
        return f"nodes form a cycle: {' -> '.join(ring)}"
    # No single loop runs through all of them: list them, and show one real loop.
    loop = _shortest_loop(members[0], set(members), downstream)
    return f"nodes {', '.join(sorted(members))} form a cycle, e.g. {' -> '.join(loop)}"


def _shortest_loop(start: str, inside: set[str], downstream: dict[str, set[str]]) -> list[str]:
    """start -> ... -> start along edges within `inside` (breadth first, so the shortest)."""
    parent: dict[str, str] = {}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for child in sorted(downstream.get(node, set()) & inside):
            if child == start:
                chain = [node]
                while chain[-1] != start:
                    chain.append(parent[chain[-1]])
                return [*reversed(chain), start]
            if child not in parent:
                parent[child] = node
                queue.append(child)
    return [start]  # unreachable for a strongly connected set


def strongly_connected(nodes: list[str], downstream: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative so 10,000-node chains do not hit the recursion limit."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0
    for root in nodes:
        if root in index:
            continue
        work = [(root, iter(sorted(downstream.get(root, ()))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(downstream.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                members = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    members.append(member)
                    if member == node:
                        break
                found.append(_in_cycle_order(members, downstream))
    return found


def _in_cycle_order(members: list[str], downstream: dict[str, set[str]]) -> list[str]:
    """Order a strongly connected set along its edges from its smallest id, for the message."""
    inside = set(members)
    order = [min(members)]
    seen = {order[0]}
    while len(order) < len(members):
        nxt = sorted((downstream.get(order[-1], set()) & inside) - seen)
        if not nxt:
            return sorted(members)
        order.append(nxt[0])
        seen.add(nxt[0])
    return order
