"""English and Simplified Chinese: the switch changes the palette and the buttons, and is remembered."""

from __future__ import annotations

from playwright.sync_api import expect


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
