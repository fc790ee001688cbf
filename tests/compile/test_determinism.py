"""Compiling is deterministic: same spec, same bytes, whatever the order things were drawn in."""

from __future__ import annotations

import copy
import json
import os
import random
import re
import subprocess
import sys

import pytest

from jimu.compile import compile_pipeline
from jimu.validate import validate_pipeline
from tests.golden.regenerate import REPO_ROOT, case_profile, compile_case, golden_cases, spec_path

CASES = golden_cases()
SEEDS = [1, 2, 3, 4, 5]
SHA_LINE = re.compile(r"^# spec-sha256: ([0-9a-f]{64})$", re.MULTILINE)


def raw_case(case: str) -> dict:
    return json.loads(spec_path(case).read_text(encoding="utf-8"))


def compile_raw(raw: dict, case: str, catalog) -> str:
    """Compile a spec dict as if it were the case's file (same source path and profile)."""
    report = validate_pipeline(raw, catalog)
    assert report.ok, report.issues
    source = spec_path(case).relative_to(REPO_ROOT).as_posix()
    return compile_pipeline(report.spec, catalog, case_profile(case), source)


def reordered(value, rng: random.Random):
    """The same JSON with every object's keys in a random order (lists keep theirs)."""
    if isinstance(value, dict):
        keys = list(value)
        rng.shuffle(keys)
        return {key: reordered(value[key], rng) for key in keys}
    if isinstance(value, list):
        return [reordered(item, rng) for item in value]
    return value


def shuffled(raw: dict, seed: int) -> dict:
    """Nodes, edges, params and every object's keys permuted; nothing that compiles changes."""
    rng = random.Random(seed)
    out = reordered(copy.deepcopy(raw), rng)
    rng.shuffle(out["nodes"])
    rng.shuffle(out.setdefault("edges", []))
    return out


def spec_sha(source: str) -> str:
    return SHA_LINE.search(source).group(1)


@pytest.mark.parametrize("case", CASES)
def test_compiling_twice_gives_the_same_bytes(case, catalog):
    assert compile_case(case, catalog).encode() == compile_case(case, catalog).encode()


@pytest.mark.parametrize("case", CASES)
def test_input_order_does_not_change_the_output(case, catalog):
    raw = raw_case(case)
    expected = compile_raw(raw, case, catalog)
    seen_orders = set()
    for seed in SEEDS:
        variant = shuffled(raw, seed)
        seen_orders.add((tuple(n["id"] for n in variant["nodes"]), tuple(variant.get("params", {}))))
        assert compile_raw(variant, case, catalog) == expected, (
            f"{case}: output changed with shuffle seed {seed}"
        )
    if len(raw["nodes"]) > 2:
        assert len(seen_orders) > 1, "the shuffles did not change the order at all"


def test_reversed_nodes_edges_and_params_give_the_same_output(catalog):
    raw = raw_case("params")
    variant = {**raw, "nodes": raw["nodes"][::-1], "edges": raw["edges"][::-1]}
    variant["params"] = dict(reversed(list(raw["params"].items())))
    assert list(variant["params"]) != list(raw["params"])
    assert compile_raw(variant, "params", catalog) == compile_raw(raw, "params", catalog)


@pytest.mark.parametrize("case", ["wine_quality", "diamond"])
def test_editor_layout_does_not_change_the_output(case, catalog):
    raw = raw_case(case)
    expected = compile_raw(raw, case, catalog)
    moved = copy.deepcopy(raw)
    moved["editor"] = {
        "positions": {node["id"]: {"x": 17.5 * i, "y": -40.0 * i} for i, node in enumerate(raw["nodes"])},
        "viewport": {"x": 12.0, "y": -3.0, "zoom": 0.75},
    }
    without = {key: value for key, value in raw.items() if key != "editor"}
    assert compile_raw(moved, case, catalog) == expected
    assert compile_raw(without, case, catalog) == expected
    relocated = {**raw, "$schema": "https://example.com/jimu/pipeline.schema.json"}
    assert compile_raw(relocated, case, catalog) == expected


def test_a_changed_pipeline_param_changes_the_spec_hash(catalog):
    raw = raw_case("wine_quality")
    before = compile_raw(raw, "wine_quality", catalog)
    changed = copy.deepcopy(raw)
    changed["params"]["min_alcohol"]["default"] = 13.5
    after = compile_raw(changed, "wine_quality", catalog)
    assert spec_sha(after) != spec_sha(before)
    assert "13.5," in after and "13.5," not in before


def test_a_changed_node_param_changes_the_spec_hash(catalog):
    raw = raw_case("diamond")
    changed = copy.deepcopy(raw)
    node = next(n for n in changed["nodes"] if n["id"] == "customers")
    node["params"]["uri"] = "s3://shop-data/customers-v2.csv"
    before, after = compile_raw(raw, "diamond", catalog), compile_raw(changed, "diamond", catalog)
    assert spec_sha(after) != spec_sha(before)
    assert "customers-v2.csv" in after


def test_cosmetic_only_changes_keep_the_spec_hash(catalog):
    """The hash names what compiles: the layout and node order are not part of it."""
    raw = raw_case("diamond")
    variant = shuffled(raw, 7)
    variant["editor"] = {"positions": {"orders": {"x": 1, "y": 2}}}
    assert spec_sha(compile_raw(variant, "diamond", catalog)) == spec_sha(
        compile_raw(raw, "diamond", catalog)
    )


def test_output_does_not_depend_on_the_hash_seed():
    """Set and dict iteration order varies with PYTHONHASHSEED; the generated files must not."""
    script = (
        "import json, sys\n"
        "from jimu.catalog import ComponentCatalog\n"
        "from tests.golden.regenerate import compile_case, golden_cases\n"
        "catalog = ComponentCatalog.from_dirs()\n"
        "json.dump({case: compile_case(case, catalog) for case in golden_cases()}, sys.stdout)\n"
    )
    outputs = []
    for seed in ("1", "987654"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        env.pop("JIMU_COMPONENT_PATH", None)
        proc = subprocess.run(
            [sys.executable, "-c", script],
            check=False,
            cwd=REPO_ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert proc.returncode == 0, proc.stderr
        outputs.append(json.loads(proc.stdout))
    assert outputs[0] == outputs[1]
    for case, source in outputs[0].items():
        assert source == (REPO_ROOT / "tests" / "golden" / f"{case}.py").read_text(encoding="utf-8"), case
