"""JimuPlugin: mounts the editor in Airflow 3's api-server at /jimu, with a nav entry to it.

Registered through the `airflow.plugins` entry point (setup.cfg), so installing jimu into
Airflow's environment is the whole setup. Every Airflow process loads plugins (scheduler,
dag processor, triggerer, ...), but only the api-server reads `fastapi_apps`: the editor app
is built there, on first access, and importing this module stays cheap.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

from airflow.plugins_manager import AirflowPlugin

if TYPE_CHECKING:
    from fastapi import FastAPI

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
    """The editor app in plugin mode, built once per process."""
    from jimu.plugins.airflow_config import ui_config_from_airflow
    from jimu.ui_plugin.app import create_app

    return create_app(ui_config_from_airflow())


class JimuPlugin(AirflowPlugin):
    name = "jimu"
    external_views = [EDITOR_VIEW]

    @property
    def fastapi_apps(self) -> list[dict[str, Any]]:  # type: ignore[override]
        return [{"name": "jimu", "app": editor_app(), "url_prefix": URL_PREFIX}]
