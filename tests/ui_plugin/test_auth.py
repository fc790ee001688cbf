"""With a token, every /api call needs the Bearer header; the front-end page does not."""

from __future__ import annotations

from fastapi.testclient import TestClient

from jimu.ui_plugin.app import create_app
from jimu.ui_plugin.config import UiConfig


def test_bearer_token(tmp_path):
    app = create_app(UiConfig(workspace=tmp_path, token="s3cret-tøken"))
    with TestClient(app) as client:
        for path in ("/api/health", "/api/pipelines", "/api/components/sql/1.1.0"):
            refused = client.get(path)
            assert refused.status_code == 401 and refused.headers["www-authenticate"] == "Bearer"
            assert "Bearer" in refused.json()["detail"]["fix"]
            for wrong in ("Bearer s3cret", "Bearer s3cret-tøkenX", "Basic s3cret-tøken", "s3cret-tøken"):
                assert client.get(path, headers={"Authorization": wrong.encode()}).status_code == 401
        good = {"Authorization": "Bearer s3cret-tøken".encode()}
        assert client.get("/api/health", headers=good).json()["status"] == "ok"
        assert client.post("/api/validate", content=b"{}", headers=good).status_code == 200
        assert client.post("/api/validate", content=b"{}").status_code == 401
        assert client.get("/").status_code == 200  # the page itself; its API calls carry the token
