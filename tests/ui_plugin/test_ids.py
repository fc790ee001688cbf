"""Ids from paths and bodies never name a file outside the workspace; bad ones get a 400 or 404."""

from __future__ import annotations

import json
import os
from pathlib import Path
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jimu.refs import PIPELINE_ID
from jimu.ui_plugin.errors import ApiError
from jimu.ui_plugin.ids import inside, pipeline_id
from jimu.ui_plugin.workspace import PipelineStore

NASTY = [
    "..", ".", "../x", "..%2fx", "../../etc/passwd", "/etc/passwd", "a/../b", "\\..\\x", "C:\\x", "a\0b", "\0",
    "con", "CON", "nul", "aux", "prn", "com1", "LPT9", "com0", "a\n", " a", "a ", "ａ", "é", "a\u202eb",
    "a\u200bb", "\ud800", "/", "a/", "A", "-a", "_a", "a" * 64, "a.json", "a:b", "~a", "$a",
]

# Texts made of the characters paths are attacked with, mixed with valid id characters.
PIECES = [*"./\\\0:%~ ab-_1", "..", "é", "ａ", "\u202e", "con", "Nul", "/..", "%2e"]
ATTACK = st.lists(st.sampled_from(PIECES), min_size=1, max_size=12).map("".join)
HOSTILE = st.one_of(st.sampled_from(NASTY), ATTACK).filter(lambda t: not pipeline_ok(t))


def pipeline_ok(text: str) -> bool:
    try:
        pipeline_id(text)
        return True
    except ApiError:
        return False


def snapshot(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*")}


def body(document: dict) -> bytes:
    return json.dumps(document).encode()  # \u escapes, so a lone surrogate can be sent


def id_routes(hostile: str, good_etag: str):
    """(method, url, extra) for every route that takes an id, with `hostile` in the id's place."""
    q = quote(hostile, safe="", errors="surrogatepass").replace(".", "%2E")  # so no client folds "/.." away before sending
    return [
        ("GET", f"/api/pipelines/{q}", {}),
        ("PUT", f"/api/pipelines/{q}", {"content": body({"id": hostile}), "headers": {"If-Match": good_etag}}),
        ("DELETE", f"/api/pipelines/{q}", {"headers": {"If-Match": "*"}}),
        ("POST", f"/api/pipelines/{q}/deploy", {}),
        ("GET", f"/api/components/{q}/1.0.0", {}),
        ("GET", f"/api/components/sql/{q}", {}),
        ("POST", "/api/pipelines", {"content": body({"id": hostile})}),
        ("POST", "/api/pipelines", {"content": body({"from": hostile, "id": "fine"})}),
        ("POST", "/api/pipelines", {"content": body({"from": "keep", "id": hostile})}),
        ("POST", f"/api/compile?profile={q}", {"content": body({"id": "fine"})}),
    ]


@pytest.fixture
def guarded(api, workspace, ui_root):
    etag = api.post("/api/pipelines", json={"id": "keep"}).json()["etag"]
    return api, etag, ui_root


def check_refused(client, etag: str, root: Path, hostile: str) -> None:
    before = snapshot(root)
    for method, url, extra in id_routes(hostile, etag):
        answer = client.request(method, url, **extra)
        assert answer.status_code in (400, 404, 422), (method, url, answer.status_code, answer.text)
        detail = answer.json()["detail"]
        assert detail["message"] and detail["fix"]
    assert snapshot(root) == before, f"{hostile!r} changed files"


@pytest.mark.parametrize("hostile", NASTY)
def test_named_nasty_ids_are_refused_on_every_route(guarded, hostile):
    check_refused(*guarded, hostile)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(hostile=HOSTILE)
def test_drawn_hostile_ids_are_refused_on_every_route(guarded, hostile):
    check_refused(*guarded, hostile)


@settings(max_examples=300, deadline=None)
@given(name=st.text(max_size=30))
def test_a_resolved_path_is_inside_the_root_or_refused(tmp_path_factory, name):
    root = tmp_path_factory.getbasetemp() / "root"
    root.mkdir(exist_ok=True)
    try:
        path = inside(root, name)
    except (ApiError, ValueError):  # ValueError: a NUL byte, refused by the OS layer
        return
    assert path.parent == root.resolve()


def test_a_link_out_of_the_workspace_is_refused(tmp_path):
    outside = tmp_path / "outside.json"
    outside.write_text('{"id": "evil"}')
    (tmp_path / "ws").mkdir()
    os.symlink(outside, tmp_path / "ws" / "evil.json")
    with pytest.raises(ApiError) as refused:
        PipelineStore(tmp_path / "ws").read("evil")
    assert refused.value.status == 400


def test_every_valid_id_maps_to_its_own_file(tmp_path):
    store = PipelineStore(tmp_path)
    for pid in ("a", "orders-daily", "x_1", "b" * 63):
        assert PIPELINE_ID.accepts(pid)
        assert store.path_of(pid) == tmp_path.resolve() / f"{pid}.json"
