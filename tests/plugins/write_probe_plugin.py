"""A test-only Airflow plugin: a PUT route behind the jimu plugin's own write dependencies.

Copied into the test server's plugins folder (the jimu plugin itself comes from its entry
point). It stands in for the editor's PUT /jimu/api/pipelines/{id} until that route exists.
"""

from __future__ import annotations

from airflow.plugins_manager import AirflowPlugin
from fastapi import FastAPI

from jimu.plugins.airflow_config import ui_config_from_airflow

PROBE_PREFIX = "/jimu-write-probe"

_config = ui_config_from_airflow()
probe_app = FastAPI(dependencies=list(_config.read_dependencies))


@probe_app.get("/pipelines/{pipeline_id}")
def read(pipeline_id: str) -> dict:
    return {"read": pipeline_id}


@probe_app.put("/pipelines/{pipeline_id}", dependencies=list(_config.write_dependencies))
def save(pipeline_id: str) -> dict:
    return {"saved": pipeline_id}


class WriteProbePlugin(AirflowPlugin):
    name = "jimu_write_probe"
    fastapi_apps = [{"name": "jimu_write_probe", "app": probe_app, "url_prefix": PROBE_PREFIX}]
