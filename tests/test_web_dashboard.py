from datetime import UTC, datetime

import pytest
import time_machine
from django.test import Client

from tests.factories import make_user
from tests.history import add_history
from tracker.models import Alert, SymptomEntry

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
pytestmark = pytest.mark.django_db


def page_for(person, django_assert_num_queries=None, queries=None):  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(person)
    with time_machine.travel(NOW, tick=False):
        if django_assert_num_queries is None:
            return client.get("/dashboard/")
        with django_assert_num_queries(queries):
            return client.get("/dashboard/")


def test_the_dashboard_page_shows_today_the_charts_alerts_and_the_disclaimer():
    person = make_user(timezone="Europe/London")
    add_history(person, days=40, end=NOW)
    entry = SymptomEntry.objects.create(
        owner=person, symptom="numbness", severity=9, recorded_at=NOW
    )
    Alert.objects.create(
        owner=person, symptom_entry=entry, rule="severe_nerve_symptom", level="urgent"
    )

    response = page_for(person)

    text = response.content.decode()
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "53.04 µg" in text  # 4 × 0.76 µg of food + a 50 µg dose
    assert "Absorbed (estimate)" in text
    assert text.count("<svg") == 2
    assert "seek medical advice urgently" in text
    assert "does not diagnose" in text


def test_the_dashboard_page_needs_a_sign_in(client):  # type: ignore[no-untyped-def]
    response = client.get("/dashboard/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_another_persons_logs_never_reach_the_page():
    person = make_user()
    add_history(make_user(), days=3, end=NOW)

    text = page_for(person).content.decode()

    assert "0 µg" in text and "History drink" not in text


# Session, user and profile (3) + the dashboard reads (10, see test_api_dashboard) + the
# 30-day trends behind the charts (6).
PAGE_QUERIES = 19


@pytest.mark.parametrize("days", [1, 730])
def test_the_page_costs_the_same_queries_for_one_day_and_two_years(days, django_assert_num_queries):
    person = make_user(timezone="Europe/London")
    add_history(person, days=days, end=NOW)

    response = page_for(person, django_assert_num_queries, PAGE_QUERIES)

    assert response.status_code == 200


def test_times_on_the_page_are_in_the_persons_time_zone():
    from tracker.services.reminders import create_reminder

    person = make_user(timezone="America/New_York")
    create_reminder(user=person, now=NOW, kind="diary", times=["18:00"])

    text = page_for(person).content.decode()

    assert "Next reminder: Tue 18:00" in text  # 23:00 UTC


@pytest.mark.parametrize(("asked", "shown"), [("7", 7), ("30", 30), ("365", 30), ("x", 30)])
def test_the_charts_show_the_last_7_or_30_days(asked, shown):
    person = make_user(timezone="Europe/London")
    add_history(person, days=40, end=NOW)
    client = Client()
    client.force_login(person)

    with time_machine.travel(NOW, tick=False):
        response = client.get("/dashboard/", {"days": asked})

    text = response.content.decode()
    assert response.status_code == 200
    assert f"The last {shown} days" in text
    assert f'href="?days={shown}" aria-current="page"' in text
    assert text.count("<svg") == 2
    charted = response.context["month"]
    assert len(charted.buckets) == shown
    assert charted.buckets[-1].start == NOW.date()
