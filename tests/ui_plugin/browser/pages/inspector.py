"""The side panel (the selected node's inspector, or the pipeline's settings) and the problems list."""

from __future__ import annotations

from playwright.sync_api import Locator, Page, expect


class CodeEditor:
    """A CodeMirror editor of a code param, with its lint diagnostics."""

    def __init__(self, root: Locator):
        self.root = root
        self.content = root.locator(".cm-content")
        self.lines = root.locator(".cm-line")
        self.error_ranges = root.locator(".cm-lintRange-error")
        self.error_markers = root.locator(".cm-lint-marker-error")

    def replace_text(self, text: str) -> None:
        """Select everything and insert `text` as one input (no key events: no autocompletion)."""
        self.content.click()
        self.root.page.keyboard.press("Control+a")
        self.root.page.keyboard.insert_text(text)

    def diagnostic_position(self) -> tuple[int, int]:
        """1-based line and column where the first error diagnostic starts, read from the DOM."""
        expect(self.error_ranges.first).to_be_visible()
        return self.error_ranges.first.evaluate(
            """range => {
                const line = range.closest('.cm-line');
                const lines = [...range.closest('.cm-content').querySelectorAll(':scope > .cm-line')];
                const before = document.createRange();
                before.setStart(line, 0);
                before.setEndBefore(range);
                return [lines.indexOf(line) + 1, before.toString().length + 1];
            }"""
        )


class Inspector:
    def __init__(self, page: Page):
        self.page = page
        self.root = page.get_by_test_id("inspector")
        self.node_id = page.get_by_test_id("node-id")
        self.rename_error = page.get_by_test_id("rename-error")
        self.sql = CodeEditor(self.root.get_by_test_id("code-sql"))

    def wait_for(self, node_id: str) -> None:
        expect(self.root).to_have_attribute("data-node", node_id)

    def field(self, path: str) -> Locator:
        """The wrapper of a form field, by its path in the node: "params.format", "retries"."""
        return self.root.locator(f'[data-field="{path}"]')

    def control(self, path: str) -> Locator:
        return self.field(path).locator(":is(input, select, textarea):not(.param-picker)").first

    def rename(self, new_id: str) -> None:
        self.node_id.fill(new_id)
        self.node_id.press("Enter")

    def mark_output_asset(self, port: str, name: str) -> None:
        """Mark an output of the node an asset and name it."""
        self.root.get_by_test_id(f"output-asset-{port}").check()  # already checked: no change
        self.root.get_by_test_id(f"output-asset-name-{port}").fill(name)


class PipelineSettings:
    def __init__(self, page: Page):
        self.page = page
        self.root = page.get_by_test_id("pipeline-settings")
        self.schedule_kind = page.get_by_test_id("schedule-kind")
        self.cron = page.get_by_test_id("schedule-cron")
        self.next_runs = page.get_by_test_id("next-runs")
        self.schedule_error = page.get_by_test_id("schedule-error")
        self.add_param_button = page.get_by_test_id("add-param")
        self.assets = page.get_by_test_id("schedule-assets")
        self.nested_assets = page.get_by_test_id("schedule-assets-nested")
        self.asset_mode = page.get_by_test_id("schedule-assets-mode")
        self.asset_input = page.get_by_test_id("schedule-asset-input")

    def add_param(self) -> None:
        self.add_param_button.click()

    def param(self, name: str) -> Locator:
        return self.root.locator(f'[data-testid="pipeline-param"][data-param="{name}"]')

    def set_cron(self, expression: str) -> None:
        self.schedule_kind.select_option("cron")
        self.cron.fill(expression)

    def set_asset_schedule(self, mode: str, names: list[str]) -> None:
        """"When assets update": `mode` is any or all; names are added one by one (Enter, then the button)."""
        self.schedule_kind.select_option("assets")
        for i, name in enumerate(names):
            self.asset_input.fill(name)
            if i % 2:
                self.page.get_by_test_id("schedule-asset-add").click()
            else:
                self.asset_input.press("Enter")
        self.asset_mode.select_option(mode)

    def shown_assets(self) -> tuple[str, list[str]]:
        """The asset schedule as the panel shows it: mode and names, in order."""
        expect(self.assets).to_be_visible()
        names = [item.get_attribute("data-asset") for item in self.assets.locator("li").all()]
        return self.asset_mode.input_value(), names

    def shown_runs(self) -> tuple[str, list[str]]:
        """The instant the shown run times follow, and the times (ISO, as the API gave them)."""
        expect(self.next_runs).to_be_visible()
        times = [item.get_attribute("data-time") for item in self.next_runs.locator("li").all()]
        return self.next_runs.get_attribute("data-after"), times


class ProblemsList:
    def __init__(self, page: Page):
        self.page = page
        self.tab = page.get_by_test_id("tab-problems")
        self.list = page.get_by_test_id("problems")
        self.items = page.get_by_test_id("problem")

    def show(self) -> None:
        if self.tab.get_attribute("aria-selected") != "true":
            self.tab.click()

    def item(self, node: str, code: str) -> Locator:
        return self.page.locator(f'[data-testid="problem"][data-node="{node}"][data-code="{code}"]')
