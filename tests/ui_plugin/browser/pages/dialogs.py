"""The modal dialogs: the save conflict and the pipelines list."""

from __future__ import annotations

import json

from playwright.sync_api import Page


class ConflictDialog:
    def __init__(self, page: Page):
        self.page = page
        self.root = page.get_by_test_id("conflict-dialog")
        self.changes = page.get_by_test_id("conflict-changes")

    def version(self, whose: str) -> dict:
        """The document the dialog shows as `mine` or `theirs`."""
        return json.loads(self.page.get_by_test_id(f"conflict-{whose}").inner_text())

    def choose(self, action: str) -> None:
        """overwrite, copy, reload or cancel."""
        self.page.get_by_test_id(f"conflict-{action}").click()


class PipelinesDialog:
    def __init__(self, page: Page):
        self.page = page
        self.root = page.get_by_test_id("pipelines-dialog")
        self.rows = self.root.locator("tbody tr")

    def open_list(self) -> None:
        self.page.get_by_test_id("pipelines").click()

    def ids(self) -> list[str]:
        return [row.get_attribute("data-pipeline") for row in self.rows.all()]

    def row_action(self, pipeline_id: str, action: str) -> None:
        """open, duplicate or delete, on the row of `pipeline_id`."""
        self.root.locator(f'tr[data-pipeline="{pipeline_id}"]').get_by_test_id(action).click()

    def create(self, pipeline_id: str) -> None:
        self.page.get_by_test_id("new-pipeline-id").fill(pipeline_id)
        self.page.get_by_test_id("create-pipeline").click()

    def close(self) -> None:
        self.page.get_by_test_id("pipelines-close").click()
