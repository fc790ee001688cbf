"""The shipped pipelines (templates/*/pipeline.json) and their compiled DAGs in dags/."""

from __future__ import annotations

from pathlib import Path

from jimu.catalog import ComponentCatalog
from jimu.compile import compile_pipeline, load_profile
from jimu.compile.dags_folder import check_dag_ids
from jimu.errors import Issue, SpecError
from jimu.files import write_atomically
from jimu.paths import DAGS_DIR, REPO_ROOT, TEMPLATES_DIR
from jimu.validate import load_pipeline


def shipped_pipelines() -> list[Path]:
    return sorted(TEMPLATES_DIR.glob("*/pipeline.json"))


def compile_shipped(catalog: ComponentCatalog, profile: str, out: Path | None, check: bool, echo=print) -> list[Path]:
    """Compile every shipped pipeline; returns the DAG files that were (or, with check, are) stale."""
    out = out or DAGS_DIR
    profile = load_profile(profile)
    compiled = {}
    for path in shipped_pipelines():
        spec = load_pipeline(path, catalog)
        source = compile_pipeline(spec, catalog, profile, path.relative_to(REPO_ROOT).as_posix())
        target = out / f"{profile.dag_id(spec.id)}.py"
        if target in compiled:
            other = compiled[target][1]
            issue = Issue("duplicate-dag-id", "$.id", f"pipeline id {spec.id!r} is also the id of {other}",
                          "give every shipped pipeline its own id")
            raise SpecError(str(path), [issue])
        compiled[target] = (profile.dag_id(spec.id), path, source)
    check_dag_ids(out, {target: dag_id for target, (dag_id, _, _) in compiled.items()})
    stale = []
    for target, (_, path, source) in compiled.items():
        current = target.read_text(encoding="utf-8") if target.exists() else None
        if current == source:
            continue
        stale.append(target)
        if check:
            echo(f"stale: {target} (from {path})")
        else:
            write_atomically(target, source)
            echo(f"wrote {target}")
    return stale
