"""EditorServices: the gallery's template catalog is kept between requests."""

from __future__ import annotations

import jimu.template.catalog
from jimu.template.store import TEMPLATE_STORE_ENV


def test_a_second_gallery_request_reads_no_template_folder(api, monkeypatch, tmp_path):
    monkeypatch.setenv(TEMPLATE_STORE_ENV, str(tmp_path / "template_store"))  # a store of this test alone
    reads = []
    real = jimu.template.catalog.load_template
    monkeypatch.setattr(jimu.template.catalog, "load_template", lambda folder, **kw: reads.append(folder) or real(folder, **kw))
    first = api.get("/api/templates")
    assert first.status_code == 200 and len(reads) == len(first.json()) >= 2
    reads.clear()
    second = api.get("/api/templates")
    assert second.json() == first.json() and reads == []
