"""Browser fixtures: one live editor (API and built front end) per session; `browser` is tests/browser.py's."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from jimu.ui_plugin.app import create_app
from jimu.ui_plugin.config import UiConfig
from tests.browser import VIEWPORT
from tests.ui_plugin.browser.pages.editor import EditorPage
from tests.ui_plugin.live import serving


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)


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
