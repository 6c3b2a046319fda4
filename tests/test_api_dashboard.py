from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tests.conftest import client_for
from tests.factories import make_food, make_user
from tests.history import add_history
from tracker.api.insights import DashboardSerializer
from tracker.domain.absorption import dose_absorbed_ug, food_absorbed_ug
from tracker.models import (
    Alert,
    FoodIntake,
    Injection,
    InjectionPlan,
    Supplement,
    SupplementDose,
    SymptomEntry,
)
from tracker.services.content import load_articles

URL = "/api/v1/dashboard/"
LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)  # noon in London (GMT in winter)
pytestmark = pytest.mark.django_db


def intake(user, b12_ug: str, at: datetime, meal: str = "breakfast", pseudo: bool = False):  # type: ignore[no-untyped-def]
    food = make_food(name=f"Food {b12_ug} {at.isoformat()}", is_pseudo_b12=pseudo)
    return FoodIntake.objects.create(
        owner=user,
        food=food,
        grams=100,
        eaten_at=at,
        meal=meal,
        b12_ug=Decimal(b12_ug),
        food_is_pseudo_b12=pseudo,
    )


def dose(user, supplement, status: str, at: datetime, b12_ug: str = "1000"):  # type: ignore[no-untyped-def]
    return SupplementDose.objects.create(
        owner=user,
        supplement=supplement,
        status=status,
        taken_at=at if status == "taken" else None,
        scheduled_for=at,
        occurred_at=at,
        b12_ug=Decimal(b12_ug) if status == "taken" else 0,
        route=supplement.route,
    )


def supplement_for(user, route: str = "oral"):  # type: ignore[no-untyped-def]
    return Supplement.objects.create(
        owner=user, name="Daily B12", form="cyanocobalamin", route=route, dose_ug=1000
    )


def get(person):  # type: ignore[no-untyped-def]
    with time_machine.travel(NOW, tick=False):
        response = client_for(person).get(URL)
    assert response.status_code == 200, response.content
    return response


def test_a_new_person_sees_zeros_their_reference_intake_and_the_disclaimer(user):
    response = get(user)
    body = response.json()

    assert response["Cache-Control"] == "private, no-store"
    assert body["date"] == "2026-12-01"
    assert body["timezone"] == "Europe/London"
    assert body["today"]["intake_ug"] == 0
    assert body["today"]["percent_of_target"] == 0
    assert body["target"]["ug_per_day"] == 2.4
    assert body["target"]["source"]["url"].startswith("https://")
    assert body["next_injection"] is None
    assert body["adherence"]["last_7_days"]["percent"] is None  # nothing scheduled
    assert "healthcare professional" in body["disclaimer"]
    assert "estimate" in body["estimate_note"]
    assert DashboardSerializer(data=body).is_valid(), DashboardSerializer(data=body).errors


def test_today_sums_food_and_supplements_with_the_absorbed_estimate_per_meal_and_dose(user):
    morning = datetime(2026, 12, 1, 8, 0, tzinfo=LONDON)
    intake(user, "0.6", morning, "breakfast")
    intake(user, "0.4", morning + timedelta(minutes=5), "breakfast")  # same meal: one sum
    intake(user, "2.4", morning + timedelta(hours=5), "lunch")
    intake(user, "5", morning, "snack", pseudo=True)  # algae: logged, counted 0
    dose(user, supplement_for(user), "taken", morning)

    today = get(user).json()["today"]

    expected = food_absorbed_ug(Decimal(1)) + food_absorbed_ug(Decimal("2.4"))
    expected += dose_absorbed_ug(Decimal(1000), impaired=False)
    assert Decimal(str(today["intake_ug"])) == Decimal("1008.4")
    assert Decimal(str(today["absorbed_ug"])) == expected
    assert today["pseudo_b12_ug"] == 5
    assert today["percent_of_target"] == pytest.approx(42016.7)


def test_today_is_the_persons_local_day_not_utc(user):
    user.profile.timezone = "Pacific/Auckland"  # 12:00 UTC is 01:00 on 2 December there
    user.profile.save()
    intake(user, "2", datetime(2026, 12, 1, 23, 30, tzinfo=ZoneInfo("Pacific/Auckland")))
    intake(user, "3", datetime(2026, 12, 2, 0, 30, tzinfo=ZoneInfo("Pacific/Auckland")))

    body = get(user).json()

    assert body["date"] == "2026-12-02"
    assert body["today"]["intake_ug"] == 3
    assert body["last_7_days"]["days"][-2] == {
        "date": "2026-12-01",
        "intake_ug": 2.0,
        "absorbed_ug": float(food_absorbed_ug(Decimal(2))),
        "not_estimated_ug": 0.0,
        "pseudo_b12_ug": 0.0,
    }


def test_an_absorption_impairing_profile_keeps_only_the_passive_one_percent(user):
    user.profile.risk_factors = ["autoimmune_gastritis"]
    user.profile.save()
    intake(user, "10", datetime(2026, 12, 1, 8, tzinfo=LONDON))
    dose(user, supplement_for(user), "taken", datetime(2026, 12, 1, 9, tzinfo=LONDON))

    assert get(user).json()["today"]["absorbed_ug"] == pytest.approx(0.1 + 10)


def test_nasal_doses_are_logged_but_not_estimated(user):
    dose(user, supplement_for(user, "nasal"), "taken", datetime(2026, 12, 1, 9, tzinfo=LONDON))

    today = get(user).json()["today"]

    assert (today["intake_ug"], today["absorbed_ug"], today["not_estimated_ug"]) == (1000, 0, 1000)


def test_seven_day_average_adherence_and_missed_doses(user):
    supplement = supplement_for(user)
    for days_ago in range(7):
        at = datetime(2026, 12, 1, 9, tzinfo=LONDON) - timedelta(days=days_ago)
        dose(user, supplement, "missed" if days_ago in (2, 4) else "taken", at, "7")
    skipped = dose(user, supplement, "skipped", datetime(2026, 11, 28, 21, tzinfo=LONDON))
    dose(user, supplement, "taken", datetime(2026, 11, 24, 9, tzinfo=LONDON))  # 8 days ago

    body = get(user).json()

    assert body["last_7_days"]["intake_daily_avg_ug"] == 5  # 5 doses × 7 µg over 7 days
    assert body["last_7_days"]["days_with_entries"] == 5
    assert body["adherence"]["last_7_days"] == {
        "scheduled": 8,
        "taken": 5,
        "skipped": 1,
        "missed": 2,
        "percent": 62.5,
    }
    assert body["adherence"]["today"]["percent"] == 100
    assert [d["scheduled_for"][:10] for d in body["missed_doses"]] == ["2026-11-29", "2026-11-27"]
    assert str(skipped.pk) not in str(body["missed_doses"])


def test_the_next_injection_shows_when_it_is_due_or_how_overdue(user):
    plan = InjectionPlan.objects.create(
        owner=user,
        product="Hydroxocobalamin",
        dose_ug=1000,
        route="im",
        maintenance_interval_days=56,
    )
    Injection.objects.create(
        owner=user, plan=plan, given_at=datetime(2026, 10, 1, 10, tzinfo=LONDON), dose_ug=1000
    )

    body = get(user).json()

    assert body["next_injection"] == {
        "plan": str(plan.pk),
        "product": "Hydroxocobalamin",
        "next_due": "2026-11-26",
        "overdue_days": 5,
        "phase": "maintenance",
    }


def test_open_red_flag_alerts_and_suggested_articles_are_on_the_dashboard(user):
    load_articles()
    with time_machine.travel(NOW, tick=False):
        created = client_for(user).post(
            "/api/v1/symptom-entries/",
            {"symptom": "numbness", "severity": 8, "recorded_at": NOW.isoformat()},
            format="json",
        )
    assert created.status_code == 201
    acknowledged = SymptomEntry.objects.create(
        owner=user, symptom="pins_and_needles", severity=9, recorded_at=NOW
    )
    Alert.objects.create(
        owner=user, symptom_entry=acknowledged, rule="x", level="urgent", acknowledged_at=NOW
    )

    body = get(user).json()

    assert [a["rule"] for a in body["alerts"]] == ["severe_nerve_symptom"]
    assert "urgent" in body["alerts"][0]["message"].lower()
    slugs = [s["article"]["slug"] for s in body["suggested_articles"]]
    assert len(slugs) == 3
    assert any("nerve_symptoms" in s["because"] for s in body["suggested_articles"])


def test_another_persons_logs_never_reach_the_dashboard(user, other_user):
    intake(other_user, "9", datetime(2026, 12, 1, 8, tzinfo=LONDON))
    dose(other_user, supplement_for(other_user), "missed", datetime(2026, 12, 1, 9, tzinfo=LONDON))
    entry = SymptomEntry.objects.create(
        owner=other_user, symptom="numbness", severity=9, recorded_at=NOW
    )
    Alert.objects.create(owner=other_user, symptom_entry=entry, rule="x", level="urgent")

    body = get(user).json()

    assert body["today"]["intake_ug"] == 0
    assert body["missed_doses"] == [] and body["alerts"] == []


def test_soft_deleted_rows_do_not_count(user):
    intake(user, "9", datetime(2026, 12, 1, 8, tzinfo=LONDON))
    FoodIntake.objects.update(deleted_at=NOW)

    assert get(user).json()["today"]["intake_ug"] == 0


def test_the_dashboard_needs_a_signed_in_person(api_client):
    assert api_client.get(URL).status_code == 401


# The same number of queries for one day and for two years of history (DESIGN performance
# targets): auth (1) + intake by meal (1) + doses and adherence (1) + missed doses (1) + plans
# and their injections (2) + open alerts (1) + suggestions (the record checks, articles: 2) +
# reminders due and still to come (2).
DASHBOARD_QUERIES = 11


@pytest.mark.parametrize("days", [1, 730])
def test_the_dashboard_costs_the_same_queries_for_one_day_and_two_years(
    days, django_assert_num_queries
):
    person = make_user(timezone="Europe/London")
    add_history(person, days=days, end=NOW)
    with time_machine.travel(NOW, tick=False):
        client = client_for(person)
        with django_assert_num_queries(DASHBOARD_QUERIES):
            body = client.get(URL).json()

    assert body["today"]["intake_ug"] == pytest.approx(4 * 0.76 + 50)
    assert body["next_injection"]["next_due"] == "2027-01-26"


def test_reminders_due_and_still_to_come_today_are_on_the_dashboard(user):
    from tracker.services import notifications as pipeline
    from tracker.services.reminders import create_reminder

    create_reminder(user=user, now=NOW - timedelta(hours=5), kind="diary", times=["09:00"])
    later = create_reminder(user=user, now=NOW, kind="diary", times=["18:00"])
    pipeline.dispatch_batch(now=NOW - timedelta(hours=3), enqueue=lambda ids: None, batch_size=10)

    body = get(user).json()

    assert [r["title"] for r in body["due_reminders"]] == ["Time for your reminder"]
    assert [r["reminder"] for r in body["upcoming_reminders"]] == [str(later.pk)]
    assert body["upcoming_reminders"][0]["fires_at"] == "2026-12-01T18:00:00Z"
