"""Pipeline documents as the workspace stores them: checked for shape, formatted for git.

A saved pipeline may not validate yet (work in progress: a dangling edge, an empty param), but
it is strict JSON of the pipeline's shape, so the editor can always load it again. Files are
written with indent 2 in the order the spec model dumps its fields, with a final newline, and
only the fields the document sets: a diff shows what the user changed.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import ValidationError

from jimu.errors import SpecError
from jimu.spec import PipelineSpec
from jimu.spec.pydantic_issues import issues_from_validation_error
from jimu.ui_plugin.errors import ApiError, IssueBody
from jimu.validate import parse_pipeline_json


def parse_body(data: bytes) -> dict[str, Any]:
    """A JSON object from a request body; 400 listing every problem when it is not strict JSON."""
    try:
        return parse_pipeline_json(data)
    except SpecError as exc:
        raise ApiError(400, f"the body is not a JSON object: {exc.issues[0].message}",
                       "send one JSON object (UTF-8, no repeated keys, no NaN)",
                       issues=[IssueBody.of(i).model_dump() for i in exc.issues]) from None


def pipeline_shape(raw: dict[str, Any]) -> PipelineSpec:
    """The spec model of a document; 422 with every problem when it is not of the pipeline's shape."""
    try:
        return PipelineSpec.model_validate(raw)
    except ValidationError as exc:
        issues = issues_from_validation_error(exc, raw)
        raise ApiError(422, f"the document is not of the pipeline's shape: {len(issues)} problem(s), "
                       f"first {issues[0].path}: {issues[0].message}",
                       "fix each listed field (see GET /api/schema/pipeline)",
                       issues=[IssueBody.of(i).model_dump() for i in issues]) from None


def pipeline_file_bytes(raw: dict[str, Any], path_id: str) -> bytes:
    """The bytes to store for a document saved under `path_id`."""
    spec = pipeline_shape(raw)
    if spec.id != path_id:
        raise ApiError(400, f"the document's id {spec.id!r} is not the id in the URL {path_id!r}",
                       "send the pipeline to /api/pipelines/<its id>, or set its `id` to the URL's")
    text = json.dumps(spec.model_dump(mode="json", by_alias=True, exclude_unset=True), indent=2, ensure_ascii=False)
    try:
        return (text + "\n").encode("utf-8")
    except UnicodeEncodeError as exc:  # a "\ud800" escape: no character, cannot be written as UTF-8
        raise ApiError(422, f"the document holds a lone UTF-16 surrogate ({exc.object[exc.start:exc.end]!r})",
                       "remove the \\ud800-\\udfff escape or write the character itself") from None
