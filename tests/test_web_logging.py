"""The quick-log pages (/log/ and /log/<kind>/) and the setup pages (/supplements/,
/injections/plans/): what they store goes through the API's serializers and services, so the
rows carry the server-computed numbers and bad input gets the API's own message next to the
field."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.test import Client

from tests.conftest import client_for
from tests.factories import make_food, make_user
from tests.history import add_history
from tests.web import field_errors
from tracker.domain.safety import MESSAGES
from tracker.models import (
    Alert,
    FoodIntake,
    Injection,
    InjectionPlan,
    LabResult,
    Supplement,
    SupplementDose,
    SymptomEntry,
    User,
)

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen_clock():  # type: ignore[no-untyped-def]
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def person() -> User:
    return make_user(email="ann@example.org", timezone="Europe/London")


@pytest.fixture
def web(person: User) -> Client:
    client = Client()
    client.force_login(person)
    return client


def api_errors(person: User, url: str, body: dict[str, Any]) -> dict[str, list[str]]:
    response = client_for(person).post(url, body, format="json")
    assert response.status_code == 400
    return response.json()


def supplement_for(person: User, dose_ug: str = "50", **fields: Any) -> Supplement:
    return Supplement.objects.create(
        owner=person,
        name=fields.pop("name", "B12 50"),
        form="cyanocobalamin",
        route="oral",
        dose_ug=Decimal(dose_ug),
        **fields,
    )


def plan_for(person: User) -> InjectionPlan:
    return InjectionPlan.objects.create(
        owner=person,
        product="Hydroxocobalamin 1 mg/mL",
        dose_ug=Decimal(1000),
        dose_unit="mg",
        route="im",
        maintenance_interval_days=90,
    )


# --- every page: sign-in, the disclaimer gate, no caching ---

PAGES = [
    "/log/",
    "/log/food/",
    "/log/dose/",
    "/log/injection/",
    "/log/symptom/",
    "/log/lab/",
    "/supplements/",
    "/injections/plans/",
]


@pytest.mark.parametrize("url", PAGES)
def test_each_page_needs_a_sign_in(url: str, client: Client) -> None:
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("url", PAGES)
def test_each_page_opens_uncached_for_a_signed_in_person(url: str, web: Client) -> None:
    response = web.get(url)

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_the_hub_shows_all_five_forms_each_posting_to_its_own_page(web: Client) -> None:
    html = web.get("/log/").content.decode()

    for action in ("/log/food/", "/log/dose/", "/log/injection/", "/log/symptom/", "/log/lab/"):
        assert f'<form method="post" action="{action}"' in html
    assert "Logged today so far: <strong>0 µg</strong>" in html
    # Each form's fields have their own ids on the shared page.
    assert 'id="foods_grams"' in html and 'id="symptoms_note"' in html
    assert 'id="foods_note"' in html


POSTS = {
    "/log/food/": lambda: {"food": str(make_food().pk), "grams": "200", "meal": "lunch"},
    "/log/symptom/": lambda: {"symptom": "tiredness", "severity": "3"},
    "/supplements/": lambda: {"name": "B12", "form": "cyanocobalamin", "route": "oral"},
}


@pytest.mark.parametrize("url", list(POSTS))
def test_before_the_disclaimer_is_accepted_pages_redirect_and_store_nothing(url: str) -> None:
    newcomer = make_user(disclaimer_accepted_at=None)
    client = Client()
    client.force_login(newcomer)

    shown = client.get(url)
    sent = client.post(url, {**POSTS[url](), "dose_ug": "50", "eaten_at": "2026-12-01T08:30"})

    for response in (shown, sent):
        assert response.status_code == 302
        assert response["Location"].startswith("/disclaimer/?next=")
    assert not FoodIntake.objects.exists()
    assert not SymptomEntry.objects.exists()
    assert not Supplement.objects.filter(owner=newcomer).exists()


# --- food ---


def test_a_food_is_logged_with_the_server_computed_b12_and_the_panel_shows_today(
    web: Client, person: User
) -> None:
    food = make_food(b12_ug_per_100g="0.38")
    supplement_for(person)
    SupplementDose.objects.create(
        owner=person,
        supplement=Supplement.objects.get(owner=person),
        status="taken",
        taken_at=NOW - timedelta(hours=2),
        occurred_at=NOW - timedelta(hours=2),
        b12_ug=Decimal(50),
        route="oral",
    )

    response = web.post(
        "/log/food/",
        {"food": str(food.pk), "grams": "200", "meal": "breakfast", "eaten_at": "2026-12-01T08:30"},
    )

    intake = FoodIntake.objects.get(owner=person)
    assert intake.b12_ug == Decimal("0.760")  # 0.38 µg per 100 g × 200 g, computed on save
    assert intake.eaten_at == datetime(2026, 12, 1, 8, 30, tzinfo=UTC)  # London in winter
    assert intake.meal == "breakfast" and intake.grams == Decimal(200)
    assert response.status_code == 302
    assert response["Location"] == f"/log/food/?saved={intake.pk}"
    panel = web.get(response["Location"]).content.decode()
    assert "You logged <strong>0.76 µg</strong> of B12 with Fortified soy drink." in panel
    assert "Logged today so far: <strong>50.76 µg</strong>" in panel


def test_the_time_eaten_is_read_as_the_persons_wall_clock_time() -> None:
    person = make_user(timezone="America/New_York")
    client = Client()
    client.force_login(person)
    food = make_food()

    client.post(
        "/log/food/",
        {"food": str(food.pk), "grams": "100", "meal": "dinner", "eaten_at": "2026-11-30T19:00"},
    )

    intake = FoodIntake.objects.get(owner=person)
    assert intake.eaten_at == datetime(2026, 12, 1, 0, 0, tzinfo=UTC)


def test_portions_are_turned_into_grams_by_the_service(web: Client, person: User) -> None:
    food = make_food(b12_ug_per_100g="0.38")  # one portion: 1 cup, 243 g

    web.post(
        "/log/food/",
        {"food": str(food.pk), "portions": "1", "meal": "lunch", "eaten_at": "2026-12-01T11:00"},
    )

    intake = FoodIntake.objects.get(owner=person)
    assert (intake.portions, intake.grams, intake.b12_ug) == (
        Decimal(1),
        Decimal("243.00"),
        Decimal("0.923"),
    )


def test_the_food_form_starts_at_now_with_the_meal_of_the_hour(web: Client) -> None:
    html = web.get("/log/food/").content.decode()

    assert 'name="eaten_at" value="2026-12-01T12:00"' in html
    assert '<option value="lunch" selected>' in html


def test_bad_food_input_shows_the_apis_message_next_to_the_field_and_stores_nothing(
    web: Client, person: User
) -> None:
    food = make_food()
    body = {"food": str(food.pk), "grams": "0", "meal": "lunch", "eaten_at": "2026-12-01T08:30"}

    response = web.post("/log/food/", body)

    api = api_errors(person, "/api/v1/food-intakes/", {**body, "eaten_at": NOW.isoformat()})
    assert response.status_code == 400
    assert field_errors(response, "foods_grams") == api["grams"]
    assert "greater than or equal to 0.01" in api["grams"][0]
    assert 'aria-invalid="true"' in response.content.decode()
    assert not FoodIntake.objects.exists()


def test_a_missing_food_and_both_amounts_get_their_messages(web: Client) -> None:
    food = make_food()

    missing = web.post("/log/food/", {"grams": "100", "meal": "lunch"})
    both = web.post(
        "/log/food/",
        {
            "food": str(food.pk),
            "grams": "100",
            "portions": "1",
            "meal": "lunch",
            "eaten_at": "2026-12-01T08:30",
        },
    )

    assert field_errors(missing, "foods_food") == ["This field is required."]
    assert field_errors(missing, "foods_eaten_at") == ["This field is required."]
    assert field_errors(both, "foods_portions") == ["Give grams or portions, not both."]
    # The chosen food stays chosen on the page with the errors.
    assert f'value="{food.pk}" id="foods_food_{food.pk}" checked' in both.content.decode()
    assert not FoodIntake.objects.exists()


def test_another_persons_label_food_cannot_be_logged(web: Client, person: User) -> None:
    theirs = make_food(name="Their own granola", owner=make_user())

    response = web.post(
        "/log/food/",
        {"food": str(theirs.pk), "grams": "50", "meal": "lunch", "eaten_at": "2026-12-01T08:30"},
    )

    assert response.status_code == 400
    assert field_errors(response, "foods_food") == [
        f'Invalid pk "{theirs.pk}" - object does not exist.'
    ]
    assert "Their own granola" not in response.content.decode()
    assert not FoodIntake.objects.exists()


def test_the_page_search_lists_matching_foods_to_choose_from_without_javascript(
    web: Client,
) -> None:
    soy = make_food(name="Fortified soy drink")
    make_food(name="Cheese, cheddar", b12_ug_per_100g="1.06")

    found = web.get("/log/food/?q=soy").content.decode()
    nothing = web.get("/log/food/?q=zzzzqqq").content.decode()

    assert f'value="{soy.pk}"' in found and "Found for “soy”" in found
    assert "Cheese, cheddar" not in found
    assert "0.38 µg B12 per 100 g; 1 portion = 1 cup (243 g)" in found
    assert "No food found for “zzzzqqq”" in nothing


def test_foods_eaten_recently_are_offered_again(web: Client, person: User) -> None:
    add_history(person, days=2, end=NOW)

    html = web.get("/log/food/").content.decode()

    assert "Eaten recently:" in html and f"History drink {person.pk}" in html


def test_sending_the_same_form_twice_stores_one_row(web: Client, person: User) -> None:
    food = make_food()
    form_id = "0b3c6f5e-4d1a-4c3b-9e1f-2a6b7c8d9e0f"
    body = {
        "id": form_id,
        "food": str(food.pk),
        "grams": "100",
        "meal": "lunch",
        "eaten_at": "2026-12-01T08:30",
    }

    first = web.post("/log/food/", body)
    again = web.post("/log/food/", body)

    assert FoodIntake.objects.filter(owner=person).count() == 1
    assert first["Location"] == again["Location"] == f"/log/food/?saved={form_id}"


def test_a_form_id_that_is_another_persons_row_is_refused_and_stores_nothing(
    web: Client, person: User
) -> None:
    theirs = FoodIntake.objects.create(
        owner=make_user(), food=make_food(), grams=100, eaten_at=NOW, meal="lunch",
        b12_ug=Decimal(1),
    )  # fmt: skip
    body = {"id": str(theirs.pk), "food": str(make_food().pk), "grams": "100", "meal": "lunch",
            "eaten_at": "2026-12-01T08:30"}  # fmt: skip

    response = web.post("/log/food/", body)

    assert response.status_code == 400
    assert "This id is already in use." in response.content.decode()
    assert not FoodIntake.objects.filter(owner=person).exists()
    theirs.refresh_from_db()
    assert theirs.grams == 100


def test_the_saved_panel_shows_only_the_persons_own_rows(web: Client) -> None:
    other = make_user()
    theirs = FoodIntake.objects.create(
        owner=other, food=make_food(), grams=100, eaten_at=NOW, meal="lunch", b12_ug=Decimal(1)
    )

    html = web.get(f"/log/food/?saved={theirs.pk}").content.decode()

    assert "You logged" not in html


# --- supplement doses ---


def test_a_dose_is_taken_now_by_default_with_its_b12_snapshot(web: Client, person: User) -> None:
    supplement = supplement_for(person, dose_ug="250")

    page = web.get("/log/dose/").content.decode()
    response = web.post(
        "/log/dose/", {"supplement": str(supplement.pk), "status": "taken", "units": "1"}
    )

    dose = SupplementDose.objects.get(owner=person)
    assert (dose.status, dose.b12_ug, dose.taken_at) == ("taken", Decimal("250.000"), NOW)
    assert 'href="/supplements/"' in page
    assert 'value="taken" id="doses_status_0" checked' in page
    assert f'value="{supplement.pk}"' in page and "checked" in page  # the only one, pre-chosen
    panel = web.get(response["Location"]).content.decode()
    assert "You logged B12 50: <strong>250 µg</strong> of B12." in panel
    assert "Logged today so far: <strong>250 µg</strong>" in panel


def test_a_skipped_dose_counts_nothing(web: Client, person: User) -> None:
    supplement = supplement_for(person)

    web.post("/log/dose/", {"supplement": str(supplement.pk), "status": "skipped"})

    dose = SupplementDose.objects.get(owner=person)
    assert (dose.status, dose.b12_ug, dose.taken_at) == ("skipped", Decimal(0), None)


def test_a_skipped_dose_with_a_time_taken_gets_the_apis_message(web: Client, person: User) -> None:
    supplement = supplement_for(person)
    body = {"supplement": str(supplement.pk), "status": "skipped"}

    response = web.post("/log/dose/", {**body, "taken_at": "2026-12-01T08:00"})

    api = api_errors(person, "/api/v1/supplement-doses/", {**body, "taken_at": NOW.isoformat()})
    assert field_errors(response, "doses_taken_at") == api["taken_at"]
    assert not SupplementDose.objects.exists()


def test_another_persons_supplement_cannot_be_dosed(web: Client) -> None:
    theirs = supplement_for(make_user(), name="Their spray")

    response = web.post("/log/dose/", {"supplement": str(theirs.pk), "status": "taken"})

    assert response.status_code == 400
    assert field_errors(response, "doses_supplement") == [
        f'Invalid pk "{theirs.pk}" - object does not exist.'
    ]
    assert not SupplementDose.objects.exists()


def test_without_a_supplement_the_dose_form_links_to_the_supplements_page(web: Client) -> None:
    html = web.get("/log/dose/").content.decode()

    assert "You have no supplement listed yet." in html
    assert '<a href="/supplements/">Add the supplement you take</a>' in html


def test_only_active_supplements_are_offered(web: Client, person: User) -> None:
    supplement_for(person, name="Current tablets")
    supplement_for(person, name="Old spray", active=False)

    html = web.get("/log/dose/").content.decode()

    assert "Current tablets" in html and "Old spray" not in html


# --- supplements page ---


def test_a_supplement_is_added_on_the_supplements_page(web: Client, person: User) -> None:
    response = web.post(
        "/supplements/",
        {
            "name": "Cyano 1000",
            "form": "cyanocobalamin",
            "route": "sublingual",
            "dose_ug": "1000",
            "active": "on",
        },
    )

    supplement = Supplement.objects.get(owner=person)
    assert (supplement.name, supplement.dose_ug, supplement.active) == (
        "Cyano 1000",
        Decimal(1000),
        True,
    )
    assert response["Location"] == "/supplements/"
    assert "Cyano 1000" in web.get("/supplements/").content.decode()


def test_a_bad_supplement_gets_the_apis_messages(web: Client, person: User) -> None:
    body = {"name": "Spray", "form": "cyanocobalamin", "route": "spray", "dose_ug": "0"}

    response = web.post("/supplements/", body)

    api = api_errors(person, "/api/v1/supplements/", body)
    assert response.status_code == 400
    assert field_errors(response, "supplements_dose_ug") == api["dose_ug"]
    assert not Supplement.objects.exists()


def test_a_supplement_is_stopped_and_restarted_keeping_its_doses(web: Client, person: User) -> None:
    supplement = supplement_for(person)

    web.post(f"/supplements/{supplement.pk}/active/")
    supplement.refresh_from_db()
    stopped = supplement.active
    web.post(f"/supplements/{supplement.pk}/active/", {"active": "on"})
    supplement.refresh_from_db()

    assert (stopped, supplement.active) == (False, True)
    assert supplement.name == "B12 50" and supplement.deleted_at is None


def test_another_persons_supplement_cannot_be_stopped(web: Client) -> None:
    theirs = supplement_for(make_user())

    response = web.post(f"/supplements/{theirs.pk}/active/")

    theirs.refresh_from_db()
    assert response.status_code == 404 and theirs.active


# --- injections and plans ---


def test_an_injection_under_a_plan_takes_the_plans_dose(web: Client, person: User) -> None:
    plan = plan_for(person)

    response = web.post(
        "/log/injection/",
        {
            "plan": str(plan.pk),
            "given_at": "2026-12-01T09:15",
            "site": "left_thigh",
            "given_by": "clinician",
            "lot": "AB123",
        },
    )

    injection = Injection.objects.get(owner=person)
    assert (injection.plan_id, injection.dose_ug, injection.site, injection.lot) == (
        plan.pk,
        Decimal(1000),
        "left_thigh",
        "AB123",
    )
    panel = web.get(response["Location"]).content.decode()
    assert "Injection of 1000 µg recorded for Tuesday 1 December 2026, 09:15." in panel
    assert "the next one is due on Monday 1 March 2027" in panel


def test_the_site_field_shows_the_last_sites_most_recent_first(web: Client, person: User) -> None:
    for days, site in ((90, "left_deltoid"), (60, "right_deltoid"), (30, "left_thigh")):
        Injection.objects.create(
            owner=person, given_at=NOW - timedelta(days=days), dose_ug=1000, site=site
        )

    html = web.get("/log/injection/").content.decode()

    assert (
        '<p class="help" id="injections_site_helptext">Sites used last, most recent first: '
        "Left thigh on 1 Nov 2026; Right upper arm (deltoid) on 2 Oct 2026; "
        "Left upper arm (deltoid) on 2 Sep 2026.</p>"
    ) in html
    assert 'aria-describedby="injections_site_helptext"' in html


def test_an_injection_without_dose_or_plan_gets_the_apis_message(web: Client, person: User) -> None:
    response = web.post("/log/injection/", {"given_at": "2026-12-01T09:15"})

    api = api_errors(person, "/api/v1/injections/", {"given_at": NOW.isoformat()})
    assert field_errors(response, "injections_dose_ug") == api["dose_ug"]
    assert not Injection.objects.exists()


def test_an_injection_plan_is_added_and_listed_with_its_next_due_date(
    web: Client, person: User
) -> None:
    response = web.post(
        "/injections/plans/",
        {
            "product": "Hydroxo 1 mg",
            "dose": "1",
            "dose_unit": "mg",
            "route": "im",
            "maintenance_interval_days": "90",
            "loading_doses": "0",
            "schedule_basis": "last_dose",
            "start_date": "2026-12-01",
            "active": "on",
        },
    )

    plan = InjectionPlan.objects.get(owner=person)
    assert (plan.dose_ug, plan.maintenance_interval_days) == (Decimal(1000), 90)
    assert response["Location"] == "/injections/plans/"
    html = web.get("/injections/plans/").content.decode()
    assert "Hydroxo 1 mg" in html and "every 90 days" in html
    assert "Next due on Tuesday 1 December 2026." in html
    assert plan_label_in(web.get("/log/injection/").content.decode())


def plan_label_in(html: str) -> bool:
    return "Hydroxo 1 mg — 1 mg every 90 days" in html


def test_a_bad_plan_gets_the_apis_message(web: Client, person: User) -> None:
    body = {
        "product": "Hydroxo",
        "dose": "1",
        "dose_unit": "mg",
        "route": "im",
        "maintenance_interval_days": "3",
    }

    response = web.post("/injections/plans/", body)

    api = api_errors(person, "/api/v1/injection-plans/", {**body, "maintenance_interval_days": 3})
    assert (
        field_errors(response, "plans_maintenance_interval_days")
        == (api["maintenance_interval_days"])
    )
    assert not InjectionPlan.objects.exists()


# --- symptoms ---


def test_a_warning_sign_shows_the_urgent_message_prominently(web: Client, person: User) -> None:
    response = web.post(
        "/log/symptom/",
        {
            "symptom": "vision_problems",
            "severity": "4",
            "red_flags": ["vision_loss"],
            "recorded_at": "2026-12-01T10:00",
        },
    )

    entry = SymptomEntry.objects.get(owner=person)
    assert entry.red_flags == ["vision_loss"] and entry.severity == 4
    assert Alert.objects.filter(symptom_entry=entry, rule="vision_loss", level="urgent").exists()
    html = web.get(response["Location"]).content.decode()
    assert '<section class="alert-box" role="alert"' in html
    assert "<strong>Loss of vision</strong>" in html
    assert str(MESSAGES["urgent"]) in html
    assert "does not diagnose" in html  # the disclaimer comes with it


def test_a_severe_nerve_symptom_raises_the_alert_without_a_tag(web: Client, person: User) -> None:
    response = web.post(
        "/log/symptom/", {"symptom": "numbness", "severity": "8", "recorded_at": "2026-12-01T10:00"}
    )

    html = web.get(response["Location"]).content.decode()
    assert "Severe numbness, tingling, unsteadiness or weakness" in html


def test_an_ordinary_entry_is_saved_without_an_alert(web: Client, person: User) -> None:
    response = web.post(
        "/log/symptom/",
        {"symptom": "tiredness", "severity": "3", "recorded_at": "2026-12-01T10:00"},
    )

    html = web.get(response["Location"]).content.decode()
    assert "Tiredness or lack of energy, 3 of 10, is in your diary." in html
    assert "alert-box" not in html and not Alert.objects.exists()


def test_the_severity_scale_has_every_number_and_words_at_0_5_and_10(web: Client) -> None:
    html = web.get("/log/symptom/").content.decode()

    for number in range(11):
        assert f'<span class="number">{number}</span>' in html
    assert '<span class="number">0</span><span class="word">none</span>' in html
    assert '<span class="number">5</span><span class="word">moderate</span>' in html
    assert '<span class="number">10</span><span class="word">worst possible</span>' in html
    assert 'type="radio" name="severity"' in html
    assert 'value="after_nitrous_oxide"' in html  # the warning-sign checkboxes


@pytest.mark.parametrize("severity", ["", "11"])
def test_a_missing_or_too_high_severity_gets_the_apis_message(
    severity: str, web: Client, person: User
) -> None:
    body = {"symptom": "tiredness", "severity": severity}

    response = web.post("/log/symptom/", {**body, "recorded_at": "2026-12-01T10:00"})

    api_body: dict[str, Any] = {"symptom": "tiredness", "recorded_at": NOW.isoformat()}
    if severity:
        api_body["severity"] = int(severity)
    api = api_errors(person, "/api/v1/symptom-entries/", api_body)
    assert field_errors(response, "symptoms_severity") == api["severity"]
    assert not SymptomEntry.objects.exists()


# --- lab results ---


def test_a_lab_result_is_stored_with_its_canonical_value(web: Client, person: User) -> None:
    response = web.post(
        "/log/lab/",
        {
            "test": "serum_b12",
            "value": "400",
            "unit": "pg/mL",
            "reference_low": "200",
            "reference_high": "900",
            "sampled_at": "2026-11-28T09:00",
        },
    )

    result = LabResult.objects.get(owner=person)
    assert (result.canonical_value, result.canonical_unit) == (Decimal("295.1200"), "pmol/L")
    html = web.get(response["Location"]).content.decode()
    assert "Serum vitamin B12 (total): 400 pg/mL." in html
    assert "295.12 pmol/L" in html


def test_the_unit_list_groups_each_tests_units(web: Client) -> None:
    html = web.get("/log/lab/").content.decode()

    assert '<optgroup label="Serum vitamin B12 (total)">' in html
    assert '<optgroup label="Methylmalonic acid (MMA)">' in html


def test_a_unit_the_test_is_not_reported_in_gets_the_apis_message(
    web: Client, person: User
) -> None:
    body = {"test": "serum_b12", "value": "400", "unit": "nmol/L"}

    response = web.post("/log/lab/", {**body, "sampled_at": "2026-11-28T09:00"})

    api = api_errors(person, "/api/v1/lab-results/", {**body, "sampled_at": NOW.isoformat()})
    assert (
        field_errors(response, "labs_unit") == api["unit"] == ["Use one of: pmol/L, pg/mL, ng/L."]
    )
    assert not LabResult.objects.exists()


# --- query budgets: the pages cost the same whatever the history ---

# Session, user and profile (3), today's total (2), recent foods (1), active supplements (1),
# active plans (1), the last injection sites (1).
HUB_QUERIES = 9


@pytest.mark.parametrize("days", [1, 730])
def test_the_hub_costs_the_same_queries_for_one_day_and_two_years(
    days: int, person: User, web: Client, django_assert_num_queries: Any
) -> None:
    add_history(person, days=days, end=NOW)

    with django_assert_num_queries(HUB_QUERIES):
        response = web.get("/log/")

    assert response.status_code == 200


# Session, user and profile (3) + the saved row (1) + today's total (2) + recent foods (1).
FOOD_PANEL_QUERIES = 7


@pytest.mark.parametrize("days", [1, 730])
def test_the_food_page_with_its_panel_costs_the_same_for_any_history(
    days: int, person: User, web: Client, django_assert_num_queries: Any
) -> None:
    add_history(person, days=days, end=NOW)
    intake = FoodIntake.objects.for_user(person).first()
    assert intake is not None

    with django_assert_num_queries(FOOD_PANEL_QUERIES):
        response = web.get(f"/log/food/?saved={intake.pk}")

    assert "You logged" in response.content.decode()
