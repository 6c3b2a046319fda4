from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.factories import make_food
from tracker.models import Food, FoodIntake

URL = "/api/v1/food-intakes/"
pytestmark = pytest.mark.django_db


def log(client, food, **fields):  # type: ignore[no-untyped-def]
    body = {"food": str(food.id), "eaten_at": timezone.now().isoformat(), "meal": "lunch"}
    body.update(fields)
    return client.post(URL, body, format="json")


def test_a_15_g_portion_gets_15_percent_of_the_per_100_g_value(auth_client):
    yeast = make_food(name="Nutritional yeast, fortified", b12_ug_per_100g="157.5")

    response = log(auth_client, yeast, grams="15")

    assert response.status_code == 201, response.json()
    assert Decimal(str(response.json()["b12_ug"])) == Decimal("23.625")
    assert response.json()["food_name"] == "Nutritional yeast, fortified"


def test_portions_use_the_foods_default_portion(auth_client):
    milk = make_food(b12_ug_per_100g="0.5", portion_grams=Decimal("240"))

    body = log(auth_client, milk, portions="1.5").json()

    assert Decimal(str(body["grams"])) == Decimal("360")
    assert Decimal(str(body["portions"])) == Decimal("1.5")
    assert Decimal(str(body["b12_ug"])) == Decimal("1.8")


def test_portions_of_a_food_without_a_default_portion_are_refused(auth_client):
    food = make_food(portion_grams=None, portion_name="")
    response = log(auth_client, food, portions="1")
    assert response.status_code == 400
    assert response.json()["portions"]
    assert not FoodIntake.objects.exists()


def test_later_catalogue_changes_never_rewrite_history(auth_client):
    food = make_food(b12_ug_per_100g="1.0")
    intake_id = log(auth_client, food, grams="200").json()["id"]

    Food.objects.filter(pk=food.pk).update(b12_ug_per_100g=Decimal("9.0"))

    assert auth_client.get(f"{URL}{intake_id}/").json()["b12_ug"] == 2.0
    # Editing the amount scales the logged snapshot, still not the new catalogue value.
    patched = auth_client.patch(f"{URL}{intake_id}/", {"grams": "100"}, format="json").json()
    assert patched["b12_ug"] == 1.0


def test_switching_the_food_snapshots_the_new_food(auth_client):
    first = make_food(b12_ug_per_100g="1.0")
    second = make_food(name="Clams, cooked", b12_ug_per_100g="98.9")
    intake_id = log(auth_client, first, grams="100").json()["id"]

    patched = auth_client.patch(f"{URL}{intake_id}/", {"food": str(second.id)}, format="json")

    assert patched.json()["b12_ug"] == 98.9
    assert patched.json()["food_name"] == "Clams, cooked"


def test_pseudo_b12_food_is_flagged_on_the_intake(auth_client):
    spirulina = make_food(name="Seaweed, spirulina, dried", b12_ug_per_100g="0", is_pseudo_b12=True)
    assert log(auth_client, spirulina, grams="5").json()["food_is_pseudo_b12"] is True


def test_own_custom_food_can_be_logged_but_not_someone_elses(auth_client, user, other_user):
    mine = make_food(name="My granola", owner=user)
    theirs = make_food(name="Their granola", owner=other_user)

    assert log(auth_client, mine, grams="50").status_code == 201
    refused = log(auth_client, theirs, grams="50")
    assert refused.status_code == 400
    assert "does not exist" in refused.json()["food"][0]


def test_a_deleted_custom_food_cannot_be_logged(auth_client, user):
    mine = make_food(name="Old granola", owner=user, deleted_at=timezone.now())
    assert log(auth_client, mine, grams="50").status_code == 400


def test_eaten_at_a_few_hours_ahead_is_accepted(auth_client):
    # Phones in zones ahead of the server's sense of "now" (or with drifting clocks).
    food = make_food()
    soon = (timezone.now() + timedelta(hours=5)).isoformat()
    assert log(auth_client, food, grams="10", eaten_at=soon).status_code == 201
