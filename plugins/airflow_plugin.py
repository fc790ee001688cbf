"""JimuPlugin: mounts the editor in Airflow 3's api-server at /jimu, with a nav entry to it.

Registered through the `airflow.plugins` entry point (setup.cfg), so installing jimu into
Airflow's environment is the whole setup. Every Airflow process loads plugins (scheduler,
dag processor, triggerer, ...), but only the api-server reads `fastapi_apps`: the editor app
is built there, on first access, and importing this module stays cheap.
"""

from __future__ import annotations

import logging
from functools import cache
from typing import TYPE_CHECKING, Any

from airflow.plugins_manager import AirflowPlugin

if TYPE_CHECKING:
    from fastapi import FastAPI

log = logging.getLogger(__name__)

URL_PREFIX = "/jimu"

# An iframe in Airflow's navigation: the editor keeps its own CSS and React, apart from Airflow's.
EDITOR_VIEW = {
    "name": "Jimu",
    "href": f"{URL_PREFIX}/",
    "url_route": "jimu",
    "destination": "nav",
    "category": "browse",
}


@cache
def editor_app() -> FastAPI:
    """The editor app in plugin mode, built once per process (503 everywhere if it cannot be)."""
    try:
        from jimu.plugins.airflow_config import ui_config_from_airflow
        from jimu.ui_plugin.app import create_app

        return create_app(ui_config_from_airflow())
    except Exception:
        # Raising here would stop the whole api-server, and Airflow's UI with it, over the editor.
        log.exception("The Jimu editor could not start; %s answers 503 until this is fixed", URL_PREFIX)
        return unavailable_app()


def unavailable_app() -> FastAPI:
    """An app answering every request with 503 and where to look (not why: callers may be anonymous)."""
    from fastapi import FastAPI
    from fastapi.responses import JSONResponse

    app = FastAPI(title="Jimu editor (unavailable)", openapi_url=None, docs_url=None, redoc_url=None)
    detail = (
        "The Jimu editor could not start. The api-server log says why "
        "(logger jimu.plugins.airflow_plugin); fix it and restart the api-server."
    )

    @app.api_route("/{path:path}", methods=["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"])
    def unavailable(path: str) -> JSONResponse:
        return JSONResponse({"detail": detail}, status_code=503)

    return app


class JimuPlugin(AirflowPlugin):
    name = "jimu"
    external_views = [EDITOR_VIEW]

    @property
    def fastapi_apps(self) -> list[dict[str, Any]]:  # type: ignore[override]
        return [{"name": "jimu", "app": editor_app(), "url_prefix": URL_PREFIX}]
