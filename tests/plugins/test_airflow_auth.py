"""Airflow's login guards the editor's API in a real api-server: 401 without a token, 403 without the right."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

pytestmark = pytest.mark.slow

READ_ROUTES = ["/jimu/api/health", "/jimu/api/me", "/jimu/api/components", "/jimu/api/pipelines"]


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture(scope="module")
def tokens(airflow_server) -> dict[str, str]:
    return {user: airflow_server.token(user) for user in ("editor", "viewer")}


@pytest.mark.parametrize("route", READ_ROUTES)
def test_reads_need_a_login(airflow_server, route):
    response = httpx.get(airflow_server.base_url + route, timeout=30)
    assert response.status_code == 401, response.text


@pytest.mark.parametrize("route", READ_ROUTES)
def test_a_forged_token_is_refused(airflow_server, tokens, route):
    header, payload, signature = tokens["editor"].split(".")
    forged = f"{header}.{payload}.{signature[::-1]}"
    response = httpx.get(airflow_server.base_url + route, headers=bearer(forged), timeout=30)
    assert response.status_code in (401, 403), response.text


@pytest.mark.parametrize("user", ["editor", "viewer"])
def test_any_logged_in_user_reads_and_me_names_them(airflow_server, tokens, user):
    health = httpx.get(f"{airflow_server.base_url}/jimu/api/health", headers=bearer(tokens[user]), timeout=30)
    assert health.status_code == 200, health.text
    assert health.json()["mode"] == "airflow"
    me = httpx.get(f"{airflow_server.base_url}/jimu/api/me", headers=bearer(tokens[user]), timeout=30)
    assert me.status_code == 200, me.text
    assert me.json() == {"user": user, "mode": "airflow"}


def test_the_browsers_airflow_cookie_is_enough(airflow_server, tokens):
    """The iframe's same-origin fetches carry Airflow's `_token` cookie and no header."""
    me = httpx.get(f"{airflow_server.base_url}/jimu/api/me", cookies={"_token": tokens["viewer"]}, timeout=30)
    assert me.status_code == 200, me.text
    assert me.json()["user"] == "viewer"


WINE = Path(__file__).resolve().parents[2] / "templates" / "wine_quality" / "pipeline.json"


@pytest.mark.parametrize(("user", "status"), [(None, 401), ("viewer", 403)], ids=["anonymous", "viewer"])
def test_writes_need_the_right_to_edit_dags(airflow_server, tokens, user, status):
    """Create, save and delete of the real pipeline routes; whoever may not write may still read."""
    base = f"{airflow_server.base_url}/jimu/api/pipelines"
    headers = bearer(tokens[user]) if user else {}
    spec = json.loads(WINE.read_text(encoding="utf-8"))
    spec["id"] = f"refused_{user or 'anonymous'}"
    assert httpx.post(base, json=spec, headers=headers, timeout=30).status_code == status
    assert httpx.put(f"{base}/{spec['id']}", json=spec, headers={**headers, "If-Match": '"x"'},
                     timeout=30).status_code == status
    assert httpx.delete(f"{base}/{spec['id']}", headers={**headers, "If-Match": '"x"'},
                        timeout=30).status_code == status
    if user:
        listed = httpx.get(base, headers=headers, timeout=30)
        assert listed.status_code == 200, listed.text
        assert spec["id"] not in [row["id"] for row in listed.json()]


def test_an_editor_creates_saves_and_deletes(airflow_server, tokens):
    base = f"{airflow_server.base_url}/jimu/api/pipelines"
    headers = bearer(tokens["editor"])
    spec = json.loads(WINE.read_text(encoding="utf-8"))
    spec["id"] = "written_by_editor"
    created = httpx.post(base, json=spec, headers=headers, timeout=30)
    assert created.status_code == 201, created.text
    spec["description"] = "changed in the editor"
    saved = httpx.put(f"{base}/{spec['id']}", json=spec, headers={**headers, "If-Match": created.headers["ETag"]},
                      timeout=30)
    assert saved.status_code == 200, saved.text
    read = httpx.get(f"{base}/{spec['id']}", headers=bearer(tokens["viewer"]), timeout=30)
    assert read.json()["description"] == "changed in the editor"
    gone = httpx.delete(f"{base}/{spec['id']}", headers={**headers, "If-Match": saved.headers["ETag"]}, timeout=30)
    assert gone.status_code == 204, gone.text
