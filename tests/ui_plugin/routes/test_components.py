"""GET /api/components, /api/components/{name}/{version}, /api/schema/pipeline."""

from __future__ import annotations

import json

from tests.conftest import REPO


def test_every_published_version_is_listed(api, catalog):
    listed = api.get("/api/components").json()
    assert [c["ref"] for c in listed] == [c.spec.ref for c in catalog]
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
