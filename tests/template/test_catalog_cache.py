"""The editor's template catalog is read once, and again only when the template store changes: a second
gallery request re-reads no template folder; a template published meanwhile shows at the next one."""

from __future__ import annotations

import json

import pytest

import jimu.template.catalog
import jimu.template.store
from jimu.catalog import ComponentCatalog
from jimu.template.catalog_cache import cached_templates
from jimu.template.publish import parse_exposures, publish_template
from jimu.template.store import TEMPLATE_STORE_ENV
from tests.conftest import EXAMPLE


@pytest.fixture
def folder_reads(monkeypatch, tmp_path) -> list:
    """Every template folder read (publishing and the catalog both read folders with load_template), in a
    template store of this test alone."""
    monkeypatch.setenv(TEMPLATE_STORE_ENV, str(tmp_path / "template_store"))
    reads = []
    real = jimu.template.catalog.load_template

    def counted(folder, *args, **kwargs):
        reads.append(folder)
        return real(folder, *args, **kwargs)

    monkeypatch.setattr(jimu.template.catalog, "load_template", counted)
    monkeypatch.setattr(jimu.template.store, "load_template", counted)
    return reads


def test_a_second_use_reads_no_folder_and_gives_the_same_catalog(catalog, folder_reads):
    first = cached_templates(catalog)
    assert folder_reads and {"classification", "regression", "cancer_screening"} <= {t.name for t in first}
    folder_reads.clear()
    assert cached_templates(catalog) is first
    assert folder_reads == []


def test_a_template_published_meanwhile_shows_at_the_next_use(catalog, folder_reads):
    before = cached_templates(catalog)
    assert before.get("strong_wines") is None
    raw = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    publish_template(raw, {"name": "strong_wines", "version": "1.0.0", "title": "Strong wines"},
                     parse_exposures(["min_alcohol"]), catalog, titles={"min_alcohol": "Minimum alcohol"})
    after = cached_templates(catalog)
    assert after is not before and after.require("strong_wines").ref == "strong_wines@1.0.0"
    assert cached_templates(catalog) is after


def test_another_component_catalog_checks_the_templates_again(catalog, folder_reads):
    first = cached_templates(catalog)
    other = ComponentCatalog(list(catalog))
    assert cached_templates(other) is not first
