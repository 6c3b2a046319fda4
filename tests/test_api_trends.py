from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tests.conftest import client_for
from tests.factories import make_user
from tests.history import add_history
from tests.test_api_dashboard import dose, intake, supplement_for
from tracker.api.insights import TrendsSerializer
from tracker.domain.absorption import food_absorbed_ug
from tracker.models import Injection, InjectionPlan, LabResult, SymptomEntry

URL = "/api/v1/trends/"
LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
pytestmark = pytest.mark.django_db


def get(person, **params):  # type: ignore[no-untyped-def]
    with time_machine.travel(NOW, tick=False):
        return client_for(person).get(URL, params)


def ok(person, **params):  # type: ignore[no-untyped-def]
    response = get(person, **params)
    assert response.status_code == 200, response.content
    return response.json()


def test_the_default_is_the_last_30_days_by_day_with_target_and_disclaimer(user):
    response = get(user)
    body = response.json()

    assert response["Cache-Control"] == "private, no-store"
    assert (body["from"], body["to"], body["bucket"]) == ("2026-11-02", "2026-12-01", "day")
    assert len(body["series"]) == 30
    assert body["series"][0]["target_ug"] == 2.4
    assert body["series"][0]["percent_of_target"] == 0
    assert "healthcare professional" in body["disclaimer"]
    serializer = TrendsSerializer(data=body)
    assert serializer.is_valid(), serializer.errors


def test_weeks_start_on_monday_and_months_on_the_first_clipped_to_the_period(user):
    weeks = ok(user, **{"from": "2026-11-04", "to": "2026-11-20", "bucket": "week"})["series"]
    months = ok(user, **{"from": "2026-10-15", "to": "2026-12-01", "bucket": "month"})["series"]

    assert [(w["start"], w["end"], w["days"]) for w in weeks] == [
        ("2026-11-04", "2026-11-08", 5),  # Wednesday to Sunday
        ("2026-11-09", "2026-11-15", 7),
        ("2026-11-16", "2026-11-20", 5),
    ]
    assert [(m["start"], m["end"]) for m in months] == [
        ("2026-10-15", "2026-10-31"),
        ("2026-11-01", "2026-11-30"),
        ("2026-12-01", "2026-12-01"),
    ]


def test_buckets_add_up_to_the_same_totals_as_days(user):
    add_history(user, days=90, end=NOW)
    params = {"from": "2026-09-10", "to": "2026-12-01"}
    days = ok(user, **params)
    months = ok(user, **params, bucket="month")

    for key in ("intake_ug", "absorbed_ug"):
        assert sum(Decimal(str(d[key])) for d in days["series"]) == Decimal(
            str(days["totals"][key])
        )
        assert days["totals"][key] == months["totals"][key]
    assert days["totals"]["adherence"] == months["totals"]["adherence"]
    assert months["totals"]["adherence"]["missed"] == 16  # every 5th day of 82


def test_daily_average_absorbed_estimate_and_percent_of_target(user):
    intake(user, "2.4", datetime(2026, 11, 30, 8, tzinfo=LONDON))
    intake(user, "2.4", datetime(2026, 12, 1, 8, tzinfo=LONDON))

    week = ok(user, **{"from": "2026-11-30", "to": "2026-12-01", "bucket": "week"})["series"][0]

    assert week["intake_ug"] == 4.8
    assert week["intake_daily_avg_ug"] == 2.4
    assert week["percent_of_target"] == 100
    assert Decimal(str(week["absorbed_daily_avg_ug"])) == food_absorbed_ug(Decimal("2.4"))


def test_a_day_across_the_clock_change_is_one_local_day(user):
    # London leaves summer time at 02:00 on 25 October 2026: that day has 25 hours.
    intake(user, "1", datetime(2026, 10, 25, 0, 30, tzinfo=LONDON))
    intake(user, "2", datetime(2026, 10, 25, 23, 30, tzinfo=LONDON))
    intake(user, "4", datetime(2026, 10, 26, 0, 10, tzinfo=LONDON))

    series = ok(user, **{"from": "2026-10-25", "to": "2026-10-26"})["series"]

    assert [s["intake_ug"] for s in series] == [3, 4]


def test_adherence_counts_scheduled_doses_by_their_scheduled_day(user):
    supplement = supplement_for(user)
    dose(user, supplement, "taken", datetime(2026, 11, 30, 9, tzinfo=LONDON))
    dose(user, supplement, "skipped", datetime(2026, 11, 30, 21, tzinfo=LONDON))
    dose(user, supplement, "missed", datetime(2026, 12, 1, 9, tzinfo=LONDON))

    series = ok(user, **{"from": "2026-11-29", "to": "2026-12-01"})["series"]

    assert [s["adherence"]["percent"] for s in series] == [None, 50, 0]
    assert series[1]["adherence"] == {
        "scheduled": 2,
        "taken": 1,
        "skipped": 1,
        "missed": 0,
        "percent": 50,
    }


def test_symptoms_are_averaged_per_symptom_and_bucket(user):
    for day, severity in ((23, 2), (24, 5), (25, 6)):
        SymptomEntry.objects.create(
            owner=user,
            symptom="tiredness",
            severity=severity,
            recorded_at=datetime(2026, 11, day, 20, tzinfo=LONDON),
        )
    SymptomEntry.objects.create(
        owner=user,
        symptom="back_pain",
        severity=3,
        recorded_at=datetime(2026, 11, 25, tzinfo=LONDON),
    )

    week = ok(user, **{"from": "2026-11-23", "to": "2026-11-29", "bucket": "week"})["series"][0]

    assert week["symptoms"] == {
        "back_pain": {"entries": 1, "mean_severity": 3, "max_severity": 3},
        "tiredness": {"entries": 3, "mean_severity": 4.33, "max_severity": 6},
    }


def test_lab_values_come_in_the_canonical_unit_with_the_labs_range(user):
    LabResult.objects.create(
        owner=user,
        test="serum_b12",
        value=Decimal(300),
        unit="pg/mL",
        reference_low=Decimal(200),
        reference_high=Decimal(900),
        sampled_at=datetime(2026, 11, 20, 9, tzinfo=LONDON),
        canonical_value=Decimal("221.34"),
        canonical_unit="pmol/L",
    )
    Injection.objects.create(
        owner=user, given_at=datetime(2026, 11, 10, 9, tzinfo=LONDON), dose_ug=1000
    )

    labs = ok(user)["labs"]

    assert labs["serum_b12"]["canonical_unit"] == "pmol/L"
    point = labs["serum_b12"]["points"][0]
    assert point["canonical_value"] == 221.34
    assert point["reference_low"] == pytest.approx(147.56)  # 200 pg/mL × 0.7378
    assert point["reference_high"] == pytest.approx(664.02)
    assert point["drawn_after_injection"] is True


def test_injections_show_how_they_kept_to_the_plan(user):
    plan = InjectionPlan.objects.create(
        owner=user, product="Hydroxo", dose_ug=1000, route="im", maintenance_interval_days=28
    )
    for month, day in ((9, 1), (9, 27), (10, 28)):
        given_at = datetime(2026, month, day, 10, tzinfo=LONDON)
        Injection.objects.create(owner=user, plan=plan, given_at=given_at, dose_ug=1000)

    body = ok(user, **{"from": "2026-09-01", "to": "2026-12-01", "bucket": "month"})

    assert [(e["given_at"][:10], e["due_on"], e["days_late"]) for e in body["injections"]] == [
        ("2026-09-01", None, None),
        ("2026-09-27", "2026-09-29", -2),
        ("2026-10-28", "2026-10-25", 3),
    ]
    assert [m["injections"] for m in body["series"]] == [2, 1, 0, 0]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"bucket": "year"}, "bucket"),
        ({"from": "2026-12-02", "to": "2026-12-01"}, "from"),
        ({"from": "2020-01-01", "to": "2026-12-01"}, "from"),
        ({"from": "yesterday"}, "from"),
        ({"to": "2026-13-01"}, "to"),
    ],
)
def test_bad_parameters_are_a_400_naming_the_field(user, params, field):
    response = get(user, **params)

    assert response.status_code == 400
    assert field in response.json()


def test_another_persons_logs_never_reach_trends(user, other_user):
    add_history(other_user, days=10, end=NOW)

    body = ok(user)

    assert body["totals"]["intake_ug"] == 0
    assert body["injections"] == [] and body["labs"] == {}


def test_trends_need_a_signed_in_person(api_client):
    assert api_client.get(URL).status_code == 401


# auth (1) + intake by meal (1) + doses (1) + adherence (1) + symptoms (1) + plans (1) +
# injections (1) + labs (1)
TRENDS_QUERIES = 7


@pytest.mark.parametrize("days", [1, 730])
def test_trends_cost_the_same_queries_for_one_day_and_two_years(days, django_assert_num_queries):
    person = make_user(timezone="Europe/London")
    add_history(person, days=days, end=NOW)
    first = (NOW - timedelta(days=729)).date().isoformat()

    with time_machine.travel(NOW, tick=False):
        client = client_for(person)
        with django_assert_num_queries(TRENDS_QUERIES):
            body = client.get(URL, {"from": first, "bucket": "month"}).json()

    assert body["totals"]["injections"] == len(range(0, days, 56))
