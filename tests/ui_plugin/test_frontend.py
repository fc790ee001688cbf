"""The front end at `/`: the built files with relative URLs, or a placeholder page when not built."""

from __future__ import annotations

import re

from fastapi import FastAPI
from fastapi.testclient import TestClient

from jimu.ui_plugin.frontend import DIST, mount_front_end


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
