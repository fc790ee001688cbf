"""Runs in the editor: start, history, state, live events (SSE), stop, rerun-from, output preview."""

# No `from __future__ import annotations`: FastAPI reads the route signatures, and `Run` below
# is local to runs_router, so its annotations must be evaluated where they are written.
from collections.abc import AsyncIterable
from pathlib import Path
from typing import Annotated, Any, Literal

import anyio
from fastapi import APIRouter, Depends, Header, Query
from fastapi.sse import EventSourceResponse, ServerSentEvent
from pydantic import BaseModel, ConfigDict, Field

from jimu.refs import IDENTIFIER
from jimu.run.records import (
    FINAL_STATES,
    UnknownRun,
    is_final,
    node_ids,
    read_events,
    read_request,
    read_state,
)
from jimu.run.service import RunService
from jimu.ui_plugin.errors import ApiError, error_responses
from jimu.ui_plugin.ids import pipeline_id
from jimu.ui_plugin.workspace import PipelineStore

EVENT_POLL_SECONDS = 0.1
MAX_PREVIEW_ROWS = 1000


class StartRun(BaseModel):
    model_config = ConfigDict(extra="forbid")
    pipeline: str | None = Field(None, description="id of a workspace pipeline (<workspace>/<id>.json)")
    spec: dict[str, Any] | None = Field(None, description="an inline pipeline spec, saved or not")
    params: dict[str, Any] = Field(default_factory=dict, description="pipeline param values")


class Rerun(BaseModel):
    model_config = ConfigDict(extra="forbid")
    from_node: str = Field(description="the node to run again, with everything downstream of it")
    spec: dict[str, Any] | None = Field(None, description="the pipeline as it is now (default: the earlier run's)")
    params: dict[str, Any] | None = Field(None, description="param values (default: the earlier run's)")


class RunStarted(BaseModel):
    run_id: str


class NodeState(BaseModel):
    state: str
    started: float | None = None
    ended: float | None = None
    seconds: float | None = None
    rows: dict[str, int] = Field(default_factory=dict)
    metrics: dict[str, Any] = Field(default_factory=dict)
    exports: list[str] = Field(default_factory=list)
    error: str | None = None
    reason: str | None = None
    log: str | None = Field(None, description="the node's log file")
    log_tail: str | None = Field(None, description="the last lines of the node's log, once it ended")
    warnings: list[str] = Field(default_factory=list)


class RunState(BaseModel):
    run_id: str
    pipeline: str
    state: Literal["queued", "running", "success", "failed", "stopped"]
    created: float
    started: float | None = None
    ended: float | None = None
    seconds: float | None = None
    error: str | None = None
    airflow_run_id: str | None = None
    data_folder: str | None = None
    logs_folder: str | None = None
    rerun_of: str | None = None
    from_node: str | None = None
    nodes: dict[str, NodeState]


class Column(BaseModel):
    name: str
    type: str = Field(description="the Arrow type, e.g. double, int64, string, timestamp[us]")


class Chart(BaseModel):
    name: str
    spec: dict[str, Any] = Field(description="a Vega-Lite spec with its data inline (jimu.runtime.charts)")


class OutputPreview(BaseModel):
    kind: Literal["table", "metrics"]
    columns: list[Column]
    rows: list[dict[str, Any]] = Field(description="the first `limit` rows, JSON-safe (NaN as null)")
    row_count: int | None = Field(description="rows in the whole table, from the Parquet footer")
    metrics: dict[str, Any] | None
    charts: list[Chart] = Field(default_factory=list, description="charts stored beside the table or metrics, by name")


def runs_router(runs: RunService, store: PipelineStore) -> APIRouter:
    """The /runs routes over a run service (warm or cold) and the workspace's pipelines."""
    router = APIRouter(prefix="/runs", tags=["runs"])

    def existing_run(run_id: str) -> Path:
        try:
            return runs.folder(run_id)
        except UnknownRun as exc:
            raise ApiError(404, str(exc), "use a run id from GET /api/runs") from None

    Run = Annotated[Path, Depends(existing_run)]

    @router.post("", name="start_run", status_code=202, responses=error_responses(400, 404, 413, 422, 500))
    def start_run(body: StartRun) -> RunStarted:
        if (body.pipeline is None) == (body.spec is None):
            raise ApiError(400, "give either 'pipeline' (a workspace pipeline id) or 'spec' (an inline spec)",
                           "send {\"pipeline\": \"<id>\"} for a saved pipeline, or {\"spec\": {...}} for an unsaved one")
        spec, source = (body.spec, None) if body.spec is not None else _workspace_pipeline(store, body.pipeline)
        return RunStarted(run_id=runs.start(spec, body.params, source))

    @router.get("", name="list_runs", responses=error_responses(400, 422, 500))
    def list_runs(pipeline: str | None = None) -> list[RunState]:
        if pipeline is not None:
            pipeline_id(pipeline)  # the same id check as every other route that takes a pipeline id
        return runs.list(pipeline)

    @router.get("/{run_id}", name="get_run", responses=error_responses(404, 500))
    def get_run(folder: Run) -> RunState:
        return read_state(folder)

    @router.get("/{run_id}/events", name="run_events", response_class=EventSourceResponse,
                responses=_json_errors(400, 404, 500))
    async def run_events(
        folder: Run,
        after: Annotated[int, Depends(_last_event_id)],
    ) -> AsyncIterable[ServerSentEvent]:
        """One event per line of the run's event log (type run, node or log); ends after the run's last."""
        offset, next_id = 0, 1
        while True:
            events, offset, next_id = read_events(folder, after, offset, next_id)
            for event_id, event in events:
                yield ServerSentEvent(data=event, event=event["type"], id=str(event_id))
                if is_final(event):
                    return
            if not events and read_state(folder)["state"] in FINAL_STATES:
                events, offset, next_id = read_events(folder, after, offset, next_id)
                if not events:  # its process died without a last event: say how the run ended
                    state = read_state(folder)
                    yield ServerSentEvent(data={"type": "run", "state": state["state"], "error": state.get("error")},
                                          event="run")
                    return
                continue
            await anyio.sleep(EVENT_POLL_SECONDS)

    @router.post("/{run_id}/stop", name="stop_run", responses=error_responses(404, 500))
    def stop_run(folder: Run) -> RunState:
        return runs.stop(folder.name)

    @router.post("/{run_id}/rerun", name="rerun", status_code=202, responses=error_responses(400, 404, 413, 422, 500))
    def rerun(folder: Run, body: Rerun) -> RunStarted:
        from jimu.run.rerun import RerunRefused

        try:
            return RunStarted(run_id=runs.rerun(folder.name, body.from_node, body.spec, body.params))
        except RerunRefused as exc:
            raise ApiError(400, str(exc), "rerun from a node of the earlier run whose upstream outputs exist, "
                           "or start a new run") from None

    @router.get("/{run_id}/nodes/{node}/outputs/{port}", name="output_preview",
                responses=error_responses(404, 422, 500))
    def output_preview(folder: Run, node: str, port: str,
                       limit: Annotated[int, Query(ge=0, le=MAX_PREVIEW_ROWS)] = 50) -> OutputPreview:
        from jimu.run.preview import preview_port

        preview = preview_port(_port_folder(folder, node, port), limit)
        if preview is None:
            raise ApiError(404, f"output {node}.{port} of run {folder.name} holds no table and no metrics",
                           "preview a port that holds a table or metrics")
        return preview

    return router


def _json_errors(*statuses: int) -> dict:
    """Error responses of a streaming route: JSON, not the stream's own content type."""
    return {status: {**answer, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}}
            for status, answer in error_responses(*statuses).items()}


def _last_event_id(
    last_event_id: Annotated[str | None, Header(description="resume after this event id")] = None,
) -> int:
    """The id of the last event a reconnecting client saw (0: none); checked before the stream starts."""
    header = last_event_id
    if header is None or header == "":
        return 0
    if not header.isascii() or not header.isdigit() or len(header) > 12:
        raise ApiError(400, f"Last-Event-ID {header[:40]!r} is not an event id",
                       "reconnect without Last-Event-ID, or with the `id` of the last event received")
    return int(header)


def _port_folder(folder: Path, node: str, port: str) -> Path:
    """The folder of a node's output port in a run, proven inside the step-data root."""
    from jimu.runtime.storage import default_storage_base

    run_id = folder.name
    nodes = node_ids(read_request(folder)["spec"])
    if not IDENTIFIER.accepts(node) or node not in nodes:
        raise ApiError(404, f"run {run_id} has no node {node[:80]!r}", f"use one of its nodes: {', '.join(nodes)}")
    if not IDENTIFIER.accepts(port):
        raise ApiError(404, f"{port[:80]!r} is not a port name", IDENTIFIER.hint)
    data_folder = read_state(folder).get("data_folder")
    if not data_folder:
        raise ApiError(404, f"run {run_id} has not started, so node {node!r} has no outputs yet",
                       "wait for the node to finish (GET /api/runs/{id}/events follows it)")
    root = Path(default_storage_base()).resolve()
    port_folder = (Path(data_folder) / node / port).resolve()  # a reused output links to an earlier run's
    if not port_folder.is_relative_to(root) or not port_folder.is_dir():
        written = sorted(p.name for p in (Path(data_folder) / node).glob("*") if p.is_dir())
        raise ApiError(404, f"node {node!r} wrote no output {port!r} in run {run_id}",
                       f"use a port it wrote: {', '.join(written)}" if written else "the node wrote no outputs in this run")
    return port_folder


def _workspace_pipeline(store: PipelineStore, pipeline: str) -> tuple[dict, str]:
    """A workspace pipeline's spec and its file name; 404 when there is none, 400 when it is not JSON."""
    from jimu.errors import SpecError
    from jimu.validate import parse_pipeline_json

    found = store.read(pipeline_id(pipeline))
    try:
        return parse_pipeline_json(found.data, source=f"{found.id}.json"), f"{found.id}.json"
    except SpecError as exc:
        raise ApiError(400, str(exc), "fix the file, or save the pipeline again from the editor") from None
