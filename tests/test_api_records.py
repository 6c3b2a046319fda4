"""Shared behaviour of every owned resource: scoping, idempotent create, soft delete and
sync, local-date filters, pagination, query budgets, and refusal of bad input."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from tests.conftest import client_for
from tests.factories import make_food, make_user
from tests.records import RESOURCES

pytestmark = pytest.mark.django_db
NAMES = list(RESOURCES)
TIMED = ["food-intakes", "supplement-doses", "injections", "symptom-entries", "lab-results"]


@pytest.mark.parametrize("name", NAMES)
def test_create_then_read_back(auth_client, user, name):
    spec = RESOURCES[name]

    created = auth_client.post(spec.url, spec.payload(user), format="json")

    assert created.status_code == 201, created.json()
    row_id = created.json()["id"]
    assert spec.model.objects.get(id=row_id).owner == user
    assert auth_client.get(f"{spec.url}{row_id}/").json()["id"] == row_id
    assert row_id in [r["id"] for r in auth_client.get(spec.url).json()["results"]]


@pytest.mark.parametrize("name", NAMES)
def test_anonymous_access_is_401(api_client, name):
    assert api_client.get(RESOURCES[name].url).status_code == 401


@pytest.mark.parametrize("name", NAMES)
def test_another_persons_row_is_404_and_stays_unchanged(auth_client, other_user, name):
    spec = RESOURCES[name]
    row = spec.row(other_user, timezone.now() - timedelta(hours=2))
    before = spec.model.objects.filter(pk=row.pk).values().get()
    detail = f"{spec.url}{row.pk}/"

    assert auth_client.get(detail).status_code == 404
    assert auth_client.patch(detail, spec.patch, format="json").status_code == 404
    assert auth_client.delete(detail).status_code == 404
    assert str(row.pk) not in [r["id"] for r in auth_client.get(spec.url).json()["results"]]
    assert spec.model.objects.filter(pk=row.pk).values().get() == before


@pytest.mark.parametrize("name", NAMES)
def test_replayed_create_with_same_id_stores_one_row(auth_client, user, name):
    spec = RESOURCES[name]
    body = {**spec.payload(user), "id": str(uuid.uuid4())}

    first = auth_client.post(spec.url, body, format="json")
    replay = auth_client.post(spec.url, body, format="json")

    assert (first.status_code, replay.status_code) == (201, 200)
    assert replay.json() == first.json()
    assert spec.model.objects.filter(id=body["id"]).count() == 1
    assert spec.model.objects.for_user(user).count() == 1


@pytest.mark.parametrize("name", NAMES)
def test_create_with_another_persons_id_is_refused(auth_client, user, other_user, name):
    spec = RESOURCES[name]
    theirs = spec.row(other_user, timezone.now() - timedelta(hours=2))

    response = auth_client.post(spec.url, {**spec.payload(user), "id": str(theirs.pk)})

    assert response.status_code == 400
    assert response.json()["id"]
    assert not spec.model.objects.for_user(user).exists()


@pytest.mark.parametrize("name", NAMES)
def test_patch_changes_the_row(auth_client, user, name):
    spec = RESOURCES[name]
    row = spec.row(user, timezone.now() - timedelta(hours=2))

    response = auth_client.patch(f"{spec.url}{row.pk}/", spec.patch, format="json")

    assert response.status_code == 200, response.json()
    for field, value in spec.patch.items():
        assert str(response.json()[field]) in (str(value), f"{value}.00", f"{value}.0")


@pytest.mark.parametrize("name", NAMES)
def test_put_is_not_offered(auth_client, user, name):
    spec = RESOURCES[name]
    row = spec.row(user, timezone.now())
    assert auth_client.put(f"{spec.url}{row.pk}/", spec.payload(user)).status_code == 405


@pytest.mark.parametrize("name", NAMES)
def test_delete_is_soft_and_sync_returns_the_deleted_row(auth_client, user, name):
    spec = RESOURCES[name]
    row = spec.row(user, timezone.now() - timedelta(hours=2))
    before_delete = (timezone.now() - timedelta(seconds=1)).isoformat()

    assert auth_client.delete(f"{spec.url}{row.pk}/").status_code == 204

    assert auth_client.get(f"{spec.url}{row.pk}/").status_code == 404
    assert auth_client.get(spec.url).json()["results"] == []
    synced = auth_client.get(spec.url, {"updated_since": before_delete}).json()["results"]
    assert [(r["id"], r["deleted_at"] is not None) for r in synced] == [(str(row.pk), True)]
    assert spec.model.objects.get(pk=row.pk).deleted_at is not None  # kept, not destroyed


@pytest.mark.parametrize("name", NAMES)
def test_updated_since_needs_an_offset(auth_client, name):
    response = auth_client.get(RESOURCES[name].url, {"updated_since": "2026-01-01T00:00:00"})
    assert response.status_code == 400
    assert response.json()["updated_since"]


@pytest.mark.parametrize("name", TIMED)
def test_from_and_to_are_local_calendar_dates(name):
    # Auckland is UTC+13 in November: 2026-11-21 12:00 UTC is 2026-11-22 01:00 there.
    person = make_user(timezone="Pacific/Auckland")
    spec = RESOURCES[name]
    row = spec.row(person, datetime(2026, 11, 21, 12, 0, tzinfo=UTC))
    client = client_for(person)

    def listed(**params: str) -> list[str]:
        response = client.get(spec.url, params)
        assert response.status_code == 200, response.json()
        return [r["id"] for r in response.json()["results"]]

    assert listed(**{"from": "2026-11-22", "to": "2026-11-22"}) == [str(row.pk)]
    assert listed(**{"to": "2026-11-21"}) == []
    assert listed(**{"from": "2026-11-23"}) == []


@pytest.mark.parametrize("name", NAMES)
def test_bad_date_filters_are_400(auth_client, name):
    url = RESOURCES[name].url
    assert auth_client.get(url, {"from": "22/11/2026"}).json()["from"]
    reversed_range = auth_client.get(url, {"from": "2026-11-22", "to": "2026-11-01"})
    assert reversed_range.status_code == 400
    assert reversed_range.json()["to"]


@pytest.mark.parametrize("name", TIMED)
def test_lists_are_cursor_paginated_newest_first(auth_client, user, name):
    spec = RESOURCES[name]
    now = timezone.now()
    rows = [spec.row(user, now - timedelta(hours=h)) for h in range(1, 6)]

    first = auth_client.get(spec.url, {"page_size": 2}).json()
    second = auth_client.get(first["next"]).json()

    assert [r["id"] for r in first["results"]] == [str(r.pk) for r in rows[:2]]
    assert [r["id"] for r in second["results"]] == [str(r.pk) for r in rows[2:4]]


# JWT auth loads the user and profile (1) + the page (1); plans also load their injections (1)
# and diary entries their alerts (1).
LIST_QUERIES = {name: 2 for name in NAMES} | {"injection-plans": 3, "symptom-entries": 3}


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("history", [3, 60])
def test_list_query_count_does_not_grow_with_history(
    auth_client, user, name, history, django_assert_num_queries
):
    spec = RESOURCES[name]
    now = timezone.now()
    for hours in range(history):
        spec.row(user, now - timedelta(hours=hours + 1))

    with django_assert_num_queries(LIST_QUERIES[name]):
        response = auth_client.get(spec.url)
    assert response.status_code == 200
    assert len(response.json()["results"]) == min(history, 50)


@pytest.mark.parametrize("name", NAMES)
def test_malformed_json_is_400_and_stores_nothing(auth_client, user, name):
    spec = RESOURCES[name]
    response = auth_client.generic("POST", spec.url, '{"oops": ', content_type="application/json")
    assert response.status_code == 400
    assert "JSON" in response.json()["detail"]
    assert not spec.model.objects.exists()


def _foreign_food():  # type: ignore[no-untyped-def]
    return str(make_food(name="Someone's granola", owner=make_user()).id)


FUTURE = (timezone.now() + timedelta(days=3)).isoformat()

BAD_INPUT = [
    ("food-intakes", {"grams": "-5"}, "grams"),
    ("food-intakes", {"grams": "0"}, "grams"),
    ("food-intakes", {"grams": "999999"}, "grams"),
    ("food-intakes", {"grams": "lots"}, "grams"),
    ("food-intakes", {"grams": None, "portions": None}, "grams"),
    ("food-intakes", {"portions": "2"}, "portions"),  # together with grams
    ("food-intakes", {"food": str(uuid.uuid4())}, "food"),
    ("food-intakes", {"food": "not-a-uuid"}, "food"),
    ("food-intakes", {"food": _foreign_food}, "food"),
    ("food-intakes", {"eaten_at": FUTURE}, "eaten_at"),
    ("food-intakes", {"eaten_at": "2026-11-20T08:00:00"}, "eaten_at"),
    ("food-intakes", {"eaten_at": "yesterday"}, "eaten_at"),
    ("food-intakes", {"meal": "brunch"}, "meal"),
    ("supplements", {"dose_ug": "0"}, "dose_ug"),
    ("supplements", {"dose_ug": "-10"}, "dose_ug"),
    ("supplements", {"dose_ug": "1000000000"}, "dose_ug"),
    ("supplements", {"form": "magic"}, "form"),
    ("supplements", {"route": "iv"}, "route"),
    ("supplements", {"name": ""}, "name"),
    ("supplement-doses", {"status": "maybe"}, "status"),
    ("supplement-doses", {"units": "0"}, "units"),
    ("supplement-doses", {"units": "500"}, "units"),
    ("supplement-doses", {"taken_at": FUTURE}, "taken_at"),
    ("supplement-doses", {"status": "skipped", "taken_at": "2026-11-20T08:00:00Z"}, "taken_at"),
    ("supplement-doses", {"supplement": str(uuid.uuid4())}, "supplement"),
    ("injection-plans", {"maintenance_interval_days": 3}, "maintenance_interval_days"),
    ("injection-plans", {"maintenance_interval_days": 5000}, "maintenance_interval_days"),
    ("injection-plans", {"loading_doses": 6}, "loading_interval_days"),
    ("injection-plans", {"loading_doses": -1}, "loading_doses"),
    ("injection-plans", {"schedule_basis": "fixed_anchor"}, "anchor_date"),
    ("injection-plans", {"dose": "0"}, "dose"),
    ("injection-plans", {"dose": "500", "dose_unit": "mg"}, "dose"),
    ("injection-plans", {"dose_unit": "g"}, "dose_unit"),
    ("injection-plans", {"route": "iv"}, "route"),
    ("injections", {"given_at": FUTURE}, "given_at"),
    ("injections", {"site": "ear"}, "site"),
    ("injections", {"plan": None}, "dose_ug"),
    ("injections", {"dose_ug": "-1"}, "dose_ug"),
    ("injections", {"plan": str(uuid.uuid4())}, "plan"),
    ("symptom-entries", {"severity": 11}, "severity"),
    ("symptom-entries", {"severity": -1}, "severity"),
    ("symptom-entries", {"severity": 3.5}, "severity"),
    ("symptom-entries", {"severity": "high"}, "severity"),
    ("symptom-entries", {"symptom": "headache"}, "symptom"),
    ("symptom-entries", {"recorded_at": FUTURE}, "recorded_at"),
    ("lab-results", {"test": "vitamin_d"}, "test"),
    ("lab-results", {"unit": "mg"}, "unit"),
    ("lab-results", {"unit": "nmol/L"}, "unit"),  # a unit of another test
    ("lab-results", {"value": "-1"}, "value"),
    ("lab-results", {"value": "5000000000"}, "value"),
    ("lab-results", {"reference_low": "400", "reference_high": "200"}, "reference_high"),
    ("lab-results", {"sampled_at": FUTURE}, "sampled_at"),
]


@pytest.mark.parametrize(("name", "changes", "field"), BAD_INPUT)
def test_bad_input_is_400_with_a_field_message_and_stores_nothing(
    auth_client, user, name, changes, field
):
    spec = RESOURCES[name]
    body = spec.payload(user)
    for key, value in changes.items():
        body[key] = value() if callable(value) else value
    counts_before = spec.model.objects.count()

    response = auth_client.post(spec.url, body, format="json")

    assert response.status_code == 400, response.json()
    messages = response.json()[field]
    assert messages and all(isinstance(m, str) and m for m in messages)
    assert spec.model.objects.count() == counts_before
