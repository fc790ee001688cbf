"""Publish as template from the editor: help texts in two languages, the allowed categories, a refusal in words."""

from __future__ import annotations

import uuid

from jimu.template.spec import CATEGORIES


def test_categories_are_the_ones_publish_takes(api):
    assert api.get("/api/template-categories").json() == list(CATEGORIES)


def test_field_labels_and_help_in_both_languages(api, workspace, wine):
    assert api.post("/api/pipelines", json=wine).status_code == 201
    name = f"help_{uuid.uuid4().hex[:8]}"
    body = {"name": name, "version": "1.0.0", "title": "Strong wines", "expose": ["min_alcohol", "export.format"],
            "field_titles": {"format": "Export format"}, "field_titles_zh": {"format": "导出格式"},
            "field_descriptions": {"format": "The file type"}, "field_descriptions_zh": {"format": "文件类型"}}
    answer = api.post(f"/api/pipelines/{wine['id']}/publish-template", json=body)
    assert answer.status_code == 201, answer.text
    for lang, words in (("en", ("Export format", "The file type")), ("zh", ("导出格式", "文件类型"))):
        field = api.get(f"/api/templates/{name}", params={"lang": lang}).json()["form"]["properties"]["format"]
        assert (field["title"], field["description"]) == words

    # The same version with other words: refused on the version field, naming no scratch folder.
    clash = api.post(f"/api/pipelines/{wine['id']}/publish-template", json={**body, "title": "Other"})
    assert clash.status_code == 409
    detail = clash.json()["detail"]
    assert detail["field"] == "version" and f"{name}@1.0.0 is already published" in detail["message"]
    assert "jimu-template-" not in detail["message"]


def test_help_for_a_field_not_in_the_form_is_refused(api, workspace, wine):
    api.post("/api/pipelines", json=wine)
    answer = api.post(f"/api/pipelines/{wine['id']}/publish-template",
                      json={"name": "t_help", "version": "1.0.0", "title": "T", "expose": ["min_alcohol"],
                            "field_descriptions": {"nosuch": "help"}})
    assert answer.status_code == 422 and "'nosuch' is not a form field" in answer.json()["detail"]["message"]
