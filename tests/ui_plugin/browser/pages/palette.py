"""The component palette: grouped items and the search box."""

from __future__ import annotations

from playwright.sync_api import Page, expect


class Palette:
    def __init__(self, page: Page):
        self.page = page
        self.root = page.get_by_test_id("palette")
        self.heading = self.root.locator("h2")
        self.search = page.get_by_test_id("palette-search")
        self.items = page.get_by_test_id("palette-item")

    def wait_loaded(self) -> None:
        expect(self.items.first).to_be_visible()

    def refs(self) -> list[str]:
        return [item.get_attribute("data-ref") for item in self.items.all()]

    def group_headings(self) -> list[str]:
        return self.root.locator(".palette-group h3").all_inner_texts()

    def item(self, ref: str):
        return self.root.locator(f'[data-testid="palette-item"][data-ref="{ref}"]')
