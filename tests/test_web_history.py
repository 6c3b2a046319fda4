"""The history pages: /history/ with a count per kind, /history/<kind>/ newest first in the
person's time zone, 50 a page; each row's edit (the log form pre-filled, saving only what
changed through the API's update service) and delete (a confirmation, then the API's soft
delete). Another person's row is a 404 on both, with nothing changed."""

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.test import Client

from tests.factories import make_food, make_user
from tests.history import add_history
from tests.web import field_errors
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
from tracker.models.base import OwnedModel

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
pytestmark = pytest.mark.django_db

KINDS = ["foods", "doses", "supplements", "injections", "symptoms", "labs"]


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


def _supplement(owner: User) -> Supplement:
    return Supplement.objects.create(
        owner=owner, name="B12 250", form="cyanocobalamin", route="oral", dose_ug=Decimal(250)
    )


# One stored row of each kind, for the generic tests.
ROWS: dict[str, Callable[[User], OwnedModel]] = {
    "foods": lambda owner: FoodIntake.objects.create(
        owner=owner,
        food=make_food(),
        grams=Decimal(200),
        eaten_at=NOW - timedelta(hours=3),
        meal="breakfast",
        b12_ug=Decimal("0.760"),
        note="with oats",
    ),
    "doses": lambda owner: SupplementDose.objects.create(
        owner=owner,
        supplement=_supplement(owner),
        status="taken",
        taken_at=NOW - timedelta(hours=1),
        occurred_at=NOW - timedelta(hours=1),
        units=1,
        b12_ug=Decimal(250),
        route="oral",
    ),
    "supplements": _supplement,
    "injections": lambda owner: Injection.objects.create(
        owner=owner, given_at=NOW - timedelta(days=2), dose_ug=1000, site="left_thigh"
    ),
    "symptoms": lambda owner: SymptomEntry.objects.create(
        owner=owner, symptom="tiredness", severity=3, recorded_at=NOW - timedelta(hours=5)
    ),
    "labs": lambda owner: LabResult.objects.create(
        owner=owner,
        test="serum_b12",
        value=Decimal(400),
        unit="pg/mL",
        sampled_at=NOW - timedelta(days=3),
        canonical_value=Decimal("295.12"),
        canonical_unit="pmol/L",
    ),
}

# A change through the edit form, and what it must have done to the stored row.
EDITS: dict[str, tuple[dict[str, str], Callable[[Any], Any], Any]] = {
    # Same food, half the amount: the service scales the logged snapshot.
    "foods": (
        {"grams": "100"},
        lambda r: (r.grams, r.b12_ug, r.note),
        (100, Decimal("0.380"), "with oats"),
    ),
    # Two tablets: the snapshot doubles.
    "doses": ({"units": "2"}, lambda r: (r.units, r.b12_ug), (2, Decimal(500))),
    "supplements": ({"name": "B12 250 chewable"}, lambda r: r.name, "B12 250 chewable"),
    "injections": ({"site": "right_thigh"}, lambda r: (r.site, r.dose_ug), ("right_thigh", 1000)),
    # Severity 8 of numbness: the update service applies the red-flag rules again.
    "symptoms": (
        {"symptom": "numbness", "severity": "8"},
        lambda r: (r.symptom, r.severity, Alert.objects.filter(symptom_entry=r).count()),
        ("numbness", 8, 1),
    ),
    # Another unit: the canonical value is recomputed.
    "labs": ({"unit": "pmol/L"}, lambda r: (r.unit, r.canonical_value), ("pmol/L", Decimal(400))),
}


def edit_body(response: Any, changes: dict[str, str]) -> dict[str, Any]:
    """The edit form as the browser sends it: every pre-filled value, plus the changes."""
    form = response.context["entry_form"]["form"]
    body: dict[str, Any] = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if isinstance(value, list):
            body[name] = value
        elif isinstance(value, bool):
            if value:
                body[name] = "on"
        elif value is None:
            body[name] = ""
        else:
            body[name] = field.widget.format_value(value) or ""
    return {**body, **changes}


# --- the index and the lists ---


def test_the_index_counts_the_persons_live_rows_of_each_kind(web: Client, person: User) -> None:
    add_history(person, days=3, end=NOW)
    add_history(make_user(), days=5, end=NOW)
    FoodIntake.objects.filter(owner=person).order_by("eaten_at").first().delete()  # type: ignore[union-attr]
    deleted = SymptomEntry.objects.filter(owner=person).first()
    assert deleted is not None
    deleted.deleted_at = NOW
    deleted.save()

    html = web.get("/history/").content.decode()

    assert '<a href="/history/foods/">Foods eaten</a> <span class="count">11 entries</span>' in html
    assert (
        '<a href="/history/doses/">Supplement doses</a> <span class="count">3 entries</span>'
        in html
    )
    assert (
        '<a href="/history/symptoms/">Symptom diary</a> <span class="count">0 entries</span>'
        in html
    )
    assert (
        '<a href="/history/injections/">Injections</a> <span class="count">1 entry</span>' in html
    )


@pytest.mark.parametrize("kind", KINDS)
def test_each_list_shows_the_persons_rows_with_edit_and_delete(
    kind: str, web: Client, person: User
) -> None:
    mine = ROWS[kind](person)
    theirs = ROWS[kind](make_user())

    response = web.get(f"/history/{kind}/")

    html = response.content.decode()
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    assert f'href="/history/{kind}/{mine.pk}/edit/?next=/history/{kind}/"' in html
    assert f'href="/history/{kind}/{mine.pk}/delete/?next=/history/{kind}/"' in html
    assert str(theirs.pk) not in html


def test_the_list_is_newest_first_in_the_persons_time_zone() -> None:
    person = make_user(timezone="Asia/Tokyo")
    client = Client()
    client.force_login(person)
    food = make_food()
    for hours in (30, 2, 10):
        FoodIntake.objects.create(
            owner=person,
            food=food,
            grams=100,
            meal="lunch",
            b12_ug=Decimal("0.38"),
            eaten_at=NOW - timedelta(hours=hours),
        )

    html = client.get("/history/foods/").content.decode()

    times = re.findall(
        r'<th scope="row" data-label="Eaten">(\w{3} \d+ \w{3} \d{4}, \d\d:\d\d)</th>', html
    )
    # 12:00 UTC is 21:00 in Tokyo.
    assert times == ["Tue 1 Dec 2026, 19:00", "Tue 1 Dec 2026, 11:00", "Mon 30 Nov 2026, 15:00"]


def test_the_list_pages_by_fifty_with_newer_and_older_links(web: Client, person: User) -> None:
    add_history(person, days=15, end=NOW)  # 60 intakes

    first = web.get("/history/foods/").content.decode()
    second = web.get("/history/foods/?page=2").content.decode()
    beyond = web.get("/history/foods/?page=99").content.decode()

    assert first.count("/edit/?next=") == 50 and second.count("/edit/?next=") == 10
    assert "Entries 1 to 50 of 60, newest first." in first
    assert '<a href="?page=2" rel="next">Older</a>' in first and 'rel="prev"' not in first
    assert '<a href="?page=1" rel="prev">Newer</a>' in second and 'rel="next"' not in second
    assert "Page 2 of 2" in second and "Page 2 of 2" in beyond


def test_an_unknown_kind_is_not_found(web: Client) -> None:
    assert web.get("/history/plans/").status_code == 404
    assert web.get("/history/passwords/").status_code == 404


@pytest.mark.parametrize("url", ["/history/", "/history/foods/", "/history/labs/"])
def test_history_pages_need_a_sign_in(url: str, client: Client) -> None:
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("action", ["edit", "delete"])
def test_edit_and_delete_need_a_sign_in(action: str, client: Client, person: User) -> None:
    row = ROWS["foods"](person)

    response = client.post(f"/history/foods/{row.pk}/{action}/", {"grams": "1"})

    row.refresh_from_db()
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert row.deleted_at is None and row.grams == 200  # type: ignore[attr-defined]


# --- edit ---


@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_is_edited_through_its_update_service(
    kind: str, web: Client, person: User
) -> None:
    row = ROWS[kind](person)
    url = f"/history/{kind}/{row.pk}/edit/?next=/history/{kind}/"
    changes, read, expected = EDITS[kind]

    shown = web.get(url)
    response = web.post(url, edit_body(shown, changes))

    assert shown.status_code == 200
    assert response.status_code == 302 and response["Location"] == f"/history/{kind}/"
    row.refresh_from_db()
    assert read(row) == expected
    assert "Your changes are saved." in web.get(response["Location"]).content.decode()


def test_the_edit_form_is_pre_filled_in_the_persons_time_zone(web: Client, person: User) -> None:
    row = ROWS["foods"](person)

    html = web.get(f"/history/foods/{row.pk}/edit/").content.decode()

    assert 'name="eaten_at" value="2026-12-01T09:00"' in html  # 09:00 UTC, London in winter
    assert 'name="grams" value="200"' in html
    assert f'value="{row.food_id}" id="foods_food_{row.food_id}" checked' in html  # type: ignore[attr-defined]
    assert 'name="id"' not in html


def test_an_untouched_field_keeps_its_stored_value(web: Client, person: User) -> None:
    row = ROWS["injections"](person)
    exact = NOW - timedelta(days=2, seconds=17)  # seconds the datetime-local does not show
    Injection.objects.filter(pk=row.pk).update(given_at=exact)
    url = f"/history/injections/{row.pk}/edit/"

    web.post(url, edit_body(web.get(url), {"lot": "X9"}))

    row.refresh_from_db()
    assert (row.given_at, row.lot) == (exact, "X9")  # type: ignore[attr-defined]


def test_clearing_an_optional_field_clears_it(web: Client, person: User) -> None:
    row = ROWS["foods"](person)
    url = f"/history/foods/{row.pk}/edit/"

    web.post(url, edit_body(web.get(url), {"note": ""}))

    row.refresh_from_db()
    assert row.note == ""  # type: ignore[attr-defined]


def test_switching_an_entry_from_grams_to_portions(web: Client, person: User) -> None:
    row = ROWS["foods"](person)
    url = f"/history/foods/{row.pk}/edit/"

    web.post(url, edit_body(web.get(url), {"grams": "", "portions": "2"}))

    row.refresh_from_db()
    assert (row.portions, row.grams) == (2, Decimal("486.00"))  # type: ignore[attr-defined]


def test_a_bad_edit_shows_the_message_and_changes_nothing(web: Client, person: User) -> None:
    row = ROWS["symptoms"](person)
    url = f"/history/symptoms/{row.pk}/edit/"

    response = web.post(url, edit_body(web.get(url), {"severity": "12"}))

    row.refresh_from_db()
    assert response.status_code == 400
    assert field_errors(response, "symptoms_severity") == [
        "Ensure this value is less than or equal to 10."
    ]
    assert row.severity == 3  # type: ignore[attr-defined]


@pytest.mark.parametrize("kind", KINDS)
def test_another_persons_row_is_not_found_for_edit_and_nothing_changes(
    kind: str, web: Client
) -> None:
    theirs = ROWS[kind](make_user())
    before = type(theirs).objects.filter(pk=theirs.pk).values().get()
    url = f"/history/{kind}/{theirs.pk}/edit/"

    shown = web.get(url)
    sent = web.post(url, EDITS[kind][0])

    assert (shown.status_code, sent.status_code) == (404, 404)
    assert type(theirs).objects.filter(pk=theirs.pk).values().get() == before


def test_editing_needs_the_disclaimer_accepted() -> None:
    newcomer = make_user(disclaimer_accepted_at=None)
    row = ROWS["foods"](newcomer)
    client = Client()
    client.force_login(newcomer)

    response = client.post(f"/history/foods/{row.pk}/edit/", {"grams": "50"})

    row.refresh_from_db()
    assert response["Location"].startswith("/disclaimer/?next=")
    assert row.grams == 200  # type: ignore[attr-defined]


def test_an_injection_plan_is_edited_on_its_own_route(web: Client, person: User) -> None:
    plan = InjectionPlan.objects.create(
        owner=person,
        product="Hydroxo",
        dose_ug=1000,
        dose_unit="mg",
        route="im",
        maintenance_interval_days=90,
    )
    url = f"/injections/plans/{plan.pk}/edit/"

    response = web.post(url, edit_body(web.get(url), {"maintenance_interval_days": "60"}))

    plan.refresh_from_db()
    assert response["Location"] == "/injections/plans/"
    assert (plan.maintenance_interval_days, plan.dose_ug) == (60, 1000)


# --- delete ---


@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_is_soft_deleted_after_a_confirmation(
    kind: str, web: Client, person: User
) -> None:
    row = ROWS[kind](person)
    url = f"/history/{kind}/{row.pk}/delete/?next=/history/{kind}/%3Fpage%3D1"

    confirm = web.get(url)
    row.refresh_from_db()
    still_there = row.deleted_at is None
    response = web.post(url, {"next": f"/history/{kind}/?page=1"})

    row.refresh_from_db()
    assert confirm.status_code == 200 and still_there
    assert "Delete this entry?" in confirm.content.decode()
    assert row.deleted_at == NOW  # kept, marked deleted: never destroyed
    assert response["Location"] == f"/history/{kind}/?page=1"
    listed = web.get(response["Location"]).content.decode()
    assert "The entry is deleted." in listed and str(row.pk) not in listed


def test_deleting_a_diary_entry_soft_deletes_its_alerts(web: Client, person: User) -> None:
    entry = SymptomEntry.objects.create(
        owner=person, symptom="numbness", severity=9, recorded_at=NOW
    )
    alert = Alert.objects.create(
        owner=person, symptom_entry=entry, rule="severe_nerve_symptom", level="urgent"
    )

    web.post(f"/history/symptoms/{entry.pk}/delete/")

    alert.refresh_from_db()
    assert alert.deleted_at == NOW


def test_a_foreign_next_address_is_ignored(web: Client, person: User) -> None:
    row = ROWS["labs"](person)

    response = web.post(f"/history/labs/{row.pk}/delete/", {"next": "https://evil.example/phish"})

    assert response["Location"] == "/history/labs/"


@pytest.mark.parametrize("kind", KINDS)
def test_another_persons_row_is_not_found_for_delete_and_stays(kind: str, web: Client) -> None:
    theirs = ROWS[kind](make_user())
    url = f"/history/{kind}/{theirs.pk}/delete/"

    shown = web.get(url)
    sent = web.post(url)

    theirs.refresh_from_db()
    assert (shown.status_code, sent.status_code) == (404, 404)
    assert theirs.deleted_at is None


def test_an_already_deleted_row_is_not_found(web: Client, person: User) -> None:
    row = ROWS["foods"](person)
    web.post(f"/history/foods/{row.pk}/delete/")

    assert web.get(f"/history/foods/{row.pk}/edit/").status_code == 404
    assert web.post(f"/history/foods/{row.pk}/delete/").status_code == 404


def test_deleting_needs_the_disclaimer_accepted() -> None:
    newcomer = make_user(disclaimer_accepted_at=None)
    row = ROWS["labs"](newcomer)
    client = Client()
    client.force_login(newcomer)

    response = client.post(f"/history/labs/{row.pk}/delete/")

    row.refresh_from_db()
    assert response["Location"].startswith("/disclaimer/?next=")
    assert row.deleted_at is None


# --- query budgets: the same for one day and two years of history ---

# Session, user and profile (3) + one count per kind (6).
INDEX_QUERIES = 9
# Session, user and profile (3) + the page's count and its rows (2).
LIST_QUERIES = 5


@pytest.mark.parametrize("days", [1, 730])
def test_the_index_costs_the_same_for_any_history(
    days: int, person: User, web: Client, django_assert_num_queries: Any
) -> None:
    add_history(person, days=days, end=NOW)

    with django_assert_num_queries(INDEX_QUERIES):
        response = web.get("/history/")

    assert response.status_code == 200


@pytest.mark.parametrize("days", [1, 730])
@pytest.mark.parametrize("kind", KINDS)
def test_each_list_costs_the_same_for_any_history(
    kind: str, days: int, person: User, web: Client, django_assert_num_queries: Any
) -> None:
    add_history(person, days=days, end=NOW)

    with django_assert_num_queries(LIST_QUERIES):
        response = web.get(f"/history/{kind}/?page=2")

    assert response.status_code == 200
