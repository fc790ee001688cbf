"""The front end at `/`: the built files with relative URLs, or a placeholder page when not built."""

from __future__ import annotations

import re

from fastapi import FastAPI
from fastapi.testclient import TestClient

from jimu.ui_plugin.frontend import DIST, mount_front_end
from tests.ui_plugin.test_locales import catalogue


def test_an_unbuilt_front_end_answers_the_placeholder(tmp_path):
    app = FastAPI()
    mount_front_end(app, tmp_path)  # no index.html there
    page = TestClient(app).get("/")
    assert page.status_code == 200 and "not built yet" in page.text and 'href="docs"' in page.text


def test_a_built_front_end_is_served_with_its_assets(tmp_path):
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text('<script src="./assets/app.js"></script>', encoding="utf-8")
    (tmp_path / "assets" / "app.js").write_text("ok()", encoding="utf-8")
    app = FastAPI()
    mount_front_end(app, tmp_path)
    client = TestClient(app)
    assert client.get("/").text == '<script src="./assets/app.js"></script>'
    assert client.get("/assets/app.js").text == "ok()"


def test_the_build_uses_relative_urls_so_it_works_under_any_prefix():
    # The same files answer at / (jimu ui) and at /jimu/ (the Airflow plugin): no URL may start with /.
    index = (DIST / "index.html").read_text(encoding="utf-8")
    urls = re.findall(r'(?:src|href)="([^"]+)"', index)
    assert urls and all(url.startswith("./assets/") for url in urls), urls
    for url in urls:
        assert (DIST / url).is_file(), url


SOURCE = DIST.parent / "src"


def test_both_catalogues_have_every_message_the_code_uses():
    # As i18n.ts assembles them: the shared file plus one file per feature.
    en, zh = set(catalogue("en")), set(catalogue("zh"))
    assert en == zh, f"only in en: {sorted(en - zh)}; only in zh: {sorted(zh - en)}"
    code = "\n".join(p.read_text(encoding="utf-8") for p in SOURCE.rglob("*.ts*"))
    # t("key") calls, and the status keys the store hands to t().
    used = set(re.findall(r'\bt\("([\w.]+)"', code)) | set(re.findall(r'\bkey: "([\w.]+)"', code))
    assert used and used <= en, f"used but in no catalogue: {sorted(used - en)}"


def test_the_api_keeps_its_own_paths_beside_the_built_front_end(tmp_path):
    (tmp_path / "index.html").write_text("editor", encoding="utf-8")
    app = FastAPI()
    mount_front_end(app, tmp_path)

    @app.get("/api/later")  # a route added after the front end is still the API's
    def later() -> dict:
        return {"ok": True}

    outer = FastAPI()
    outer.mount("/jimu", app)  # as the Airflow plugin mounts it
    for client, prefix in ((TestClient(app), ""), (TestClient(outer), "/jimu")):
        assert client.get(prefix + "/").text == "editor"
        assert client.get(prefix + "/api/later").json() == {"ok": True}
        # An unknown API path is the router's 404 for every method (static files would say 405).
        assert client.put(prefix + "/api/nothing").status_code == 404
        assert client.get(prefix + "/missing.js").status_code == 404
