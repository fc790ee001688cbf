"""GET /api/components, /api/components/{name}/{version}, /api/schema/pipeline."""

from __future__ import annotations

import json

from tests.conftest import REPO


def test_every_published_version_is_listed(api, catalog):
    from jimu.catalog import ComponentCatalog
    from jimu.registry.store import CatalogStore

    listed = api.get("/api/components").json()
    # Read independently, now: other tests of the session may have published into the same store.
    assert [c["ref"] for c in listed] == [c.spec.ref for c in ComponentCatalog.from_store(CatalogStore())]
    assert {c.spec.ref for c in catalog} <= {c["ref"] for c in listed}
    sql = next(c for c in listed if c["name"] == "sql")
    spec = catalog.require(sql["ref"]).spec
    assert sql["params"] == spec.params and sql["spec"] == spec.model_dump(mode="json", by_alias=True)
    assert [p["name"] for p in sql["inputs"]] == [p.name for p in spec.inputs]


def test_one_component_and_a_missing_one(api, catalog):
    comp = next(iter(catalog))
    got = api.get(f"/api/components/{comp.spec.name}/{comp.spec.version}")
    assert got.status_code == 200 and got.json()["ref"] == comp.spec.ref
    missing = api.get(f"/api/components/{comp.spec.name}/99.0.0")
    assert missing.status_code == 404
    assert comp.spec.version in missing.json()["detail"]["fix"]


def test_pipeline_schema_is_the_exported_one(api):
    exported = json.loads((REPO / "schemas" / "pipeline.schema.json").read_text(encoding="utf-8"))
    assert api.get("/api/schema/pipeline").json() == exported


def test_a_version_published_while_the_editor_runs_is_listed(jimu_home, tmp_path):
    from fastapi.testclient import TestClient

    from jimu.registry.scaffold import scaffold_component
    from jimu.registry.store import CatalogStore
    from jimu.ui_plugin.app import create_app
    from jimu.ui_plugin.config import UiConfig

    with TestClient(create_app(UiConfig(workspace=tmp_path / "ws"))) as api:  # a home of its own
        assert not any(c["name"] == "fresh_component" for c in api.get("/api/components").json())
        CatalogStore().publish(scaffold_component("fresh_component", tmp_path))
        listed = api.get("/api/components").json()
    assert [c["ref"] for c in listed if c["name"] == "fresh_component"] == ["fresh_component@0.1.0"]
