"""Compile a checked pipeline into Airflow DAG source: pure and deterministic."""

from __future__ import annotations

from jimu.catalog import ComponentCatalog
from jimu.compile.plan import plan_pipeline
from jimu.compile.profile import DeploymentProfile, load_profile
from jimu.compile.pysource import INDENT
from jimu.compile.render_alerts import deadline_imports, uses_alerts
from jimu.compile.render_assets import uses_assets
from jimu.compile.render_dag import (
    render_dag_open,
    render_dependencies,
    render_header,
    render_home,
    render_imports,
)
from jimu.compile.render_tasks import render_local_task, render_pod_task
from jimu.spec import PipelineSpec

TASK_RENDERERS = {"kubernetes": render_pod_task, "local": render_local_task}

__all__ = ["DeploymentProfile", "compile_pipeline", "load_profile"]


def compile_pipeline(
    spec: PipelineSpec,
    catalog: ComponentCatalog,
    profile: DeploymentProfile,
    source: str | None = None,
) -> str:
    """Python source of the Airflow DAG for a pipeline that validate_pipeline accepted."""
    profile = profile.with_home()  # a local profile without a home takes this machine's
    nodes = plan_pipeline(spec, catalog)
    render_task = TASK_RENDERERS[profile.kind]
    names = {"datetime", "DAG"} | ({"Param"} if spec.params else set())
    if uses_alerts(spec):
        names.add("JimuAlert")
    names |= deadline_imports(spec)
    if uses_assets(spec):
        names.add("Asset")
    tasks = []
    for item in nodes:
        text, needed = render_task(item, spec, profile)
        tasks.append(text)
        names |= needed
    return "".join(
        [
            render_header(spec, profile, source),
            "\n",
            render_imports(names),
            "\n",
            render_home(profile),
            render_dag_open(spec, profile),
            "\n".join(tasks) or f"{INDENT}pass  # no nodes yet\n",
            render_dependencies(nodes),
        ]
    )
