"""create_app wires the config's dependencies: reads on every /api route, writes on writes only."""

from __future__ import annotations

from fastapi import Depends, HTTPException, Request
from fastapi.testclient import TestClient

from jimu.ui_plugin.app import create_app
from jimu.ui_plugin.config import UiConfig

WRITES = [("POST", "/api/pipelines"), ("PUT", "/api/pipelines/a"), ("DELETE", "/api/pipelines/a"),
          ("POST", "/api/pipelines/a/deploy")]
READS = [("GET", "/api/health"), ("GET", "/api/me"), ("GET", "/api/components"), ("GET", "/api/pipelines"),
         ("GET", "/api/pipelines/a"), ("GET", "/api/schema/pipeline"), ("POST", "/api/validate"),
         ("POST", "/api/compile")]


def test_read_and_write_dependencies(tmp_path):
    seen: list[tuple[str, str]] = []

    def read_check(request: Request) -> None:
        seen.append(("read", request.url.path))
        if request.headers.get("x-user") is None:
            raise HTTPException(401, "log in")

    def write_check(request: Request) -> None:
        seen.append(("write", request.url.path))
        if request.headers.get("x-user") != "editor":
            raise HTTPException(403, "read only")

    config = UiConfig(workspace=tmp_path, mode="airflow", read_dependencies=[Depends(read_check)],
                      write_dependencies=[Depends(write_check)], current_user=lambda: "alice")
    with TestClient(create_app(config)) as client:
        for method, path in READS + WRITES:
            assert client.request(method, path).status_code == 401, path
        for method, path in WRITES:
            refused = client.request(method, path, headers={"x-user": "viewer", "If-Match": "*"}, content=b"{}")
            assert refused.status_code == 403 and refused.json()["detail"]["message"] == "read only", path
        for method, path in READS:
            answer = client.request(method, path, headers={"x-user": "viewer"}, content=b'{"id": "a"}')
            assert answer.status_code in (200, 404, 422), (path, answer.text)
        assert client.get("/api/me", headers={"x-user": "viewer"}).json() == {"user": "alice", "mode": "airflow"}
        created = client.post("/api/pipelines", json={"id": "a"}, headers={"x-user": "editor"})
        assert created.status_code == 201
    assert {path for kind, path in seen if kind == "write"} == {path for _, path in WRITES}


def test_every_route_with_a_body_documents_the_400_a_malformed_body_gets(ui_app):
    """A body that is no JSON at all is answered 400 by the error handlers, whatever the route."""
    takes_any_bytes = {"POST /api/validate"}  # answers the problems of whatever it is sent, with 200
    missing = [
        f"{method.upper()} {path}"
        for path, operations in ui_app.openapi()["paths"].items()
        for method, operation in operations.items()
        if "requestBody" in operation and "400" not in operation["responses"]
    ]
    assert set(missing) == takes_any_bytes
