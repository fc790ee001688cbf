"""One error shape for every API answer that is not a success, and the handlers that make it.

Every error is `{"detail": {"message": ..., "fix": ..., ...}}`: what went wrong and what to do
about it. Validation problems add `issues` (the validator's records); a stale write adds the
current `etag` and `document`. Nothing answers a bare 500: an unexpected exception is logged
with its traceback and answered in the same shape.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from jimu.errors import Issue

log = logging.getLogger("jimu.ui_plugin")


class IssueBody(BaseModel):
    """One problem the validator found: where (JSON path, node) and how to fix it."""

    code: str
    path: str
    message: str
    hint: str
    node: str | None = None
    field: str | None = None
    severity: str = "error"
    line: int | None = Field(None, description="1-based line inside the field's text (SQL), when known")
    column: int | None = Field(None, description="1-based column of the problem's start on that line")

    @classmethod
    def of(cls, issue: Issue) -> IssueBody:
        return cls(**issue.to_dict(), field=field_of(issue.path), line=issue.line, column=issue.column)


def field_of(path: str) -> str | None:
    """`$.nodes[3].params.query` -> `params.query`: the node field a form highlights."""
    head, sep, rest = path.partition("].")
    if not sep or not head.startswith("$.nodes["):
        return None
    return rest


class ErrorDetail(BaseModel):
    model_config = ConfigDict(extra="allow")

    message: str
    fix: str


class ErrorBody(BaseModel):
    """What every non-2xx answer holds."""

    detail: ErrorDetail


class ApiError(Exception):
    """An answer that is not a success: a status and a message that says what to fix."""

    def __init__(self, status: int, message: str, fix: str, headers: dict[str, str] | None = None, **extra: Any):
        super().__init__(message)
        self.status, self.message, self.fix, self.headers, self.extra = status, message, fix, headers, extra

    def response(self) -> JSONResponse:
        return error_response(self.status, self.message, self.fix, self.headers, **self.extra)


def error_response(status: int, message: str, fix: str, headers: dict[str, str] | None = None,
                   **extra: Any) -> JSONResponse:
    return JSONResponse({"detail": {"message": message, "fix": fix, **extra}}, status_code=status, headers=headers)


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` for a route: each status documented with the one error shape."""
    return {status: {"model": ErrorBody, "description": STATUS_TEXT.get(status, "error")} for status in statuses}


STATUS_TEXT = {
    400: "the request is malformed (an id, a query parameter or the JSON); `fix` says how",
    401: "a Bearer token is needed",
    404: "no such pipeline, component or route",
    405: "this route does not take that method",
    409: "conflict: the id exists, the If-Match etag is stale (with the current etag and document), "
         "or deploying is not possible",
    413: "the request body is larger than the server takes",
    415: "the body is not JSON",
    422: "the document or query parameters do not fit: `issues` lists every problem",
    428: "If-Match is required",
    500: "an unexpected server error (logged with its traceback)",
}

# What FastAPI says for its own checks of query parameters and headers, keyed by status.
_FIX = {
    404: "check the route; the API is listed at /docs",
    405: "see /docs for the methods each route takes",
}


def allowed_methods(request: Request) -> list[str]:
    """Every method some route takes at this path (Starlette's 405 names only the first route's)."""
    methods: set[str] = set()
    for route in request.app.routes:
        route_methods = getattr(route, "methods", None)
        if route_methods and route.matches(request.scope)[0] != Match.NONE:
            methods |= route_methods
    return sorted(methods)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> JSONResponse:
        return exc.response()

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        headers = dict(exc.headers or {})
        if exc.status_code == 405:
            headers["Allow"] = ", ".join(allowed_methods(request))
        return error_response(exc.status_code, detail, _FIX.get(exc.status_code, "see /docs"), headers)

    @app.exception_handler(RequestValidationError)
    async def _request_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [
            {"where": ".".join(str(p) for p in err.get("loc", ())), "message": str(err.get("msg", ""))}
            for err in exc.errors()
        ]
        text = "; ".join(f"{p['where']}: {p['message']}" for p in problems)
        return error_response(422, f"the request does not fit this route: {text}",
                              "correct the named query parameters or headers (see /docs)", problems=problems)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.error("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
        return error_response(500, f"unexpected server error: {type(exc).__name__}",
                              "this is a bug in Jimu: report it with the server log")
