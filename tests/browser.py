"""What the browser tests share: Debian's Chromium driven by Playwright (it cannot download its
own browser here), axe-core from npm, and the markers that skip them with a reason where
either is missing (CI installs both and fails on a skipped integration test)."""

import shutil
from pathlib import Path
from typing import Any

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


def axe_audit(page: Any, label: str | None = None) -> dict[str, Any]:
    """axe-core's serious and critical violations on the page as it is now, and how far the
    page scrolls sideways (0 when it reflows). axe is evaluated, not added as a <script> tag:
    the site's CSP refuses inline scripts."""
    page.evaluate(AXE.read_text())
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    serious = [
        (violation["id"], violation["impact"], len(violation["nodes"]))
        for violation in result["violations"]
        if violation["impact"] in {"serious", "critical"}
    ]
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    return {"page": label or page.url, "serious": serious, "overflow_px": overflow}
