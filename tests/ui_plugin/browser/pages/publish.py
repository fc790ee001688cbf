""""Publish as template…": the template's words, the params ticked into its form, and the server's answer."""

from __future__ import annotations

from playwright.sync_api import Page


class PublishDialog:
    def __init__(self, page: Page):
        self.page = page
        self.open_button = page.get_by_test_id("publish-template")
        self.root = page.get_by_test_id("publish-dialog")
        self.name = page.get_by_test_id("publish-name")
        self.version = page.get_by_test_id("publish-version")
        self.category = page.get_by_test_id("publish-category")
        self.problems = page.get_by_test_id("publish-problems")
        self.submit_button = page.get_by_test_id("publish-submit")
        self.done = page.get_by_test_id("publish-done")
        self.ref = page.get_by_test_id("publish-ref")
        self.open_gallery = page.get_by_test_id("publish-open-gallery")

    def open(self) -> None:
        self.open_button.click()

    def text(self, key: str):
        """The template's title or description: title, title_zh, description, description_zh."""
        return self.page.get_by_test_id(f"publish-{key}")

    def exposable(self, key: str):
        """The row of one param that can become a form field: `name` or `node.param`."""
        return self.root.locator(f'[data-expose="{key}"]')

    def expose(self, key: str, **texts: str) -> None:
        """Tick a param and write its texts (title, title_zh, description, description_zh)."""
        row = self.exposable(key)
        row.get_by_role("checkbox").check()
        for text, value in texts.items():
            row.get_by_test_id(f"field-{text}").fill(value)

    def submit(self) -> None:
        self.submit_button.click()
