"""The workspace's pipelines: list, create or duplicate, read, replace (If-Match), delete (If-Match)."""

from __future__ import annotations

import json
import threading

from fastapi import APIRouter, Depends, Header, Response

from jimu.ui_plugin.documents import parse_body, pipeline_file_bytes
from jimu.ui_plugin.errors import ApiError, error_responses
from jimu.ui_plugin.ids import PIPELINE_ID_PATH, pipeline_id
from jimu.ui_plugin.models import PipelineSaved, PipelineSummary
from jimu.ui_plugin.routes.body import PIPELINE_BODY, PIPELINE_SCHEMA_REF, json_body, raw_body
from jimu.ui_plugin.services import EditorServices
from jimu.ui_plugin.workspace import StoredPipeline
from jimu.validate import validate_pipeline_json

CREATE_BODY = json_body(
    {"oneOf": [{"$ref": PIPELINE_SCHEMA_REF}, {"$ref": "#/components/schemas/DuplicateRequest"}]},
    "a new pipeline spec, or {from, id} to duplicate pipeline `from` as `id`",
)
DOCUMENT = {200: {"description": "the pipeline file as stored, with its ETag",
                  "content": {"application/json": {"schema": {"$ref": PIPELINE_SCHEMA_REF}}}}}
# How many pipelines' validity the list remembers, by etag (the file's bytes).
VALIDITY_CACHE = 1024


def pipelines_router(services: EditorServices, write_dependencies) -> APIRouter:
    router = APIRouter(tags=["pipelines"])
    store = services.store

    validity: dict[str, bool] = {}  # etag -> validates; keyed by the hash, never by the bytes
    validity_lock = threading.Lock()

    def validates(found: StoredPipeline) -> bool:
        with validity_lock:
            known = validity.get(found.etag)
        if known is None:
            known = validate_pipeline_json(found.data, services.catalog()).ok
            with validity_lock:
                if len(validity) >= VALIDITY_CACHE:
                    validity.pop(next(iter(validity)))  # the oldest
                validity[found.etag] = known
        return known

    def summary(found: StoredPipeline) -> PipelineSummary:
        common = {"id": found.id, "modified": found.modified, "etag": found.etag}
        try:
            raw = json.loads(found.data)
        except ValueError:
            raw = None
        if not isinstance(raw, dict):
            return PipelineSummary(**common, valid=False, readable=False)
        nodes = raw.get("nodes")
        return PipelineSummary(
            **common, title=_text(raw.get("title")), description=_text(raw.get("description")),
            nodes=len(nodes) if isinstance(nodes, list) else 0, valid=validates(found),
            template=_text(raw.get("template")) or None,
        )

    @router.get("/pipelines", name="list_pipelines", responses=error_responses(500))
    def list_pipelines() -> list[PipelineSummary]:
        """Every pipeline in the workspace, by id."""
        found = []
        for pid in store.ids():
            try:
                found.append(summary(store.read(pid)))
            except ApiError:  # deleted between listing and reading
                continue
        return found

    @router.post(
        "/pipelines", name="create_pipeline", status_code=201, openapi_extra=CREATE_BODY,
        dependencies=list(write_dependencies), responses=error_responses(400, 404, 409, 413, 422, 500),
    )
    def create_pipeline(response: Response, body: bytes = Depends(raw_body)) -> PipelineSaved:
        """Create a pipeline from a spec, or duplicate one with {from, id}; 409 if the id exists."""
        raw = parse_body(body)
        if "from" in raw:
            source, new_id = raw.get("from"), raw.get("id")
            if set(raw) != {"from", "id"} or not isinstance(source, str) or not isinstance(new_id, str):
                raise ApiError(400, "a duplicate request is exactly {\"from\": <id>, \"id\": <new id>}",
                               "send the two ids as strings and nothing else")
            raw = parse_body(store.read(pipeline_id(source)).data)
            raw["id"] = new_id
        new_id = raw.get("id")
        if not isinstance(new_id, str):
            raise ApiError(400, "the pipeline has no string `id`", "set `id`, e.g. \"orders_daily\"")
        saved = store.create(pipeline_id(new_id), pipeline_file_bytes(raw, new_id))
        return _saved(response, saved)

    @router.get("/pipelines/{id}", name="get_pipeline", responses={**DOCUMENT, **error_responses(400, 404, 500)})
    def get_pipeline(id: str = PIPELINE_ID_PATH) -> Response:
        found = store.read(id)
        return Response(found.data, media_type="application/json", headers={"ETag": found.etag})

    @router.put(
        "/pipelines/{id}", name="save_pipeline", openapi_extra=PIPELINE_BODY,
        dependencies=list(write_dependencies), responses=error_responses(400, 404, 409, 413, 422, 428, 500),
    )
    def save_pipeline(response: Response, id: str = PIPELINE_ID_PATH, body: bytes = Depends(raw_body),
                      if_match: str | None = Header(None, description="the ETag this change was made on")) -> PipelineSaved:
        """Replace a pipeline if it is still the version If-Match names (409 with the current one if not)."""
        pid, expected = pipeline_id(id), _required(if_match)
        return _saved(response, store.replace(pid, pipeline_file_bytes(parse_body(body), pid), expected))

    @router.delete(
        "/pipelines/{id}", name="delete_pipeline", status_code=204, dependencies=list(write_dependencies),
        responses=error_responses(400, 404, 409, 422, 428, 500),
    )
    def delete_pipeline(id: str = PIPELINE_ID_PATH, if_match: str | None = Header(None, description="the ETag last read")) -> Response:
        store.delete(pipeline_id(id), _required(if_match))
        return Response(status_code=204)

    return router


def _saved(response: Response, saved: StoredPipeline) -> PipelineSaved:
    response.headers["ETag"] = saved.etag
    return PipelineSaved(id=saved.id, etag=saved.etag)


def _required(if_match: str | None) -> str:
    if not if_match:
        raise ApiError(428, "this change needs an If-Match header", "send the ETag you last read in If-Match "
                       "(GET /api/pipelines/{id} answers it), so a newer version is never overwritten")
    return if_match


def _text(value) -> str:
    return value if isinstance(value, str) else ""
