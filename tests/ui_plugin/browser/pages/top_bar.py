"""The top bar: pipeline picker, New, Save, status line and language switch."""

from __future__ import annotations

from playwright.sync_api import Page, expect


class TopBar:
    def __init__(self, page: Page):
        self.page = page
        self.picker = page.get_by_test_id("pipeline-picker")
        self.new_button = page.get_by_test_id("new-pipeline")
        self.save_button = page.get_by_test_id("save")
        self.status = page.get_by_test_id("status")

    def new_pipeline(self) -> str:
        """Press New; answers the id of the pipeline it created and opened."""
        self.new_button.click()
        expect(self.picker).not_to_have_value("")
        return self.picker.input_value()

    def open(self, pipeline_id: str) -> None:
        self.picker.select_option(pipeline_id)

    def save_with_keyboard(self) -> None:
        self.page.keyboard.press("Control+s")
        expect(self.status).to_have_text("Saved")

    def language(self, code: str) -> None:
        self.page.get_by_test_id(f"language-{code}").click()
