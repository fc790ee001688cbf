"""Publishing: immutable versions, a deterministic index, safe under concurrent publishers."""

from __future__ import annotations

import json
import multiprocessing
import re
import shutil
from pathlib import Path

import pytest

from jimu.catalog import ComponentCatalog, builtin_components_dir
from jimu.registry.digest import folder_digest
from jimu.registry.store import CatalogStore, PublishError
from jimu.validate import validate_pipeline


@pytest.fixture
def store(tmp_path) -> CatalogStore:
    return CatalogStore(tmp_path / "catalog")


@pytest.fixture
def sql_copy(tmp_path) -> Path:
    folder = tmp_path / "src" / "sql"
    shutil.copytree(builtin_components_dir() / "sql", folder, ignore=shutil.ignore_patterns("__pycache__"))
    set_version(folder, "1.0.0")  # whatever the built-in's own version is today
    return folder


def set_version(folder: Path, version: str) -> None:
    spec = folder / "component.yaml"
    text = spec.read_text()
    spec.write_text(re.sub(r"(?m)^version: .*$", f"version: {version}", text, count=1))


def test_publish_is_idempotent_and_versions_are_immutable(store, sql_copy):
    first = store.publish(sql_copy)
    assert first.status == "published" and first.folder == store.root / "sql" / "1.0.0"
    assert folder_digest(first.folder) == first.digest == folder_digest(sql_copy)
    assert store.publish(sql_copy).status == "unchanged"
    (sql_copy / "main.py").write_text((sql_copy / "main.py").read_text() + "\n# changed\n")
    with pytest.raises(PublishError, match=r"sql@1.0.0 is already published with other content.*bump `version`"):
        store.publish(sql_copy)
    # The published snapshot is untouched.
    assert folder_digest(first.folder) == first.digest
    set_version(sql_copy, "1.1.0")
    assert store.publish(sql_copy).status == "published"
    assert [(n, v) for n, v, _ in store.entries()] == [("sql", "1.0.0"), ("sql", "1.1.0")]


def test_index_is_deterministic(tmp_path, sql_copy):
    a, b = CatalogStore(tmp_path / "a"), CatalogStore(tmp_path / "b")
    for store in (a, b):
        store.publish(sql_copy)
        store.publish(builtin_components_dir() / "python")
    b.publish(sql_copy)
    assert (a.root / "index.json").read_bytes() == (b.root / "index.json").read_bytes()


def test_digest_ignores_caches(sql_copy):
    before = folder_digest(sql_copy)
    (sql_copy / "__pycache__").mkdir()
    (sql_copy / "__pycache__" / "main.cpython-311.pyc").write_bytes(b"junk")
    assert folder_digest(sql_copy) == before


@pytest.mark.parametrize(
    "breakage, message",
    [
        (lambda f: (f / "Dockerfile").unlink(), "no Dockerfile"),
        (lambda f: (f / "main.py").write_text("def other(ctx):\n    pass\n"), "no top-level function 'run'"),
        (lambda f: (f / "main.py").write_text("def run(ctx:\n"), "main.py does not parse: line 1"),
        (lambda f: (f / "main.py").unlink(), "'main.py', which is not in the folder"),
    ],
)
def test_broken_folders_are_refused_with_the_reason(store, sql_copy, breakage, message):
    breakage(sql_copy)
    with pytest.raises(PublishError, match=message):
        store.publish(sql_copy)
    assert store.entries() == []


def _publish(args):
    root, folder = args
    return CatalogStore(Path(root)).publish(Path(folder)).status


def test_concurrent_publishers(tmp_path, sql_copy):
    root = tmp_path / "catalog"
    with multiprocessing.get_context("spawn").Pool(4) as pool:
        statuses = pool.map(_publish, [(str(root), str(sql_copy))] * 8)
    assert sorted(statuses) == ["published"] + ["unchanged"] * 7
    index = json.loads((root / "index.json").read_text())
    assert list(index["components"]["sql"]) == ["1.0.0"]
    assert not [p for p in (root / "sql").iterdir() if p.name.startswith(".")]


def test_outdated_pin_is_a_warning_not_an_error(store, sql_copy):
    store.publish(sql_copy)
    set_version(sql_copy, "1.2.0")
    store.publish(sql_copy)
    catalog = ComponentCatalog.from_store(store)
    spec = {"id": "p", "nodes": [{"id": "q", "component": "sql@1.0.0", "params": {"query": "SELECT 1 AS x"}}]}
    report = validate_pipeline(spec, catalog)
    assert report.ok
    [issue] = report.issues
    assert (issue.code, issue.severity, issue.node) == ("outdated-component", "warning", "q")
    assert "jimu components diff sql@1.0.0 sql@1.2.0" in issue.hint
