"""`jimu deploy`: compile pipelines into an Airflow dags folder and say what changed.

Unchanged files are not written (Airflow then sees no new DAG version); changed ones are
replaced atomically. With `prune`, Jimu files this profile wrote for pipelines no longer
deployed are removed; files Jimu did not generate, and other profiles' files, are never touched.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from jimu.catalog import ComponentCatalog
from jimu.compile import compile_pipeline
from jimu.compile.dags_folder import check_dag_ids, dag_files, header_field
from jimu.compile.profile import DeploymentProfile
from jimu.compile.pysource import comment_text
from jimu.files import write_atomically
from jimu.spec import PipelineSpec
from jimu.validate import load_pipeline

KINDS = ("added", "updated", "unchanged", "removed")


@dataclass(frozen=True)
class Change:
    kind: str  # one of KINDS
    path: Path
    dag_id: str


def profile_header(profile: DeploymentProfile) -> str:
    """How a DAG file's `# profile:` line names the profile that compiled it."""
    return f"{comment_text(profile.name)} ({profile.kind})"


@dataclass(frozen=True)
class DeployPlan:
    """Every spec validated and compiled; nothing written yet."""

    folder: Path
    profile: DeploymentProfile
    specs: tuple[PipelineSpec, ...]
    compiled: dict[Path, tuple[str, str]]  # target -> (dag_id, source)


def plan_deploy(specs: Iterable[Path], catalog: ComponentCatalog, profile: DeploymentProfile, folder: Path,
                *, source_name: Callable[[Path], str] = str) -> DeployPlan:
    """Compile every spec for `folder`; raises (and nothing is written) unless all validate."""
    loaded, compiled = [], {}
    for spec_path in specs:
        spec = load_pipeline(spec_path, catalog)
        dag_id = profile.dag_id(spec.id)
        compiled[folder / f"{dag_id}.py"] = (dag_id, compile_pipeline(spec, catalog, profile, source_name(spec_path)))
        loaded.append(spec)
    check_dag_ids(folder, {target: dag_id for target, (dag_id, _) in compiled.items()})
    return DeployPlan(folder, profile, tuple(loaded), compiled)


def deploy(specs: Iterable[Path], catalog: ComponentCatalog, profile: DeploymentProfile, folder: Path,
           *, prune: bool = False, source_name: Callable[[Path], str] = str) -> list[Change]:
    """Compile every spec (all must validate, or nothing is written) into `folder`; the changes, by file."""
    return write_plan(plan_deploy(specs, catalog, profile, folder, source_name=source_name), prune=prune)


def write_plan(plan: DeployPlan, *, prune: bool = False) -> list[Change]:
    """Write the plan's DAG files (unchanged ones are left alone); the changes, by file."""
    folder, profile, compiled = plan.folder, plan.profile, plan.compiled
    changes = []
    for target, (dag_id, source) in sorted(compiled.items()):
        existed = target.is_file()
        kind = ("updated" if existed else "added") if write_atomically(target, source) else "unchanged"
        changes.append(Change(kind, target, dag_id))
    if prune:
        changes += _prune(folder, profile, set(compiled))
    return changes


def _prune(folder: Path, profile: DeploymentProfile, kept: set[Path]) -> list[Change]:
    removed = []
    for dag_id, paths in sorted(dag_files(folder).items()):
        for path in paths:
            if path in kept or header_field(path, "profile") != profile_header(profile):
                continue
            path.unlink()
            removed.append(Change("removed", path, dag_id))
    return removed


def images_pinned(plan: DeployPlan, catalog: ComponentCatalog) -> list[str]:
    """Kubernetes profiles: every image the deployed DAGs' pods run, as the DAG files name it."""
    if plan.profile.kind != "kubernetes":
        return []
    refs = {node.component for spec in plan.specs for node in spec.nodes}
    return sorted({plan.profile.image(catalog.require(ref).spec.runtime.image) for ref in refs})


def summary(changes: list[Change]) -> str:
    counts = {kind: sum(1 for c in changes if c.kind == kind) for kind in KINDS}
    return ", ".join(f"{n} {kind}" for kind, n in counts.items())
