"""One error shape everywhere, including the last-resort 500 and the router's own 404/405."""

from __future__ import annotations

import httpx

from jimu.ui_plugin.app import create_app
from jimu.ui_plugin.config import UiConfig
from tests.ui_plugin.live import serving


def test_every_error_has_the_one_shape(tmp_path):
    app = create_app(UiConfig(workspace=tmp_path))

    @app.get("/api/test-broken")
    def broken() -> dict:
        raise RuntimeError("a bug")

    with serving(app) as url:
        unexpected = httpx.get(url + "/api/test-broken")
        assert unexpected.status_code == 500
        assert unexpected.json()["detail"]["message"] == "unexpected server error: RuntimeError"
        missing = httpx.get(url + "/api/no-such-route")
        assert missing.status_code == 404 and missing.json()["detail"]["fix"]
        wrong = httpx.request("PATCH", url + "/api/pipelines/a")
        assert wrong.status_code == 405 and wrong.headers["allow"] == "DELETE, GET, PUT"
        assert wrong.json()["detail"]["message"]
        bad_query = httpx.post(url + "/api/compile", params={"profile": "x" * 100}, json={})
        assert bad_query.status_code == 422 and "profile" in bad_query.json()["detail"]["message"]
