"""Edges found in review: precision, overflow, calendar bounds, replays of odd ids, retired
references, and account deletion with history."""

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.factories import make_food, make_user
from tests.records import RESOURCES
from tracker.models import Food, FoodIntake, Injection, LabResult, Supplement, SupplementDose, User

pytestmark = pytest.mark.django_db
INTAKES = "/api/v1/food-intakes/"


def _intake(client, food, **fields):  # type: ignore[no-untyped-def]
    body = {"food": str(food.id), "eaten_at": timezone.now().isoformat(), "meal": "snack"}
    body.update(fields)
    return client.post(INTAKES, body, format="json")


def test_amounts_finer_than_the_column_are_refused_not_truncated(auth_client, user):
    food = make_food()
    response = _intake(auth_client, food, grams="0.004")
    assert response.status_code == 400
    assert response.json()["grams"]
    supplement = RESOURCES["supplements"].row(user, timezone.now())
    dose = auth_client.post(
        "/api/v1/supplement-doses/",
        {"supplement": str(supplement.id), "status": "taken", "units": "0.001"},
    )
    assert dose.status_code == 400
    assert not FoodIntake.objects.exists() and not SupplementDose.objects.exists()


def test_many_large_portions_are_refused_instead_of_overflowing(auth_client, user):
    big = make_food(name="Big", owner=user, b12_ug_per_100g="100000", portion_grams=Decimal(5000))
    response = _intake(auth_client, big, portions="100")
    assert response.status_code == 400
    assert response.json()["portions"]
    assert auth_client.get(INTAKES).status_code == 200


def test_switching_to_a_food_with_big_portions_is_checked_too(auth_client, user):
    small = make_food(portion_grams=Decimal(10))
    big = make_food(name="Bulk", portion_grams=Decimal(4000))
    intake_id = _intake(auth_client, small, portions="2").json()["id"]
    response = auth_client.patch(f"{INTAKES}{intake_id}/", {"food": str(big.id)})
    assert response.status_code == 400
    assert FoodIntake.objects.get(id=intake_id).food_id == small.id


@pytest.mark.parametrize(
    "params",
    [
        {"to": "9999-12-31"},
        {"from": "0001-01-01"},
        {"updated_since": "9999-12-31T23:59:59-14:00"},
        {"updated_since": "0001-01-01T00:00:00+14:00"},
    ],
)
def test_filters_at_the_edges_of_the_calendar_are_400(auth_client, params):
    response = auth_client.get(INTAKES, params)
    assert response.status_code == 400
    assert response.json()[next(iter(params))]


@pytest.mark.parametrize("odd_id", [0, False, 12, ["x"], {"a": 1}])
def test_odd_client_ids_are_refused(auth_client, odd_id):
    food = {"name": "Granola", "b12_ug_per_100g": "1.2", "id": odd_id}
    assert auth_client.post("/api/v1/foods/", food, format="json").status_code == 400
    intake = RESOURCES["symptom-entries"].payload(make_user())
    assert (
        auth_client.post(
            "/api/v1/symptom-entries/", {**intake, "id": odd_id}, format="json"
        ).status_code
        == 400
    )
    assert not Food.objects.filter(owner__isnull=False).exists()


def test_a_replayed_custom_food_is_stored_once(auth_client, user):
    body = {"id": str(uuid.uuid4()), "name": "Granola", "b12_ug_per_serving": "0.6",
            "serving_grams": "45"}  # fmt: skip
    first = auth_client.post("/api/v1/foods/", body, format="json")
    again = auth_client.post("/api/v1/foods/", body, format="json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["b12_ug_per_100g"] == 1.333
    assert Food.objects.filter(owner=user).count() == 1


def test_another_persons_custom_food_id_cannot_be_taken(auth_client, other_user):
    theirs = make_food(name="Theirs", owner=other_user)
    response = auth_client.post(
        "/api/v1/foods/", {"id": str(theirs.id), "name": "Mine", "b12_ug_per_100g": "1"}
    )
    assert response.status_code == 400
    assert "Theirs" not in response.content.decode()


def test_a_name_that_grows_when_normalised_is_stored(auth_client):
    response = auth_client.post("/api/v1/foods/", {"name": "\u00df" * 255, "b12_ug_per_100g": "1"})
    assert response.status_code == 201


@pytest.mark.parametrize("barcode", ["1\x00", "abc", "123"])
def test_a_malformed_barcode_lookup_is_400(auth_client, barcode):
    response = auth_client.get("/api/v1/foods/", {"barcode": barcode})
    assert response.status_code == 400
    assert response.json()["barcode"]


@pytest.mark.parametrize("naive", ["2026-11-5T08:00:00", "2026-11-20 8:00"])
def test_times_without_an_offset_are_refused_in_any_spelling(auth_client, naive):
    response = _intake(auth_client, make_food(), grams="10", eaten_at=naive)
    assert response.status_code == 400
    assert response.json()["eaten_at"]


def test_an_edit_may_resend_a_food_retired_from_the_catalogue(auth_client):
    food = make_food()
    intake_id = _intake(auth_client, food, grams="100").json()["id"]
    Food.objects.filter(pk=food.pk).update(deleted_at=timezone.now())

    response = auth_client.patch(
        f"{INTAKES}{intake_id}/", {"food": str(food.id), "grams": "50"}, format="json"
    )
    assert response.status_code == 200, response.json()


def test_a_replayed_lab_result_shows_the_same_flags(auth_client, user):
    sampled = timezone.now() - timedelta(days=2)
    Injection.objects.create(owner=user, given_at=sampled - timedelta(days=5), dose_ug=1000)
    body = {"id": str(uuid.uuid4()), "test": "serum_b12", "value": "400", "unit": "pg/mL",
            "sampled_at": sampled.isoformat()}  # fmt: skip
    first = auth_client.post("/api/v1/lab-results/", body, format="json").json()
    replay = auth_client.post("/api/v1/lab-results/", body, format="json").json()
    assert first == replay
    assert replay["drawn_after_injection"] is True
    assert LabResult.objects.count() == 1


def test_a_person_with_a_history_can_be_deleted():
    person = make_user()
    now = timezone.now()
    for spec in RESOURCES.values():
        spec.row(person, now - timedelta(hours=1))
    FoodIntake.objects.create(
        owner=person, food=make_food(name="Mine", owner=person), grams=1, eaten_at=now,
        meal="lunch", b12_ug=0,
    )  # fmt: skip

    person.delete()

    assert not User.objects.filter(pk=person.pk).exists()
    assert not Supplement.objects.exists()
    assert not FoodIntake.objects.exists()
    assert Food.objects.filter(owner__isnull=True).exists()  # the catalogue stays


def test_a_catalogue_food_with_intakes_cannot_be_deleted_on_its_own(user):
    food = make_food()
    FoodIntake.objects.create(
        owner=user, food=food, grams=1, eaten_at=timezone.now(), meal="lunch", b12_ug=0
    )
    from django.db.models import RestrictedError

    with pytest.raises(RestrictedError):
        food.delete()
