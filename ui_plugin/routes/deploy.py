"""POST /api/pipelines/{id}/deploy: compile a saved pipeline into the dags folder; GET /api/profiles: with what."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter

from jimu.compile import compile_pipeline
from jimu.compile.dags_folder import check_dag_ids
from jimu.errors import SpecError
from jimu.files import write_atomically
from jimu.ui_plugin.errors import ApiError, IssueBody, error_responses
from jimu.ui_plugin.ids import PIPELINE_ID_PATH, inside
from jimu.ui_plugin.models import DeployResult, ProfileInfo
from jimu.ui_plugin.routes.checks import PROFILE_QUERY, checked_spec
from jimu.ui_plugin.services import EditorServices
from jimu.validate import validate_pipeline_json


def deploy_router(services: EditorServices, write_dependencies) -> APIRouter:
    router = APIRouter(tags=["deploy"])

    @router.get("/profiles", name="list_profiles", responses=error_responses(500))
    def list_profiles() -> list[ProfileInfo]:
        """The built-in profiles, then each readable `<profiles dir>/<name>.yaml`, by name."""
        return [ProfileInfo(name=name, kind=p.kind, dag_id_suffix=p.dag_id_suffix)
                for name, p in services.profiles().items()]

    @router.post("/pipelines/{id}/deploy", name="deploy_pipeline", dependencies=list(write_dependencies),
                 responses=error_responses(400, 404, 409, 422, 500))
    def deploy(id: str = PIPELINE_ID_PATH, profile: str = PROFILE_QUERY) -> DeployResult:
        """Write `<dag id>.py` into the dags folder (atomically; a dag id another file defines is refused)."""
        folder = services.config.dags_folder
        if folder is None:
            raise ApiError(409, "this server has no dags folder to deploy into",
                           "start the editor inside Airflow (the plugin), or compile with POST /api/compile and "
                           "copy the source into your dags folder", reason="no-dags-folder")
        found = services.store.read(id)
        chosen = services.profile(profile)
        spec = checked_spec(validate_pipeline_json(found.data, services.catalog()), status=409)
        if spec.id != found.id:
            raise ApiError(409, f"the file {found.id}.json holds pipeline {spec.id!r}",
                           f"set its id to {found.id!r} (PUT /api/pipelines/{found.id})")
        dag_id = chosen.dag_id(spec.id)
        target = inside(folder, f"{dag_id}.py")
        source = compile_pipeline(spec, services.catalog(), chosen, f"{spec.id}.json")
        try:
            check_dag_ids(folder, {target: dag_id})
        except SpecError as exc:
            raise ApiError(409, exc.issues[0].message, exc.issues[0].hint,
                           issues=[IssueBody.of(i).model_dump() for i in exc.issues]) from None
        changed = write_atomically(target, source)
        return DeployResult(dag_id=dag_id, path=str(target), changed=changed, dag_url=dag_url(chosen, dag_id))

    def dag_url(profile, dag_id: str) -> str | None:
        # Airflow 3's UI shows a DAG at <base>/dags/<dag id>; inside Airflow the base is this server's root.
        base = profile.airflow_url.rstrip("/") if profile.airflow_url else "" if services.config.mode == "airflow" else None
        return None if base is None else f"{base}/dags/{quote(dag_id, safe='')}"

    return router
