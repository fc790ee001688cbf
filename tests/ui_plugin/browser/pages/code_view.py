"""The code view beside the canvas: pipeline JSON and DAG source, with a profile switch."""

from __future__ import annotations

from playwright.sync_api import Page, expect


class CodeView:
    def __init__(self, page: Page):
        self.page = page
        self.toggle = page.get_by_test_id("code-toggle")
        self.root = page.get_by_test_id("code-view")
        self.body = page.get_by_test_id("code-body")
        self.profile = page.get_by_test_id("code-profile")
        self.issues = page.get_by_test_id("code-issues")

    def show(self) -> None:
        if self.toggle.get_attribute("aria-pressed") != "true":
            self.toggle.click()
        expect(self.root).to_be_visible()

    def tab(self, name: str) -> None:
        self.page.get_by_test_id(f"code-tab-{name}").click()

    def dag_source(self, profile: str) -> list[str]:
        """The lines CodeMirror shows (it draws those in view only) of the DAG for `profile`."""
        self.tab("dag")
        self.profile.select_option(profile)
        expect(self.body).to_have_attribute("data-state", "ready")
        lines = self.root.locator(".cm-line")
        expect(lines.first).to_be_visible()
        return [line.rstrip("\n") for line in lines.all_inner_texts()]  # an empty line holds a <br>
