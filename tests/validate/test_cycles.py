"""The cycle finder: big graphs without recursion, random graphs against a reachability check."""

from __future__ import annotations

import random
import re
from collections import defaultdict
from itertools import pairwise

import pytest

from jimu.validate import validate_pipeline
from jimu.validate.rules_graph import strongly_connected
from tests.conftest import make_pipeline

CHAIN = 5_000


def python_node(node_id: str) -> dict:
    return {"id": node_id, "component": "python@1.0.0", "params": {"code": "x = 1"}}


def pipeline_of(nodes: list[str], downstream: dict[str, set[str]]) -> dict:
    edges = [{"from": f"{a}.table", "to": f"{b}.tables"} for a in nodes for b in sorted(downstream.get(a, ()))]
    return make_pipeline([python_node(n) for n in nodes], edges)


def components_by_reachability(nodes: list[str], downstream: dict[str, set[str]]) -> set[frozenset[str]]:
    """Strongly connected components the slow, obvious way: u ~ v when each reaches the other."""
    reach = {}
    for start in nodes:
        seen, todo = {start}, [start]
        while todo:
            for child in downstream.get(todo.pop(), ()):
                if child not in seen:
                    seen.add(child)
                    todo.append(child)
        reach[start] = seen
    return {frozenset(v for v in nodes if v in reach[u] and u in reach[v]) for u in nodes}


def random_graph(rng: random.Random, size: int, density: float) -> tuple[list[str], dict[str, set[str]]]:
    nodes = [f"n{i}" for i in range(size)]
    downstream: dict[str, set[str]] = defaultdict(set)
    for a in nodes:
        for b in nodes:
            if rng.random() < density:
                downstream[a].add(b)
    return nodes, downstream


def test_long_chain_closed_into_one_loop_has_no_recursion_error():
    nodes = [f"n{i:04d}" for i in range(CHAIN)]
    downstream = {a: {b} for a, b in zip(nodes, nodes[1:] + nodes[:1], strict=True)}
    [component] = strongly_connected(nodes, downstream)
    assert component == nodes  # in cycle order, from the smallest id


def test_long_open_chain_is_all_singletons():
    nodes = [f"n{i:04d}" for i in range(CHAIN)]
    downstream = {a: {b} for a, b in pairwise(nodes)}
    found = strongly_connected(list(reversed(nodes)), downstream)
    assert sorted(found) == [[n] for n in nodes]


def test_long_loop_through_validate_pipeline(catalog):
    nodes = [f"step_{i:04d}" for i in range(CHAIN)]
    downstream = {a: {b} for a, b in zip(nodes, nodes[1:] + nodes[:1], strict=True)}
    issues = validate_pipeline(pipeline_of(nodes, downstream), catalog).issues
    [issue] = issues
    assert (issue.code, issue.path, issue.node) == ("cycle", "$.nodes[0]", "step_0000")
    assert issue.message == "nodes form a cycle: " + " -> ".join([*nodes, nodes[0]])


@pytest.mark.parametrize("seed", range(60))
def test_random_graphs_match_reachability(seed):
    rng = random.Random(seed)
    size = rng.randint(1, 25)
    nodes, downstream = random_graph(rng, size, rng.choice([0.02, 0.05, 0.1, 0.2]))
    found = strongly_connected(nodes, downstream)
    assert sorted(n for c in found for n in c) == sorted(nodes)  # a partition: each node once
    assert {frozenset(c) for c in found} == components_by_reachability(nodes, downstream)


@pytest.mark.parametrize("seed", range(40))
def test_random_graphs_cycle_issues(seed, catalog):
    """Each cycle issue names every node of its component; its arrows follow real edges."""
    rng = random.Random(1000 + seed)
    nodes, downstream = random_graph(rng, rng.randint(2, 12), rng.choice([0.05, 0.1, 0.2]))
    issues = validate_pipeline(pipeline_of(nodes, downstream), catalog).issues
    assert {i.code for i in issues} <= {"cycle"}
    expected = {
        c for c in components_by_reachability(nodes, downstream)
        if len(c) > 1 or next(iter(c)) in downstream.get(next(iter(c)), ())
    }
    named = set()
    for issue in issues:
        members = frozenset(re.findall(r"\bn\d+\b", issue.message))
        named.add(members)
        assert issue.node == min(members, key=nodes.index)
        loop = re.findall(r"\bn\d+\b", issue.message.rsplit(": ", 1)[-1].rsplit("e.g. ", 1)[-1])
        assert loop[0] == loop[-1]
        for a, b in pairwise(loop):
            assert b in downstream[a], f"{issue.message}: no edge {a} -> {b}"
    assert named == expected
