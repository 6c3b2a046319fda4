"""The caregiver site in a real browser: signing in through /care-admin/login/, the list and a
summary with its charts, axe-core finding no serious or critical violations, no sideways
scrolling at 200 % zoom, and screenshots for a person to look at (var/screenshots/care-admin-*).

Debian's Chromium driven by Playwright (it cannot download its own browser here)."""

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from tests.browser import BROWSER_TEST, CHROMIUM, FLAGS, SCREENSHOTS
from tests.browser import axe_audit as _audit
from tests.factories import PASSWORD, make_user
from tests.history import add_history
from tracker.models import AccessLog, Alert, CareLink, SymptomEntry

pytestmark = BROWSER_TEST


def _sign_in(page: Any, base: str, email: str) -> None:
    page.goto(f"{base}/care-admin/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("#login-form button[type=submit]")


@pytest.mark.django_db(transaction=True)
def test_a_caregiver_signs_in_sees_the_list_and_a_summary_with_charts(live_server):  # type: ignore[no-untyped-def]
    from playwright.sync_api import sync_playwright

    now = timezone.now()
    patient = make_user(email="margaret.h@example.org", timezone="Europe/London")
    add_history(patient, days=40, end=now)
    entry = SymptomEntry.objects.create(
        owner=patient, symptom="numbness", severity=8, recorded_at=now - timedelta(hours=3)
    )
    Alert.objects.create(
        owner=patient, symptom_entry=entry, rule="severe_nerve_symptom", level="urgent"
    )
    second = make_user(email="arthur.b@example.org", timezone="Europe/Dublin")
    add_history(second, days=3, end=now)
    caregiver = make_user(email="daughter.of.margaret@example.org")
    for person in (patient, second):
        CareLink.objects.create(
            patient=person,
            caregiver=caregiver,
            status="active",
            permissions=["view_summary", "missed_dose_alerts"],
            accepted_at=now,
        )
    nobody = make_user(email="nothing.shared@example.org")
    stranger = make_user(email="stranger.patient@example.org")
    summary_path = f"/care-admin/tracker/user/{patient.pk}/change/"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    reports, charts, texts = [], {}, {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            desktop = browser.new_context(viewport={"width": 1280, "height": 900})
            page = desktop.new_page()
            page.goto(f"{live_server.url}/care-admin/login/")
            reports.append(_audit(page))
            page.screenshot(path=str(SCREENSHOTS / "care-admin-login.png"), full_page=True)

            _sign_in(page, live_server.url, caregiver.email)
            assert page.url == f"{live_server.url}/care-admin/"
            reports.append(_audit(page))

            page.click("text=See the people who share with you")
            page.wait_for_url("**/care-admin/tracker/user/")
            texts["list"] = page.inner_text("main")
            reports.append(_audit(page))
            page.screenshot(path=str(SCREENSHOTS / "care-admin-list.png"), full_page=True)

            with page.expect_navigation():
                page.click(f"text={patient.email}")
            assert page.url == f"{live_server.url}{summary_path}"
            charts["desktop"] = page.locator('main svg[role="img"]').count()
            texts["summary"] = page.inner_text("main")
            reports.append(_audit(page))
            page.screenshot(path=str(SCREENSHOTS / "care-admin-summary.png"), full_page=True)

            # Someone else's id: not found, nothing shown.
            missing = page.goto(f"{live_server.url}/care-admin/tracker/user/{stranger.pk}/change/")
            assert missing is not None and missing.status == 404

            # 200 % zoom of a 1280-pixel window: 640 CSS pixels at twice the density.
            zoomed = browser.new_context(
                viewport={"width": 640, "height": 800}, device_scale_factor=2
            )
            small = zoomed.new_page()
            _sign_in(small, live_server.url, caregiver.email)
            for path, name in (
                ("/care-admin/tracker/user/", "list"),
                (summary_path, "summary"),
            ):
                small.goto(f"{live_server.url}{path}")
                reports.append(_audit(small))
                small.screenshot(
                    path=str(SCREENSHOTS / f"care-admin-{name}-640.png"), full_page=True
                )
            charts["zoomed"] = small.locator('main svg[role="img"]').count()

            # An account nobody shares with: the polite page, no data.
            empty = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
            _sign_in(empty, live_server.url, nobody.email)
            texts["nothing"] = empty.inner_text("main")
            reports.append(_audit(empty))
            empty.screenshot(
                path=str(SCREENSHOTS / "care-admin-nothing-shared.png"), full_page=True
            )
        finally:
            browser.close()

    assert [r for r in reports if r["serious"]] == []
    assert [r for r in reports if r["overflow_px"] > 0] == []
    assert charts == {"desktop": 3, "zoomed": 3}
    assert patient.email in texts["list"] and second.email in texts["list"]
    assert stranger.email not in texts["list"]
    assert "Severe numbness, tingling, unsteadiness or weakness" in texts["summary"]
    assert "Nothing is shared with you at the moment" in texts["nothing"]
    assert "@example.org" not in texts["nothing"].replace(nobody.email, "")
    # The list twice (2 patients each) and the summary twice; the 404 wrote nothing.
    assert AccessLog.objects.filter(actor=caregiver, what="patient list").count() == 4
    assert AccessLog.objects.filter(actor=caregiver, what="summary").count() == 2
    assert not AccessLog.objects.filter(patient=stranger).exists()
