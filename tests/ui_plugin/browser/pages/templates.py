"""The templates gallery: cards, search, and one template's form."""

from __future__ import annotations

from playwright.sync_api import Page


class Templates:
    def __init__(self, page: Page):
        self.page = page
        self.root = page.get_by_test_id("templates-dialog")
        self.cards = self.root.locator(".template-card")
        self.search = page.get_by_test_id("templates-search")
        self.form = page.get_by_test_id("template-form")
        self.pipeline_id = page.get_by_test_id("template-pipeline-id")
        self.error = page.get_by_test_id("template-error")
        self.id_problem = page.get_by_test_id("template-id-problem")
        self.create_button = page.get_by_test_id("template-create")

    def open_gallery(self) -> None:
        self.page.get_by_test_id("templates").click()

    def names(self) -> list[str]:
        return [card.get_attribute("data-template") for card in self.cards.all()]

    def card(self, name: str):
        return self.root.locator(f'.template-card[data-template="{name}"]')

    def choose(self, name: str) -> None:
        self.card(name).click()

    def field(self, name: str):
        """The block of one form field: its label, input and problems."""
        return self.form.locator(f'[data-field="{name}"]')

    def fill(self, name: str, value: str) -> None:
        self.field(name).locator("input").fill(value)

    def create(self) -> None:
        self.create_button.click()
