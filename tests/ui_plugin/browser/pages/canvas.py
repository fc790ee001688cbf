"""The React Flow canvas: nodes, their port handles and edges."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page, expect

TRANSLATE = re.compile(r"translate\(\s*(-?[\d.]+)px,\s*(-?[\d.]+)px\)")


class Canvas:
    def __init__(self, page: Page):
        self.page = page
        self.pane = page.locator(".react-flow__pane")
        self.nodes = page.locator(".react-flow__node")
        self.edges = page.locator(".react-flow__edge")

    def drop(self, palette_item: Locator, x: float, y: float) -> None:
        """Drag a palette item onto the pane, releasing it at (x, y) inside the pane."""
        palette_item.drag_to(self.pane, target_position={"x": x, "y": y})

    def click_blank(self) -> None:
        """Click the pane where nothing sits (its bottom-left corner: the toolbar is top left, the
        minimap bottom right): selects nothing and takes the focus out of any form field."""
        box = self.pane.bounding_box()
        self.pane.click(position={"x": 8, "y": box["height"] - 8})

    def handle(self, node_id: str, port: str, kind: str = "") -> Locator:
        """A port's handle; `kind` "source" or "target" tells an output from an input of the same name."""
        return self.page.locator(f'[data-nodeid="{node_id}"][data-handleid="{port}"]{"." + kind if kind else ""}')

    def connect(self, source: str, source_port: str, target: str, target_port: str) -> None:
        """Press on the output handle, move in steps, release on the input handle."""
        start = self.handle(source, source_port, "source").bounding_box()
        end = self.handle(target, target_port, "target").bounding_box()
        mouse = self.page.mouse
        mouse.move(start["x"] + start["width"] / 2, start["y"] + start["height"] / 2)
        mouse.down()
        mouse.move(end["x"] + end["width"] / 2, end["y"] + end["height"] / 2, steps=12)
        mouse.up()

    def node(self, node_id: str) -> Locator:
        return self.page.locator(f'.react-flow__node[data-id="{node_id}"]')

    def node_ids(self) -> list[str]:
        return sorted(node.get_attribute("data-id") for node in self.nodes.all())

    def position(self, node_id: str) -> tuple[float, float]:
        """Where the node sits in flow coordinates (React Flow writes them as its transform)."""
        style = self.node(node_id).get_attribute("style") or ""
        found = TRANSLATE.search(style)
        assert found, f"node {node_id} has no translate() in its style {style!r}"
        return float(found.group(1)), float(found.group(2))

    def edge_ids(self) -> list[str]:
        return sorted(edge.get_attribute("data-id") for edge in self.edges.all())

    def wait_nodes(self, count: int) -> None:
        expect(self.nodes).to_have_count(count)
