"""Typed answers of the editor API (the OpenAPI schema the front end's client is checked against)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from jimu.ui_plugin.errors import IssueBody


class ComponentInfo(BaseModel):
    """One published component version, with what the palette and the node form need."""

    name: str
    version: str
    ref: str = Field(description="name@version, what a node's `component` pins")
    title: str
    description: str
    category: str
    inputs: list[dict[str, Any]] = Field(description="input ports (name, description, required, multiple)")
    outputs: list[dict[str, Any]] = Field(description="output ports")
    params: dict[str, Any] = Field(description="the params' JSON Schema: the node form is built from it")
    spec: dict[str, Any] = Field(description="the whole component spec")


class PipelineSummary(BaseModel):
    id: str
    title: str = ""
    description: str = ""
    nodes: int = Field(0, description="node count")
    modified: float = Field(description="modification time, seconds since the epoch")
    etag: str
    valid: bool = Field(description="the pipeline validates (no error-level issue)")
    readable: bool = Field(True, description="false when the file is not a pipeline document (edited by hand?)")
    template: str | None = Field(None, description="name@version of the template it was made from, if any")


class PipelineSaved(BaseModel):
    id: str
    etag: str


class DuplicateRequest(BaseModel):
    """POST /api/pipelines with {from, id}: a copy of pipeline `from` saved as `id`."""

    source: str = Field(alias="from")
    id: str


class ValidationResult(BaseModel):
    ok: bool = Field(description="no error-level issue")
    issues: list[IssueBody]


class CompileResult(BaseModel):
    dag_id: str
    profile: str
    source: str = Field(description="the generated Airflow DAG file")


class DeployResult(BaseModel):
    dag_id: str
    path: str = Field(description="the DAG file written in the dags folder")
    changed: bool = Field(description="false when the file already held this source")
    dag_url: str | None = Field(None, description="the DAG in Airflow's UI: under the profile's airflow_url, or "
                                "on this server when the editor runs inside Airflow; else null")


class ProfileInfo(BaseModel):
    """A deployment profile the editor may deploy with."""

    name: str
    kind: str = Field(description="local (this machine's Airflow) or kubernetes (a pod per node)")
    dag_id_suffix: str = Field(description="what the profile appends to a pipeline id to form its dag id")


class Health(BaseModel):
    status: str
    mode: str


class Me(BaseModel):
    user: Any = None
    mode: str
