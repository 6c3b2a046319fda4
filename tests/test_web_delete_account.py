"""`/settings/delete-account/`: what goes and what stays, the export first, then the password
and a confirmation; the same erasure as DELETE /api/v1/me/."""

import re

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from tests.browser import AXE, BROWSER_TEST, CHROMIUM, FLAGS, SCREENSHOTS
from tests.factories import PASSWORD, make_user
from tests.history import add_history
from tests.test_erasure import add_full_history, snapshot
from tracker.models import User

URL = "/settings/delete-account/"
pytestmark = pytest.mark.django_db


def signed_in(person: User) -> Client:
    client = Client()
    client.force_login(person)
    return client


def test_the_page_says_what_goes_what_stays_and_offers_every_export_first():
    response = signed_in(make_user()).get(URL)

    text = response.content.decode()
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "What is deleted" in text and "What is kept" in text
    assert "access log" in text and "erased-" in text
    for fmt in ("json", "csv", "fhir"):
        assert f'href="/api/v1/me/export/?format={fmt}"' in text
    assert '<label for="id_password">' in text and 'autocomplete="current-password"' in text
    assert '<label for="id_confirm">' in text and 'type="checkbox"' in text
    # A Content-Security-Policy is coming: nothing inline.
    assert not re.search(r"<script(?![^>]*\bsrc=)", text), "an inline script"
    assert "style=" not in text and "<style" not in text


def test_the_export_links_work_with_the_web_session():
    client = signed_in(make_user())

    for fmt in ("json", "csv", "fhir"):
        assert client.get("/api/v1/me/export/", {"format": fmt}).status_code == 200, fmt


def test_the_page_needs_a_sign_in(client):  # type: ignore[no-untyped-def]
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_right_password_and_the_tick_erase_the_account_sign_out_and_go_home():
    person = make_user()
    add_full_history(person)
    client = signed_in(person)

    response = client.post(URL, {"password": PASSWORD, "confirm": "on"})

    assert response.status_code == 302 and response["Location"] == "/"
    assert not User.objects.filter(pk=person.pk).exists()
    home = client.get("/")
    assert "Your account and all its data have been deleted." in home.content.decode()
    assert client.get("/dashboard/").status_code == 302  # signed out


def _error_next_to(text: str, field: str) -> str:
    match = re.search(rf'<div class="errors" id="id_{field}_error">(.*?)</div>', text, re.S)
    assert match, f"no error next to {field}"
    return match.group(1)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"password": "not-my-password", "confirm": "on"}, "password", "not your current password"),
        ({"password": "", "confirm": "on"}, "password", "Enter your password."),
        ({"password": PASSWORD}, "confirm", "Tick this box to confirm."),
    ],
)
def test_a_wrong_password_or_no_tick_shows_the_form_again_with_the_error_and_deletes_nothing(
    data, field, message
):
    person = make_user()
    add_full_history(person)
    client = signed_in(person)
    before = snapshot(person)

    response = client.post(URL, data)

    assert response.status_code == 400
    text = response.content.decode()
    assert message in _error_next_to(text, field)
    assert text.startswith("<!doctype html>") and "Error:" in text.split("</title>")[0]
    after = snapshot(person)
    assert all(keys <= after[model] for model, keys in before.items())
    assert client.get("/dashboard/").status_code == 200  # still signed in


def test_a_wrong_password_and_no_tick_are_both_said_at_once():
    client = signed_in(make_user())

    text = client.post(URL, {"password": "not-my-password"}).content.decode()

    assert "not your current password" in _error_next_to(text, "password")
    assert "Tick this box" in _error_next_to(text, "confirm")


def test_password_guesses_through_the_page_hit_the_sign_in_lockout(settings):  # type: ignore[no-untyped-def]
    settings.AXES_FAILURE_LIMIT = 2
    person = make_user()
    client = signed_in(person)
    first = client.post(URL, {"password": "guess-one", "confirm": "on"})
    second = client.post(URL, {"password": "guess-two", "confirm": "on"})

    locked = client.post(URL, {"password": PASSWORD, "confirm": "on"})

    assert (first.status_code, second.status_code, locked.status_code) == (400, 429, 429)
    assert User.objects.filter(pk=person.pk).exists()


def test_the_page_costs_the_same_queries_with_a_day_or_a_year_of_history(
    django_assert_num_queries,
):
    counts = []
    for days in (1, 365):
        person = make_user()
        add_history(person, days=days, end=timezone.now())
        client = signed_in(person)
        client.get(URL)  # warm the content-type and session caches
        with django_assert_num_queries(3) as captured:  # session, user, profile
            assert client.get(URL).status_code == 200
        counts.append(len(captured.captured_queries))

    assert counts[0] == counts[1]


def browser_test(test):  # type: ignore[no-untyped-def]
    for mark in reversed(BROWSER_TEST):
        test = mark(test)
    return test


TARGETS = """[...document.querySelectorAll('main a, main button, main input')]
    .filter(e => e.type !== 'checkbox' && e.type !== 'hidden')
    .filter(e => e.getBoundingClientRect().height < 44)
    .map(e => e.outerHTML.slice(0, 80))"""
# The checkbox toggles from the box and from its label right below it: the two together.
CHECKBOX_TARGET = """(() => {
    const box = document.querySelector('#id_confirm').getBoundingClientRect();
    const label = document.querySelector('label[for=id_confirm]').getBoundingClientRect();
    return {height: Math.max(box.bottom, label.bottom) - Math.min(box.top, label.top),
            gap: label.top - box.bottom};
})()"""


@browser_test
@pytest.mark.django_db(transaction=True)
def test_the_page_passes_axe_with_errors_shown_and_has_44_pixel_targets(live_server):
    from playwright.sync_api import sync_playwright

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    person = make_user()
    client = Client()
    client.force_login(person)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    reports = []

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            for name, viewport, scale in (("desktop", 1280, 1), ("zoomed", 640, 2)):
                context = browser.new_context(
                    viewport={"width": viewport, "height": 900},
                    device_scale_factor=scale,
                    bypass_csp=True,  # axe-core is injected inline; the page itself has none
                )
                context.add_cookies(
                    [{"name": settings.SESSION_COOKIE_NAME, "value": session,
                      "url": live_server.url}]
                )  # fmt: skip
                page = context.new_page()
                page.goto(f"{live_server.url}{URL}")
                page.fill("#id_password", "not-my-password")
                page.click("main button[type=submit]")  # no tick, a wrong password
                page.wait_for_selector("#id_confirm_error")
                page.evaluate(AXE.read_text())
                result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
                reports.append(
                    {
                        "name": name,
                        "serious": [
                            v["id"]
                            for v in result["violations"]
                            if v["impact"] in {"serious", "critical"}
                        ],
                        "small": page.evaluate(TARGETS),
                        "checkbox": page.evaluate(CHECKBOX_TARGET),
                        "overflow": page.evaluate(
                            "document.documentElement.scrollWidth"
                            " - document.documentElement.clientWidth"
                        ),
                        "invalid": page.evaluate(
                            "[...document.querySelectorAll('[aria-invalid=true]')].map(e => e.id)"
                        ),
                    }
                )
                page.screenshot(
                    path=str(SCREENSHOTS / f"delete-account-errors-{name}.png"), full_page=True
                )
                context.close()
        finally:
            browser.close()

    for report in reports:
        assert report["serious"] == [], report
        assert report["small"] == [], report
        assert report["checkbox"]["height"] >= 44 and report["checkbox"]["gap"] <= 8, report
        assert report["overflow"] <= 0, report
        assert report["invalid"] == ["id_password", "id_confirm"], report
    assert User.objects.filter(pk=person.pk).exists()
