"""The templates gallery: the shipped cards, a form with plain-words problems, and a pipeline made from it."""

from __future__ import annotations

import json

from playwright.sync_api import expect


def shipped(editor, lang: str) -> list[dict]:
    """The cards as the API answers them: what the gallery must show."""
    answer = editor.page.request.get(f"{editor.url}api/templates?lang={lang}")
    assert answer.ok
    return answer.json()


def test_gallery_form_problem_and_create(editor, editor_workspace):
    gallery = editor.templates
    cards = shipped(editor, "en")
    assert "wine_quality" in {c["name"] for c in cards}
    gallery.open_gallery()
    expect(gallery.cards).to_have_count(len(cards))
    assert sorted(gallery.names()) == sorted(c["name"] for c in cards)
    wine = next(c for c in cards if c["name"] == "wine_quality")
    expect(gallery.card("wine_quality")).to_contain_text(wine["title"])
    expect(gallery.card("wine_quality")).to_contain_text(f"{wine['fields']} fields")
    editor.shot("gallery")

    # The search box narrows the cards to those whose title, description or tags match.
    gallery.search.fill("wine cultivar")
    matching = [c["name"] for c in cards if all(w in " ".join([c["title"], c["description"], *c["tags"]]).lower()
                                                for w in ("wine", "cultivar"))]
    expect(gallery.cards).to_have_count(len(matching))
    assert sorted(gallery.names()) == sorted(matching)

    gallery.choose("wine_quality")
    expect(gallery.form).to_be_visible()
    expect(gallery.pipeline_id).to_have_value("wine_quality_1")
    expect(gallery.field("min_alcohol")).to_contain_text("Minimum alcohol")

    gallery.fill("min_alcohol", "99")
    gallery.create()
    problem = gallery.field("min_alcohol").get_by_test_id("field-problems")
    expect(problem).to_be_visible()
    editor.shot("out-of-range")
    assert "20" in problem.inner_text()  # the limit, in plain words
    assert not (editor_workspace / "wine_quality_1.json").exists()

    gallery.fill("min_alcohol", "12.5")
    gallery.create()
    expect(gallery.root).to_be_hidden()
    expect(editor.top_bar.picker).to_have_value("wine_quality_1")
    template = editor.page.request.get(f"{editor.url}api/templates/wine_quality").json()
    expected_nodes = sorted(n["id"] for n in template["preview"]["nodes"])
    editor.canvas.wait_nodes(len(expected_nodes))
    assert sorted(editor.canvas.node_ids()) == expected_nodes
    editor.shot("created")
    saved = json.loads((editor_workspace / "wine_quality_1.json").read_text())
    assert saved["params"]["min_alcohol"]["default"] == 12.5

    # Keyboard only: the next pipeline from the same template gets the next free id; a taken one is refused.
    gallery.open_gallery()
    gallery.card("wine_quality").focus()
    editor.page.keyboard.press("Enter")
    expect(gallery.pipeline_id).to_have_value("wine_quality_2")
    expect(gallery.pipeline_id).to_be_focused()
    gallery.pipeline_id.fill("wine_quality_1")
    expect(gallery.id_problem).to_contain_text("has this id already")
    expect(gallery.create_button).to_be_disabled()
    editor.shot("id-taken")


def test_gallery_in_chinese(editor):
    gallery = editor.templates
    editor.top_bar.language("zh")
    cards = {c["name"]: c for c in shipped(editor, "zh")}
    gallery.open_gallery()
    expect(gallery.card("wine_quality")).to_contain_text(cards["wine_quality"]["title"])
    assert cards["wine_quality"]["title"] != next(c for c in shipped(editor, "en") if c["name"] == "wine_quality")["title"]
    editor.shot("cards-zh")
    gallery.choose("wine_quality")
    expect(gallery.field("min_alcohol")).to_contain_text("最低酒精度")
    editor.shot("gallery-zh")
