"""One headless Debian Chromium per test session, for every browser test (editor alone or in Airflow).

Registered from tests/conftest.py. Playwright's own browser download is never used: it fails here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

# Debian's chromium (make setup installs it).
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-dev-shm-usage"]
# 1280x800: the smallest screen the editor is built for.
VIEWPORT = {"width": 1280, "height": 800}


@pytest.fixture(scope="session")
def browser():
    from jimu.ui_plugin.frontend import DIST

    if not (DIST / "index.html").is_file():
        pytest.fail(f"the editor front end is not built ({DIST} has no index.html): run `make setup`")
    if not CHROMIUM.is_file():
        pytest.fail(f"{CHROMIUM} is missing: run `make setup` (it installs Debian's chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
