"""The editor's front end at `/`: the built files when they exist, else a page that says so."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from starlette.routing import Match, Mount

DIST = Path(__file__).resolve().parent / "frontend" / "dist"

PLACEHOLDER = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Jimu editor</title></head>
<body style="font-family: sans-serif; max-width: 40em; margin: 3em auto">
<h1>Jimu editor</h1>
<p>The editor front end is not built yet. The API is running: see <a href="docs">the API docs</a>
(<a href="openapi.json">openapi.json</a>).</p>
</body></html>
"""


class FrontEndMount(Mount):
    """The built files at `/`, except under `/api`: a path or method the API does not know gets
    the API's JSON 404 or 405, never a static file answer (also for routes added later)."""

    def matches(self, scope):
        path = scope.get("path", "")
        root = scope.get("root_path", "")  # /jimu inside the Airflow plugin
        if root and path.startswith(root):
            path = path[len(root):]
        if path == "/api" or path.startswith("/api/"):
            return Match.NONE, {}
        return super().matches(scope)


def mount_front_end(app: FastAPI, dist: Path = DIST) -> None:
    """Serve `dist` at `/` (index.html for folders), or the placeholder page; after the API routes."""
    if (dist / "index.html").is_file():
        app.router.routes.append(FrontEndMount("/", app=StaticFiles(directory=dist, html=True), name="frontend"))
        return

    @app.get("/", include_in_schema=False)
    def placeholder() -> HTMLResponse:
        return HTMLResponse(PLACEHOLDER)
