"""The editor inside a real Airflow 3 api-server: logged in with a token, opened from Airflow's own nav."""

from __future__ import annotations

import json

import httpx
import pytest
from playwright.sync_api import expect

from tests.browser import VIEWPORT

pytestmark = pytest.mark.browser


@pytest.fixture
def airflow_tab(browser, airflow_server):
    """A browser tab logged in as `editor`: the JWT from POST /auth/token, in the cookie Airflow's UI uses."""
    context = browser.new_context(viewport=VIEWPORT)
    context.add_cookies([{"name": "_token", "value": airflow_server.token("editor"), "url": airflow_server.base_url}])
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert not errors, f"the page raised: {errors}"


def test_the_nav_entry_opens_the_editor_and_it_lists_components(airflow_tab, airflow_server, tmp_path):
    page = airflow_tab
    page.goto(airflow_server.base_url + "/")
    page.get_by_role("button", name="Browse").click()
    page.get_by_role("menuitem", name="Jimu").click()

    # Airflow shows the plugin's page in an iframe of its own UI.
    editor = page.frame_locator("iframe")
    items = editor.get_by_test_id("palette-item")
    expect(items.first).to_be_visible(timeout=30_000)
    page.screenshot(path=str(tmp_path / "01-editor-in-airflow.png"))
    shown = sorted(item.get_attribute("data-ref") for item in items.all())
    token = airflow_server.token("viewer")
    listed = httpx.get(f"{airflow_server.base_url}/jimu/api/components",
                       headers={"Authorization": f"Bearer {token}"}, timeout=30).json()
    assert shown == sorted(component["ref"] for component in listed)
    assert shown, "the editor in Airflow lists no components"

    # The logged-in editor may save: New creates a pipeline file in Airflow's [jimu] workspace.
    editor.get_by_test_id("new-pipeline").click()
    expect(editor.get_by_test_id("status")).to_contain_text("Created")
    created = editor.get_by_test_id("pipeline-picker").input_value()
    page.screenshot(path=str(tmp_path / "02-created-in-airflow.png"))
    stored = airflow_server.home.parent / "workspace" / f"{created}.json"
    assert json.loads(stored.read_text())["id"] == created
