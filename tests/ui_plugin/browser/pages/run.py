"""Running from the editor: the top bar's run button, the run dialog and the run tab of the bottom pane."""

from __future__ import annotations

from playwright.sync_api import Locator, Page, expect

from tests.ui_plugin.browser.pages.code_view import CodeView

RUN_SECONDS = 180_000  # a cold run starts Airflow: several seconds, more on a busy machine (ms)


class RunDialog:
    def __init__(self, page: Page):
        self.root = page.get_by_test_id("run-dialog")
        self.start_button = page.get_by_test_id("run-start")

    def param(self, name: str) -> Locator:
        return self.root.locator(f"#run-param_{name}")


class RunPane:
    def __init__(self, page: Page):
        self.page = page
        self.tab = page.get_by_test_id("tab-run")
        self.root = page.get_by_test_id("run-pane")
        self.state = page.get_by_test_id("run-state")
        self.duration = page.get_by_test_id("run-duration")
        self.stop_button = page.get_by_test_id("run-stop")
        self.run_log = page.get_by_test_id("run-log")
        self.node_log = page.get_by_test_id("node-log")
        self.node_error = page.get_by_test_id("node-error")
        self.node_picker = page.get_by_test_id("node-picker")
        self.history = page.get_by_test_id("history-run")
        self.legend = page.get_by_test_id("run-legend")
        self.preview = page.get_by_test_id("output-preview")
        self.grid = page.get_by_test_id("output-grid")
        self.row_count = page.get_by_test_id("output-row-count")
        self.metrics = page.get_by_test_id("output-metrics")
        self.charts = page.get_by_test_id("output-chart")

    def open(self) -> None:
        if self.tab.get_attribute("aria-selected") != "true":
            self.tab.click()
        expect(self.root).to_be_visible()

    def wait_finished(self, state: str) -> None:
        expect(self.state).to_have_attribute("data-state", state, timeout=RUN_SECONDS)

    def rerun_button(self, node: str) -> Locator:
        return self.page.locator(f'[data-testid="run-rerun"][data-node="{node}"]')

    def pick(self, node: str) -> None:
        self.node_picker.select_option(node)

    def view(self, name: str) -> None:
        """Show the chosen node's `output` or `log`."""
        self.page.get_by_test_id(f"node-view-{name}").click()

    def columns(self) -> list[tuple[str, str]]:
        """The preview grid's columns: (name, Arrow type)."""
        heads = self.grid.locator("thead th")
        return [(th.get_attribute("data-column"), th.get_attribute("data-type")) for th in heads.all()]

    def rows(self) -> list[list[str]]:
        return [row.locator("td").all_inner_texts() for row in self.grid.locator("tbody tr").all()]

    def chart(self, name: str) -> Locator:
        """A chart of the shown output, once vega-embed has drawn it."""
        return self.page.locator(f'[data-testid="output-chart"][data-chart="{name}"][data-drawn="true"]')

    def chart_texts(self, name: str, role: str) -> list[str]:
        """Texts vega drew in a chart's SVG: role "mark" (e.g. a confusion matrix's counts), "axis-label", "axis-title"."""
        return self.chart(name).locator(f"svg g.role-{role} text").all_text_contents()


class Run:
    """The run button and what it opens."""

    def __init__(self, page: Page):
        self.page = page
        self.button = page.get_by_test_id("run")
        self.dialog = RunDialog(page)
        self.pane = RunPane(page)
        self.code = CodeView(page)

    def node_state(self, node: str) -> Locator:
        """The canvas node; its data-run-state follows the watched run."""
        return self.page.locator(f'[data-testid="node"][data-node="{node}"]')
