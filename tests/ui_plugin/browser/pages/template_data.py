"""A template form's data fields: the dataset widget (upload, pick, first rows), the column list, the pipeline picture."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Locator, Page


class TemplateData:
    def __init__(self, page: Page):
        self.page = page
        form = page.get_by_test_id("template-form")
        self.dataset = form.get_by_test_id("dataset-field")
        self.current = form.get_by_test_id("dataset-current")
        self.file_input = form.get_by_test_id("dataset-file")
        self.drop_zone = form.get_by_test_id("dataset-drop")
        self.progress = form.get_by_test_id("dataset-progress")
        self.refused = form.get_by_test_id("dataset-refused")
        self.pick = form.get_by_test_id("dataset-pick")
        self.table = form.get_by_test_id("dataset-table")
        self.column = form.get_by_test_id("column-select")
        self.column_cleared = form.get_by_test_id("column-cleared")
        self.picture = form.get_by_test_id("template-preview")

    def upload(self, path: Path) -> None:
        self.file_input.set_input_files(str(path))

    def drop(self, path: Path) -> None:
        """Drop the file on the upload box, as a file dragged from the desktop is."""
        transfer = self.page.evaluate_handle(
            """([name, bytes]) => {
                const transfer = new DataTransfer();
                transfer.items.add(new File([new Uint8Array(bytes)], name));
                return transfer;
            }""",
            [path.name, list(path.read_bytes())],
        )
        self.drop_zone.dispatch_event("dragover", {"dataTransfer": transfer})
        self.drop_zone.dispatch_event("drop", {"dataTransfer": transfer})

    def uri(self) -> str:
        """The dataset the widget shows (its `uri`)."""
        return self.dataset.get_attribute("data-uri") or ""

    def headers(self) -> list[tuple[str, str, str]]:
        """Each preview column: (name, detected type as the API says it, the type in the UI's words)."""
        return [(th.locator(".dataset-column-name").inner_text(), th.get_attribute("data-type") or "",
                 th.locator(".dataset-column-type").inner_text()) for th in self.table.locator("thead th").all()]

    def rows(self) -> list[list[str]]:
        return [row.locator("td").all_inner_texts() for row in self.table.locator("tbody tr").all()]

    def column_choices(self) -> list[str]:
        return [value for value in self.column.locator("option").evaluate_all("os => os.map(o => o.value)") if value]


def step_titles(picture: Locator) -> list[str]:
    """The titles of a pipeline picture's steps, in the order drawn (each box's tooltip)."""
    return picture.locator(".picture-step > title").all_text_contents()


def step_ids(picture: Locator) -> list[str]:
    return [step.get_attribute("data-step") or "" for step in picture.locator(".picture-step").all()]
