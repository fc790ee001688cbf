"""create_app(): the editor's FastAPI app, the same in `jimu ui` and in the Airflow plugin."""

from __future__ import annotations

from contextlib import asynccontextmanager

from fastapi import APIRouter, Depends, FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic.json_schema import models_json_schema

from jimu.spec import PipelineSpec
from jimu.ui_plugin.auth import bearer_token_required
from jimu.ui_plugin.config import UiConfig
from jimu.ui_plugin.errors import error_responses, install_error_handlers
from jimu.ui_plugin.frontend import mount_front_end
from jimu.ui_plugin.limits import BodyLimitMiddleware
from jimu.ui_plugin.models import DuplicateRequest, Health, Me
from jimu.ui_plugin.routes.checks import checks_router
from jimu.ui_plugin.routes.components import components_router
from jimu.ui_plugin.routes.datasets import datasets_router
from jimu.ui_plugin.routes.deploy import deploy_router
from jimu.ui_plugin.routes.pipelines import pipelines_router
from jimu.ui_plugin.routes.runs import runs_router
from jimu.ui_plugin.routes.schedule import schedule_router
from jimu.ui_plugin.services import EditorServices

ERROR_SHAPE = """Every error answers `{"detail": {"message": ..., "fix": ..., ...}}`: what went wrong and
what to do. Validation problems add `issues` (code, path, node, field, message, hint); a stale
write (409) adds `current_etag` and `document`."""


def create_app(config: UiConfig) -> FastAPI:
    # No slash redirects: an API answers the URL it was sent, or says what is wrong with it.
    services = EditorServices(config)

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        services.warm_up()  # Airflow runs a mounted app's lifespan too
        try:
            yield
        finally:
            services.close()

    app = FastAPI(title="Jimu editor API", version="1", description=ERROR_SHAPE, redirect_slashes=False,
                  lifespan=lifespan)
    app.state.services = services
    read = list(config.read_dependencies)
    if config.token:
        read.append(Depends(bearer_token_required(config.token)))
    write = list(config.write_dependencies)
    api = APIRouter(prefix="/api", dependencies=read, responses=error_responses(401))

    @api.get("/health", name="health")
    def health() -> Health:
        return Health(status="ok", mode=config.mode)

    current_user = Depends(config.current_user or _no_user)

    @api.get("/me", name="me")
    def me(user=current_user) -> Me:
        return Me(user=user, mode=config.mode)

    # Every router of the API, in one place.
    api.include_router(components_router(services))
    api.include_router(pipelines_router(services, write))
    api.include_router(deploy_router(services, write))
    api.include_router(checks_router(services))
    api.include_router(schedule_router())
    api.include_router(runs_router(services.runs, services.store))
    api.include_router(datasets_router(services.datasets, write))
    app.include_router(api)
    mount_front_end(app)

    install_error_handlers(app)
    # An upload is a file, not a document: it gets its own, larger limit (plus room for the form's framing).
    app.add_middleware(BodyLimitMiddleware, max_bytes=config.max_body_bytes,
                       larger={"/api/datasets": config.max_upload_bytes + 64 * 1024})
    app.openapi = lambda: _openapi(app)
    return app


def _no_user() -> None:
    return None


def _openapi(app: FastAPI) -> dict:
    """FastAPI's schema plus the models of the bodies read as raw bytes (strict JSON needs the text)."""
    if app.openapi_schema is None:
        schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
        _, defs = models_json_schema(
            [(PipelineSpec, "validation"), (DuplicateRequest, "validation")],
            ref_template="#/components/schemas/{model}",
        )
        schema.setdefault("components", {}).setdefault("schemas", {}).update(defs.get("$defs", {}))
        app.openapi_schema = schema
    return app.openapi_schema
