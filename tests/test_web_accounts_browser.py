"""The account pages in a real browser: a sign-up by keyboard alone with the time zone the
browser reports (signup.js), axe-core finding no serious or critical violations on the home,
sign-up (empty and with errors), sign-in and settings pages, 44-pixel targets and no sideways
scrolling at 360 px, and screenshots for a person to look at (var/screenshots/accounts-*).

Debian's Chromium driven by Playwright (it cannot download its own browser here)."""

from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from tests.browser import BROWSER_TEST, CHROMIUM, FLAGS, SCREENSHOTS, axe_audit
from tests.factories import PASSWORD, make_user
from tracker.models import Profile, User

pytestmark = BROWSER_TEST

WIDTHS = (360, 1280)


def _audit(page: Any, name: str) -> dict[str, Any]:
    return axe_audit(page, name)


# Form controls and stand-alone links shorter than 44 CSS pixels (links inside a sentence are
# exempt in WCAG 2.5.8; a checkbox counts by its row, which its label fills).
SMALL_TARGETS = """() => [...document.querySelectorAll(
    'main input:not([type=hidden]):not([type=checkbox]), main select, main button, .acct-check,'
    + ' header a, header button, .acct-actions a, ul.acct-links li > a, .acct-error-summary a')]
  .filter(el => el.getBoundingClientRect().height < 44)
  .map(el => el.outerHTML.slice(0, 80))"""


def _focus_outline(page: Any) -> str:
    return str(page.evaluate("getComputedStyle(document.activeElement).outlineStyle"))


@pytest.mark.django_db(transaction=True)
def test_a_person_signs_up_by_keyboard_with_the_browsers_time_zone(live_server):  # type: ignore[no-untyped-def]
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            context = browser.new_context(
                viewport={"width": 360, "height": 800}, timezone_id="Europe/Berlin"
            )
            page = context.new_page()
            page.goto(f"{live_server.url}/accounts/signup/")
            chosen = page.eval_on_selector("#id_timezone", "select => select.value")
            note_shown = page.is_visible("#timezone-detected")

            page.focus("#id_email")
            page.keyboard.type("Greta.Berlin@example.org")
            page.keyboard.press("Tab")
            page.keyboard.type(PASSWORD)
            page.keyboard.press("Tab")
            page.keyboard.type(PASSWORD)
            page.keyboard.press("Tab")  # the time zone select: left as detected
            page.keyboard.press("Tab")
            focused = page.evaluate("document.activeElement.id")
            outline = _focus_outline(page)
            page.keyboard.press("Space")
            page.keyboard.press("Tab")
            button = page.evaluate("document.activeElement.textContent.trim()")
            with page.expect_navigation():
                page.keyboard.press("Enter")
            landed = page.url
            heading = page.inner_text("h1")
        finally:
            browser.close()

    assert chosen == "Europe/Berlin" and note_shown
    assert focused == "id_disclaimer_accepted" and outline == "solid"
    assert button == "Create my account"
    assert landed == f"{live_server.url}/dashboard/"
    assert heading == "Your B12 today"
    profile = Profile.objects.select_related("user").get()
    assert profile.user.email == "greta.berlin@example.org"
    assert profile.timezone == "Europe/Berlin"
    assert profile.disclaimer_accepted_at is not None


@pytest.mark.django_db(transaction=True)
def test_the_account_pages_pass_axe_fit_a_phone_and_are_photographed(live_server):  # type: ignore[no-untyped-def]
    from playwright.sync_api import sync_playwright

    person = make_user(email="walter.settings@example.org", timezone="Europe/London")
    client = Client()
    client.force_login(person)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    base = live_server.url

    reports, small_targets, detected = [], {}, {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            for width in WIDTHS:
                # axe-core goes in as an inline script, which the site's CSP refuses; the first
                # test runs with the CSP on (signup.js works under it).
                visitor = browser.new_context(
                    viewport={"width": width, "height": 900},
                    timezone_id="America/Chicago",
                    bypass_csp=True,
                )
                page = visitor.new_page()
                page.goto(f"{base}/")
                reports.append(_audit(page, f"home-{width}"))
                small_targets[f"home-{width}"] = page.evaluate(SMALL_TARGETS)
                page.screenshot(
                    path=str(SCREENSHOTS / f"accounts-home-{width}.png"), full_page=True
                )

                page.goto(f"{base}/accounts/signup/")
                detected[width] = page.eval_on_selector("#id_timezone", "s => s.value")
                reports.append(_audit(page, f"signup-{width}"))
                # Mistakes in every field: a bad address, a weak password, another one again,
                # and the disclaimer left unticked.
                page.fill("#id_email", "greta@")
                page.fill("#id_password", "12345")
                page.fill("#id_password_confirm", "54321")
                with page.expect_navigation():
                    page.click("button[type=submit]")
                assert page.locator(".errors").count() >= 3
                reports.append(_audit(page, f"signup-errors-{width}"))
                small_targets[f"signup-errors-{width}"] = page.evaluate(SMALL_TARGETS)
                page.screenshot(
                    path=str(SCREENSHOTS / f"accounts-signup-errors-{width}.png"), full_page=True
                )

                page.goto(f"{base}/accounts/login/")
                reports.append(_audit(page, f"login-{width}"))
                page.goto(f"{base}/accounts/password-reset/")
                reports.append(_audit(page, f"password-reset-{width}"))
                visitor.close()

                signed_in = browser.new_context(
                    viewport={"width": width, "height": 900}, bypass_csp=True
                )
                signed_in.add_cookies(
                    [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": base}]
                )
                page = signed_in.new_page()
                page.goto(f"{base}/settings/")
                reports.append(_audit(page, f"settings-{width}"))
                small_targets[f"settings-{width}"] = page.evaluate(SMALL_TARGETS)
                page.screenshot(
                    path=str(SCREENSHOTS / f"accounts-settings-{width}.png"), full_page=True
                )
                page.goto(f"{base}/settings/password/")
                reports.append(_audit(page, f"password-change-{width}"))
                signed_in.close()
        finally:
            browser.close()

    assert detected == {360: "America/Chicago", 1280: "America/Chicago"}
    assert len(reports) == 7 * len(WIDTHS)
    assert [r for r in reports if r["serious"]] == []
    assert [r for r in reports if r["overflow_px"] > 0] == []
    assert {name: found for name, found in small_targets.items() if found} == {}
    assert User.objects.count() == 1  # the pages with errors stored nobody
