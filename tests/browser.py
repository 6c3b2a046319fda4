"""What the browser tests share: Debian's Chromium driven by Playwright (it cannot download its
own browser here), axe-core from npm, and the markers that skip them with a reason where
either is missing (CI installs both and fails on a skipped integration test)."""

import shutil
from pathlib import Path

import pytest
from django.conf import settings

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SCREENSHOTS = Path(settings.VAR_DIR) / "screenshots"

BROWSER_TEST = [
    pytest.mark.integration,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(), reason="needs Chromium: apt-get install chromium"
    ),
    pytest.mark.skipif(not AXE.exists(), reason="needs axe-core: run make setup (npm ci)"),
    # Playwright's sync API runs an event loop in this thread; the ORM work happens outside it.
    pytest.mark.filterwarnings("ignore::DeprecationWarning"),
]
