"""Browser fixtures: one Chromium and one live editor (API and built front end) per session."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from jimu.ui_plugin.app import create_app
from jimu.ui_plugin.config import UiConfig
from jimu.ui_plugin.frontend import DIST
from tests.ui_plugin.browser.pages.editor import EditorPage
from tests.ui_plugin.live import serving

# Debian's chromium (make setup installs it); Playwright's own download is never used.
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-dev-shm-usage"]
# 1280x800: the smallest screen the editor is built for.
VIEWPORT = {"width": 1280, "height": 800}


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not (DIST / "index.html").is_file():
        pytest.fail(f"the editor front end is not built ({DIST} has no index.html): run `make setup`")
    if not CHROMIUM.is_file():
        pytest.fail(f"{CHROMIUM} is missing: run `make setup` (it installs Debian's chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def editor_config(tmp_path_factory, catalog) -> UiConfig:
    # `catalog` publishes the built-ins once per session; the app then reads the same store.
    root = tmp_path_factory.mktemp("editor")
    return UiConfig(workspace=root / "workspace", dags_folder=root / "dags", warm_runs=False)


@pytest.fixture(scope="session")
def editor_url(browser, editor_config):
    with serving(create_app(editor_config)) as url:
        yield url + "/"


@pytest.fixture
def editor_workspace(editor_config) -> Path:
    """The session editor's workspace, emptied for each test."""
    shutil.rmtree(editor_config.workspace, ignore_errors=True)
    editor_config.workspace.mkdir(parents=True)
    return editor_config.workspace


@pytest.fixture
def editor(browser, editor_url, editor_workspace, tmp_path) -> EditorPage:
    """A fresh tab (own storage) on the editor; screenshots of its steps go under tmp_path/shots."""
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    editor = EditorPage(page, editor_url, tmp_path / "shots")
    editor.goto()
    yield editor
    context.close()
    assert not errors, f"the page raised: {errors}"
