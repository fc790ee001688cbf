"""/api/templates: gallery cards, a template's form, and a pipeline from a filled-in form that runs."""

from __future__ import annotations

import json

import pytest

from jimu.template.catalog import builtin_template_folders
from jimu.template.folder import load_template
from jimu.validate import validate_pipeline

SHIPPED = {folder.name: load_template(folder) for folder in builtin_template_folders()}


def test_cards_in_both_languages(api):
    cards = {c["name"]: c for c in api.get("/api/templates").json()}
    assert set(SHIPPED) <= set(cards)
    screening = SHIPPED["cancer_screening"]
    assert cards["cancer_screening"]["title"] == screening.spec.title
    assert cards["cancer_screening"]["fields"] == len(screening.form)
    zh = {c["name"]: c for c in api.get("/api/templates", params={"lang": "zh"}).json()}
    assert zh["cancer_screening"]["title"] == screening.spec.title_zh


def test_each_card_carries_its_pipeline_picture(api):
    # The gallery draws every card's pipeline: each card holds what the template's own page holds.
    cards = {c["name"]: c for c in api.get("/api/templates").json()}
    for name, template in SHIPPED.items():
        preview = cards[name]["preview"]
        assert preview == api.get(f"/api/templates/{name}").json()["preview"]
        positions = template.pipeline.editor.positions
        assert [(n["id"], n["x"], n["y"]) for n in preview["nodes"]] == [
            (n.id, positions[n.id].x, positions[n.id].y) for n in template.pipeline.nodes]
        assert {(e["from"], e["to"]) for e in preview["edges"]} == {
            (e.source.split(".")[0], e.target.split(".")[0]) for e in template.pipeline.edges}


def test_the_form_is_a_json_schema_with_labels_in_the_language_asked(api):
    detail = api.get("/api/templates/cancer_screening", params={"lang": "zh"}).json()
    form = detail["form"]
    assert form["type"] == "object" and list(form["properties"]) == list(SHIPPED["cancer_screening"].form)
    accuracy = form["properties"]["min_accuracy"]
    assert (accuracy["title"], accuracy["minimum"], accuracy["maximum"]) == ("最低准确率", 0, 1)
    nodes = {n["id"] for n in detail["preview"]["nodes"]}
    assert nodes == {n.id for n in SHIPPED["cancer_screening"].pipeline.nodes}
    assert all({e["from"], e["to"]} <= nodes for e in detail["preview"]["edges"])
    assert detail["versions"] == [SHIPPED["cancer_screening"].version]


def test_instantiate_saves_a_valid_pipeline_with_the_values(api, workspace, catalog):
    answer = api.post("/api/templates/wine_quality/instantiate",
                      json={"id": "my_wines", "values": {"min_alcohol": 13.7}})
    assert answer.status_code == 201, answer.text
    assert answer.json()["template"] == SHIPPED["wine_quality"].ref
    saved = json.loads((workspace / "my_wines.json").read_text())
    assert saved["params"]["min_alcohol"]["default"] == 13.7 and saved["template"] == SHIPPED["wine_quality"].ref
    assert validate_pipeline(saved, catalog).ok
    again = api.post("/api/templates/wine_quality/instantiate", json={"id": "my_wines"})
    assert again.status_code == 409


def test_wrong_values_are_422_naming_each_field_in_plain_words(api, workspace):
    answer = api.post("/api/templates/cancer_screening/instantiate",
                      json={"id": "screen", "lang": "zh", "values": {"min_accuracy": 3, "trees": "many"}})
    assert answer.status_code == 422
    problems = {p["field"]: p["message"] for p in answer.json()["detail"]["problems"]}
    assert problems == {"min_accuracy": "最低准确率必须在 0 到 1 之间", "trees": '树的数量必须是整数，而不是 "many"'}
    assert not (workspace / "screen.json").exists()


@pytest.mark.parametrize(("url", "status"), [
    ("/api/templates/nosuch", 404), ("/api/templates/..%2f..", 404), ("/api/templates/wine_quality?version=9.9.9", 404),
    ("/api/templates/wine_quality?version=latest", 422), ("/api/templates/Wine", 422),
])
def test_unknown_or_malformed_names_say_what_to_do(api, url, status):
    answer = api.get(url)
    assert answer.status_code == status and answer.json()["detail"]["fix"]


def test_a_bad_pipeline_id_is_refused(api, workspace):
    answer = api.post("/api/templates/wine_quality/instantiate", json={"id": "../escape"})
    assert answer.status_code in (400, 422) and not (workspace.parent / "escape.json").exists()


def save(api, pipeline: dict) -> None:
    answer = api.post("/api/pipelines", json=pipeline)
    assert answer.status_code == 201, answer.text


def test_publish_as_template_then_fill_it_in(api, workspace, wine):
    import uuid

    save(api, wine)
    name = f"strong_{uuid.uuid4().hex[:8]}"
    body = {"name": name, "version": "1.0.0", "title": "Strong wines", "title_zh": "烈性葡萄酒", "category": "etl",
            "expose": ["min_alcohol", "features.args=feature_args"],
            "field_titles": {"feature_args": "Feature settings"}, "field_titles_zh": {"min_alcohol": "最低酒精度"}}
    answer = api.post(f"/api/pipelines/{wine['id']}/publish-template", json=body)
    assert answer.status_code == 201, answer.text
    assert answer.json() == {"ref": f"{name}@1.0.0", "status": "published", "form": ["min_alcohol", "feature_args"]}
    form = api.get(f"/api/templates/{name}", params={"lang": "zh"}).json()["form"]["properties"]
    assert (form["min_alcohol"]["title"], form["feature_args"]["title"]) == ("最低酒精度", "Feature settings")
    made = api.post(f"/api/templates/{name}/instantiate", json={"id": f"{name}_mine", "values": {"min_alcohol": 14}})
    assert made.status_code == 201, made.text
    # The same again changes nothing; other words under the same version are refused.
    assert api.post(f"/api/pipelines/{wine['id']}/publish-template", json=body).json()["status"] == "unchanged"
    clash = api.post(f"/api/pipelines/{wine['id']}/publish-template", json={**body, "title": "Other words"})
    assert clash.status_code == 409 and "bump the version" in clash.json()["detail"]["fix"]


@pytest.mark.parametrize(("expose", "where"), [
    (["nosuch.param"], "there is no node 'nosuch'"),
    (["export_file"], "bound in the SQL of node 'strong_wines'"),
    (["../x"], "expose '../x': node id '' is not valid"),
])
def test_a_bad_publish_is_422_with_what_to_fix(api, workspace, wine, expose, where):
    save(api, wine)
    answer = api.post(f"/api/pipelines/{wine['id']}/publish-template",
                      json={"name": "bad_one", "version": "1.0.0", "title": "T", "expose": expose})
    assert answer.status_code == 422, answer.text
    assert where in answer.json()["detail"]["message"]


def test_publishing_a_pipeline_that_is_not_there_is_404(api, workspace):
    answer = api.post("/api/pipelines/nosuch/publish-template", json={"name": "t", "version": "1.0.0", "title": "T"})
    assert answer.status_code == 404
