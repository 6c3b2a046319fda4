"""The logging core as a new person meets it, end to end through the API (issue 3's
"done when"): on PostgreSQL in CI, on SQLite locally."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import PASSWORD
from tracker.models import FoodIntake, LabResult, SymptomEntry
from tracker.services.foods import import_catalogue

pytestmark = pytest.mark.django_db

CATALOGUE = [
    {
        "foodName": "Yeast extract spread",
        "data_type": "sr_legacy_food",
        "food_category": "Soups, Sauces, and Gravies",
        "portion_unit_name": "1 tsp",
        "portion_gram_weight": "6.0",
        "Vitamin B-12": "0.5",
    },
    {
        "foodName": "Nutritional yeast, fortified",
        "data_type": "branded_food",
        "food_category": "Herbs & Spices",
        "portion_unit_name": "2 tbsp",
        "portion_gram_weight": "15.0",
        "Vitamin B-12": "160.0",
    },
    {
        "foodName": "Milk, whole, 3.25% milkfat",
        "data_type": "sr_legacy_food",
        "food_category": "Dairy and Egg Products",
        "portion_unit_name": "1 cup",
        "portion_gram_weight": "244.0",
        "Vitamin B-12": "0.45",
    },
]


def test_a_new_person_logs_a_day_of_b12(api_client):
    import_catalogue(rows=CATALOGUE, source_version="test", now=timezone.now())

    registered = api_client.post(
        "/api/v1/auth/register/",
        {
            "email": "vera@example.org",
            "password": PASSWORD,
            "timezone": "Europe/Vienna",
            "disclaimer_accepted": True,
        },
        format="json",
    )
    assert registered.status_code == 201
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {registered.json()['tokens']['access']}")

    found = api_client.get("/api/v1/foods/", {"search": "nutritional yeast"}).json()["results"]
    yeast = found[0]
    assert yeast["name"] == "Nutritional yeast, fortified"
    assert yeast["is_fortified"] is True

    intake = api_client.post(
        "/api/v1/food-intakes/",
        {
            "food": yeast["id"],
            "grams": "15",
            "eaten_at": timezone.now().isoformat(),
            "meal": "lunch",
        },
        format="json",
    ).json()
    assert intake["b12_ug"] == 24.0  # 15 % of 160 µg per 100 g

    supplement = api_client.post(
        "/api/v1/supplements/",
        {"name": "B12 250", "form": "cyanocobalamin", "route": "chewable", "dose_ug": "250"},
        format="json",
    ).json()
    dose = api_client.post(
        "/api/v1/supplement-doses/", {"supplement": supplement["id"], "status": "taken"}
    ).json()
    assert dose["b12_ug"] == 250.0

    plan = api_client.post(
        "/api/v1/injection-plans/",
        {
            "product": "Hydroxocobalamin 1 mg/1 mL",
            "dose": "1",
            "dose_unit": "mg",
            "route": "im",
            "maintenance_interval_days": 84,
        },
        format="json",
    ).json()
    given_at = timezone.now() - timedelta(days=2)
    injection = api_client.post(
        "/api/v1/injections/",
        {"plan": plan["id"], "given_at": given_at.isoformat(), "site": "left_deltoid"},
    )
    assert injection.status_code == 201
    plan = api_client.get(f"/api/v1/injection-plans/{plan['id']}/").json()
    assert plan["next_due"] is not None
    assert plan["overdue_days"] == 0

    diary = api_client.post(
        "/api/v1/symptom-entries/",
        {"symptom": "tiredness", "severity": 3, "recorded_at": timezone.now().isoformat()},
    )
    assert diary.status_code == 201

    lab = api_client.post(
        "/api/v1/lab-results/",
        {
            "test": "serum_b12",
            "value": "250",
            "unit": "pg/mL",
            "sampled_at": (timezone.now() - timedelta(days=30)).isoformat(),
        },
    ).json()
    read_back = api_client.get(f"/api/v1/lab-results/{lab['id']}/").json()
    assert read_back["values_by_unit"]["pmol/L"] == 184.45  # 250 × 0.7378
    assert read_back["drawn_after_injection"] is False

    # Bad input is refused and stores nothing.
    refused = [
        api_client.post(
            "/api/v1/food-intakes/",
            {
                "food": yeast["id"],
                "grams": "-15",
                "eaten_at": timezone.now().isoformat(),
                "meal": "lunch",
            },
        ),  # fmt: skip
        api_client.post(
            "/api/v1/symptom-entries/",
            {"symptom": "tiredness", "severity": 12, "recorded_at": timezone.now().isoformat()},
        ),
        api_client.post(
            "/api/v1/lab-results/",
            {
                "test": "serum_b12",
                "value": "250",
                "unit": "mmol/L",
                "sampled_at": timezone.now().isoformat(),
            },
        ),  # fmt: skip
    ]
    assert [r.status_code for r in refused] == [400, 400, 400]
    assert FoodIntake.objects.count() == 1
    assert SymptomEntry.objects.count() == 1
    assert LabResult.objects.count() == 1
