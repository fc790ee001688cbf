"""English and Simplified Chinese: the switch changes the palette and the buttons, and is remembered."""

from __future__ import annotations

import json

from playwright.sync_api import expect

from tests.conftest import REPO

LOCALES = REPO / "ui_plugin" / "frontend" / "src" / "locales"
COMPONENTS = REPO / "components"


def test_switching_to_chinese_translates_palette_and_buttons(editor):
    expect(editor.top_bar.new_button).to_have_text("New")
    editor.top_bar.language("zh")
    editor.shot("chinese")

    expect(editor.palette.heading).to_have_text("组件")
    expect(editor.top_bar.new_button).to_have_text("新建")
    expect(editor.top_bar.save_button).to_have_text("保存")
    assert "数据转换" in editor.palette.group_headings()

    editor.reload()
    expect(editor.palette.heading).to_have_text("组件")
    editor.top_bar.language("en")
    expect(editor.palette.heading).to_have_text("Components")


def test_built_in_components_have_chinese_titles_and_chinese_search(editor, catalog):
    translations = json.loads((LOCALES / "zh" / "components.json").read_text(encoding="utf-8"))
    editor.top_bar.language("zh")
    shown = {item.get_attribute("data-ref").split("@")[0]: item.locator(".palette-item-title").inner_text()
             for item in editor.palette.items.all()}
    editor.shot("chinese-palette")
    built_ins = {name for name in shown if (COMPONENTS / name / "component.yaml").is_file()}
    assert built_ins and built_ins <= set(translations), f"no Chinese title for {built_ins - set(translations)}"
    assert {name: shown[name] for name in built_ins} == {name: translations[name]["title"] for name in built_ins}

    editor.palette.search.fill("查询")
    expect(editor.palette.items).to_have_count(len([n for n in shown if "查询" in translations.get(n, {}).get("title", "")
                                                    or "查询" in translations.get(n, {}).get("description", "")]))
    assert "sql" in {ref.split("@")[0] for ref in editor.palette.refs()}
