"""The canvas's toolbar (undo, redo, zoom, fit, arrange, node search), its minimap, refusals and selection."""

from __future__ import annotations

import re

from playwright.sync_api import Page

VIEWPORT = re.compile(r"translate\(\s*(-?[\d.]+)px,\s*(-?[\d.]+)px\)\s*scale\(\s*([\d.]+)\)")


class CanvasTools:
    def __init__(self, page: Page):
        self.page = page
        self.undo = page.get_by_test_id("undo")
        self.redo = page.get_by_test_id("redo")
        self.zoom_in = page.get_by_test_id("zoom-in")
        self.zoom_out = page.get_by_test_id("zoom-out")
        self.fit = page.get_by_test_id("fit-view")
        self.arrange = page.get_by_test_id("arrange")
        self.search = page.get_by_test_id("node-search")
        self.search_count = page.get_by_test_id("node-search-count")
        self.refused = page.get_by_test_id("connection-refused")
        self.minimap_nodes = page.locator(".react-flow__minimap-node")
        self.selected = page.locator(".react-flow__node.selected")

    def viewport(self) -> tuple[float, float, float]:
        """React Flow's pan (x, y) and zoom, as written on its viewport element."""
        style = self.page.locator(".react-flow__viewport").get_attribute("style") or ""
        found = VIEWPORT.search(style)
        assert found, f"no transform in the viewport's style {style!r}"
        return float(found.group(1)), float(found.group(2)), float(found.group(3))

    def selected_ids(self) -> list[str]:
        return sorted(node.get_attribute("data-id") for node in self.selected.all())

    def click_nodes(self, *node_ids: str, key: str = "Shift") -> None:
        """Click the first node, then add the others with `key` held."""
        for i, node_id in enumerate(node_ids):
            header = self.page.locator(f'.react-flow__node[data-id="{node_id}"] .jimu-node-header')
            header.click(modifiers=[key] if i else [])

    def box_select(self, start: tuple[float, float], end: tuple[float, float]) -> None:
        """Shift-drag a selection box between two page points."""
        mouse, keyboard = self.page.mouse, self.page.keyboard
        keyboard.down("Shift")
        mouse.move(*start)
        mouse.down()
        mouse.move(*end, steps=10)
        mouse.up()
        keyboard.up("Shift")

    def find(self, text: str) -> None:
        self.search.fill(text)
        self.search.press("Enter")
