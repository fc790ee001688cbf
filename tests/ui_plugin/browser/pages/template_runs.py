"""Running a template from the gallery: "Run now", the template run page, and the "My pipelines" tab."""

from __future__ import annotations

from playwright.sync_api import Locator, Page, expect

from tests.ui_plugin.browser.pages.run import RUN_SECONDS


class TemplateRuns:
    def __init__(self, page: Page):
        self.page = page
        self.run_now_button = page.get_by_test_id("template-run-now")
        self.root = page.get_by_test_id("template-run")
        self.state = page.get_by_test_id("template-run-state")
        self.steps_done = page.get_by_test_id("template-steps-done")
        self.elapsed = page.get_by_test_id("template-elapsed")
        self.stop_button = page.get_by_test_id("template-run-stop")
        self.steps = page.get_by_test_id("template-step")
        self.failure = page.get_by_test_id("template-run-failure")
        self.results = page.get_by_test_id("template-results")
        self.tables = self.results.get_by_test_id("template-table")
        self.open_pipeline_button = page.get_by_test_id("template-open-pipeline")
        self.back_button = page.get_by_test_id("template-run-back")
        self.templates_tab = page.get_by_test_id("template-tab-templates")
        self.mine_tab = page.get_by_test_id("template-tab-mine")
        self.my_pipelines = page.get_by_test_id("my-pipeline")

    def run_now(self) -> None:
        self.run_now_button.click()
        expect(self.root).to_be_visible()

    def run_id(self) -> str:
        return self.root.get_attribute("data-run")

    def wait_finished(self, state: str) -> None:
        expect(self.state).to_have_attribute("data-state", state, timeout=RUN_SECONDS)

    def step(self, node: str) -> Locator:
        return self.root.locator(f'[data-testid="template-step"][data-node="{node}"]')

    def step_states(self) -> dict[str, str]:
        """Each step of the picture and the state it is coloured by."""
        return {step.get_attribute("data-node"): step.get_attribute("data-run-state") for step in self.steps.all()}

    def metric(self, node: str, name: str) -> Locator:
        return self.results.locator(f'[data-testid="template-metrics"][data-node="{node}"] [data-metric="{name}"]')

    def chart(self, name: str) -> Locator:
        return self.results.locator(f'[data-testid="output-chart"][data-chart="{name}"]')

    def chart_texts(self, name: str, role: str) -> list[str]:
        """The text of one kind of chart element (`mark`, `axis-label`...), as drawn in its SVG."""
        return self.chart(name).locator(f"svg g.role-{role} text").all_text_contents()

    def table(self, node: str, port: str) -> Locator:
        return self.results.locator(f'[data-testid="template-table"][data-node="{node}"][data-port="{port}"]')

    def my_pipeline(self, pipeline: str) -> Locator:
        return self.page.locator(f'[data-testid="my-pipeline"][data-pipeline="{pipeline}"]')

    def my_run(self, pipeline: str, run_id: str) -> Locator:
        return self.my_pipeline(pipeline).locator(f'[data-testid="my-run"][data-run="{run_id}"]')
