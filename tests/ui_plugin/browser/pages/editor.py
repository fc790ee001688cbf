"""The whole editor page: its panels, and screenshots of the steps a test takes."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page

from tests.ui_plugin.browser.pages.canvas import Canvas
from tests.ui_plugin.browser.pages.canvas_tools import CanvasTools
from tests.ui_plugin.browser.pages.dialogs import ConflictDialog, PipelinesDialog
from tests.ui_plugin.browser.pages.inspector import Inspector
from tests.ui_plugin.browser.pages.palette import Palette
from tests.ui_plugin.browser.pages.run import Run
from tests.ui_plugin.browser.pages.schedule import Schedule
from tests.ui_plugin.browser.pages.template_data import TemplateData
from tests.ui_plugin.browser.pages.template_runs import TemplateRuns
from tests.ui_plugin.browser.pages.templates import Templates
from tests.ui_plugin.browser.pages.top_bar import TopBar


class EditorPage:
    def __init__(self, page: Page, url: str, shots: Path):
        self.page, self.url, self.shots = page, url, shots
        self.top_bar = TopBar(page)
        self.palette = Palette(page)
        self.canvas = Canvas(page)
        self.conflict = ConflictDialog(page)
        self.pipelines = PipelinesDialog(page)
        self.run = Run(page)
        self.inspector = Inspector(page)
        self.canvas_tools = CanvasTools(page)
        self.templates = Templates(page)
        self.template_data = TemplateData(page)
        self.schedule = Schedule(page)
        self.template_runs = TemplateRuns(page)
        self._step = 0

    def goto(self, fragment: str = "") -> None:
        self.page.goto(self.url + fragment)
        self.palette.wait_loaded()

    def reload(self) -> None:
        self.page.reload()
        self.palette.wait_loaded()

    def shot(self, name: str) -> Path:
        """Save a screenshot of the page as `NN-name.png`; the files are the test's artifacts."""
        self._step += 1
        path = self.shots / f"{self._step:02d}-{name}.png"
        self.page.screenshot(path=str(path))
        return path
