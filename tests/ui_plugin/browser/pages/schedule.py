""""Schedule" from a template's form: preset or cron, next run times, profile, failure email, and the result."""

from __future__ import annotations

from playwright.sync_api import Page


class Schedule:
    def __init__(self, page: Page):
        self.page = page
        self.open_button = page.get_by_test_id("template-schedule")
        self.root = page.get_by_test_id("schedule-template")
        self.preset = page.get_by_test_id("schedule-preset")
        self.cron = page.get_by_test_id("schedule-cron")
        self.next = page.get_by_test_id("schedule-next")
        self.problem = page.get_by_test_id("schedule-problem")
        self.profile = page.get_by_test_id("schedule-profile")
        self.email = page.get_by_test_id("schedule-email")
        self.email_problem = page.get_by_test_id("schedule-email-problem")
        self.error = page.get_by_test_id("schedule-error")
        self.confirm_button = page.get_by_test_id("schedule-confirm")
        self.done = page.get_by_test_id("schedule-done")
        self.dag_id = page.get_by_test_id("schedule-dag-id")
        self.file = page.get_by_test_id("schedule-file")

    def open(self) -> None:
        self.open_button.click()

    def next_times(self) -> tuple[str, list[str]]:
        """The instant the shown run times follow, and the times (ISO, UTC) in their order."""
        items = self.next.locator("li")
        return self.next.get_attribute("data-after"), [li.get_attribute("data-time") for li in items.all()]

    def confirm(self) -> None:
        self.confirm_button.click()
