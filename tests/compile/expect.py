"""What a compiled DAG file should contain, worked out from its JSON spec without the compiler.

The compiler's own planner is deliberately not used here: expected tasks and dependencies come
straight from the spec's nodes and `node.port` edges, so a planner bug cannot hide itself.
"""

from __future__ import annotations

import datetime
import functools
import json
from pathlib import Path
from types import SimpleNamespace

import yaml

from tests.golden.regenerate import GOLDEN_DIR, REPO_ROOT, golden_cases

DAGS_DIR = REPO_ROOT / "dags"
COMPONENTS_DIR = REPO_ROOT / "components"
UTC = datetime.UTC
# What a run's context holds: Airflow's dag_run and ti carry these attributes (tests/run runs the real ones).
LOGICAL_DATE = datetime.datetime(2025, 6, 1, 12, 30, tzinfo=UTC)
INTERVAL = (datetime.datetime(2025, 5, 31, tzinfo=UTC), datetime.datetime(2025, 6, 1, tzinfo=UTC))


def dag_files() -> list[Path]:
    """Every golden DAG file and every shipped DAG file."""
    return [GOLDEN_DIR / f"{case}.py" for case in golden_cases()] + sorted(DAGS_DIR.glob("*.py"))


def file_id(path: Path) -> str:
    return path.relative_to(REPO_ROOT).as_posix()


def header(path: Path) -> dict[str, str]:
    """The `# key: value` lines at the top of a generated file (source, profile, spec-sha256...)."""
    found = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("# "):
            break
        key, sep, value = line[2:].partition(": ")
        if sep:
            found[key] = value
    return found


def source_spec(path: Path) -> dict:
    """The raw JSON spec a generated file names in its `# source:` header."""
    return json.loads((REPO_ROOT / header(path)["source"]).read_text(encoding="utf-8"))


def expected_dag_id(path: Path) -> str:
    """The spec's id plus the dag_id_suffix of the profile the file was compiled with (read from the profile)."""
    from jimu.compile.profile import BUILTIN_PROFILES
    from tests.golden.regenerate import case_profile

    raw = source_spec(path)
    profile = case_profile(path.stem) if path.parent == GOLDEN_DIR else BUILTIN_PROFILES["kubernetes"]
    return raw["id"] + profile.dag_id_suffix


def profile_kind(path: Path) -> str:
    """`kubernetes` or `local`, from the `# profile: name (kind)` header."""
    return header(path)["profile"].rsplit("(", 1)[1].rstrip(")")


def node_of(port_ref: str) -> str:
    return port_ref.partition(".")[0]


def expected_upstream(raw: dict) -> dict[str, set[str]]:
    """Task id -> ids of the tasks it waits for, from the edges alone."""
    upstream: dict[str, set[str]] = {node["id"]: set() for node in raw["nodes"]}
    for edge in raw.get("edges", []):
        upstream[node_of(edge["to"])].add(node_of(edge["from"]))
    return upstream


def expected_downstream(raw: dict) -> dict[str, set[str]]:
    downstream: dict[str, set[str]] = {node["id"]: set() for node in raw["nodes"]}
    for edge in raw.get("edges", []):
        downstream[node_of(edge["from"])].add(node_of(edge["to"]))
    return downstream


@functools.cache
def component_yaml(ref: str) -> dict:
    """The raw component.yaml of `name@version` (the built-in components are one version each)."""
    name, _, version = ref.partition("@")
    raw = yaml.safe_load((COMPONENTS_DIR / name / "component.yaml").read_text(encoding="utf-8"))
    assert raw["version"] == version, f"{ref}: components/{name} is version {raw['version']}"
    return raw


def expected_invocation(raw: dict, node: dict, storage_base: str | None) -> dict:
    """The static invocation document the runtime expects for a node (runtime/invocation.py)."""
    comp = component_yaml(node["component"])
    multiple = {port["name"] for port in comp.get("inputs", []) if port.get("multiple")}
    inputs: dict[str, list[list[str]]] = {}
    for edge in raw.get("edges", []):
        target_node, _, target_port = edge["to"].partition(".")
        if target_node == node["id"]:
            inputs.setdefault(target_port, []).append(edge["from"].split("."))
    return {
        "version": 1,
        "pipeline": raw["id"],
        "node": node["id"],
        "component": node["component"],
        "params": node.get("params", {}),
        "inputs": {
            port: {"multiple": port in multiple, "from": sorted(sources)} for port, sources in inputs.items()
        },
        "outputs": sorted(port["name"] for port in comp.get("outputs", [])),
        "storage_base": storage_base,
    }


def expected_resources(raw: dict, node: dict) -> tuple[dict, dict]:
    """(requests, limits) for a node's pod: the node's resources over the pipeline defaults."""
    merged = {**raw.get("defaults", {}).get("resources", {}), **(node.get("resources") or {})}
    requests = {key: merged[key] for key in ("cpu", "memory") if merged.get(key)}
    limits = {key: merged[f"{key}_limit"] for key in ("cpu", "memory") if merged.get(f"{key}_limit")}
    if merged.get("gpu"):
        limits["nvidia.com/gpu"] = str(merged["gpu"])
    return requests, limits


@functools.cache
def load_dagbag(path: Path):
    """A real Airflow DagBag of one file (cached: parsing is the slow part)."""
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(path))


def run_context(run_id: str, params, logical_date=LOGICAL_DATE, asset_events=(), run_type=None) -> dict:
    """The context Airflow renders a task's templates with: run id, params, dag_run and ti.

    `asset_events`: the run's consumed_asset_events (Airflow's AssetEventDagRunReference), empty
    unless the run was asset-triggered.
    """
    from airflow.utils.types import DagRunType

    dag_run = SimpleNamespace(
        logical_date=logical_date, data_interval_start=INTERVAL[0] if logical_date else None,
        data_interval_end=INTERVAL[1] if logical_date else None, run_type=run_type or DagRunType.SCHEDULED,
        consumed_asset_events=list(asset_events),
    )
    return {"run_id": run_id, "params": params, "dag_run": dag_run, "ti": SimpleNamespace(try_number=2)}
