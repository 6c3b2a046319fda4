"""Article and screening pages in a real browser: axe-core finds no serious or critical
violations, and nothing needs sideways scrolling at 200 % zoom.

Debian's Chromium driven by Playwright (it cannot download its own browser here)."""

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from tests.browser import AXE, BROWSER_TEST, CHROMIUM, FLAGS, SCREENSHOTS, axe_audit
from tests.factories import make_user
from tests.history import add_history
from tracker.models import Article, SymptomEntry
from tracker.services.content import load_articles

pytestmark = BROWSER_TEST


def _audit(page, url: str) -> dict:  # type: ignore[no-untyped-def]
    page.goto(url)
    return axe_audit(page, url)


@pytest.mark.django_db(transaction=True)
def test_learn_and_screening_pages_pass_axe_and_reflow_at_200_percent(live_server):
    from playwright.sync_api import sync_playwright

    load_articles()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    person = make_user(risk_factors=["metformin"])
    SymptomEntry.objects.create(owner=person, symptom="tiredness", severity=4,
                                recorded_at=person.date_joined)  # fmt: skip
    add_history(person, days=40, end=timezone.now())  # the dashboard's charts have data
    client = Client()
    client.force_login(person)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    urls = [
        f"{live_server.url}/dashboard/",
        f"{live_server.url}/learn/",
        f"{live_server.url}/screening/",
        f"{live_server.url}/disclaimer/",
        f"{live_server.url}/accounts/login/",
    ] + [
        f"{live_server.url}/learn/{slug}/"
        for slug in Article.objects.values_list("slug", flat=True)
    ]

    reports = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            desktop = browser.new_context(viewport={"width": 1280, "height": 900})
            # 200 % zoom of a 1280-pixel window: 640 CSS pixels at twice the density.
            zoomed = browser.new_context(
                viewport={"width": 640, "height": 800}, device_scale_factor=2
            )
            # The audit itself works: a page with an unlabelled image and field fails it.
            probe = desktop.new_page()
            probe.set_content("<html><body><img src='x.png'><input type='text'></body></html>")
            probe.evaluate(AXE.read_text())
            found = probe.evaluate("axe.run().then(r => r.violations.map(v => v.id))")
            assert {"image-alt", "label"} <= set(found)
            for context in (desktop, zoomed):
                context.add_cookies(
                    [
                        {
                            "name": settings.SESSION_COOKIE_NAME,
                            "value": session,
                            "url": live_server.url,
                        }
                    ]  # fmt: skip
                )
                page = context.new_page()
                reports += [_audit(page, url) for url in urls]
                # Looked at by a person after changes to the pages (var/ is not committed).
                page.goto(f"{live_server.url}/dashboard/")
                width = page.viewport_size["width"] if page.viewport_size else 0
                page.screenshot(path=str(SCREENSHOTS / f"dashboard-{width}.png"), full_page=True)
        finally:
            browser.close()

    assert len(reports) == 2 * len(urls) >= 38
    assert [r for r in reports if r["serious"]] == []
    assert [r for r in reports if r["overflow_px"] > 0] == []
