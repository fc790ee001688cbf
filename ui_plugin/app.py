"""create_app(): the editor's FastAPI app, the same in `jimu ui` and in the Airflow plugin."""

from __future__ import annotations

from fastapi import APIRouter, Depends, FastAPI

from jimu.ui_plugin.config import UiConfig
from jimu.ui_plugin.routes.runs import runs_router


def create_app(config: UiConfig) -> FastAPI:
    app = FastAPI(title="Jimu editor API", version="1")
    api = APIRouter(prefix="/api", dependencies=list(config.read_dependencies))

    @api.get("/health")
    def health() -> dict:
        return {"status": "ok", "mode": config.mode}

    @api.get("/me")
    def me(user=Depends(config.current_user) if config.current_user else None) -> dict:
        return {"user": user, "mode": config.mode}

    api.include_router(runs_router(config))
    app.include_router(api)
    return app
