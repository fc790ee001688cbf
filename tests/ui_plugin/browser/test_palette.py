"""The editor loads from the built front end, and the palette lists every published component."""

from __future__ import annotations

import httpx
from playwright.sync_api import expect


def test_the_palette_lists_every_component_the_api_lists(editor, editor_url):
    listed = httpx.get(editor_url + "api/components", timeout=30).json()
    editor.shot("loaded")

    assert sorted(editor.palette.refs()) == sorted(c["ref"] for c in listed)
    # Grouped by category: one heading per category the API names, in English by default.
    assert len(editor.palette.group_headings()) == len({c["category"] for c in listed})
    expect(editor.palette.heading).to_have_text("Components")


def test_slash_focuses_the_search_which_filters_the_palette(editor):
    editor.page.locator("body").press("/")
    expect(editor.palette.search).to_be_focused()

    editor.page.keyboard.type("load")
    expect(editor.palette.items).not_to_have_count(0)
    assert all("load" in (item.inner_text() + (item.get_attribute("title") or "")).lower()
               for item in editor.palette.items.all())
    editor.shot("searched")
