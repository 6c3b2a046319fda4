from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine

from tests.conftest import client_for
from tests.factories import make_user
from tracker.models import Injection, InjectionPlan

PLANS = "/api/v1/injection-plans/"
INJECTIONS = "/api/v1/injections/"
pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)


@pytest.fixture
def person():  # type: ignore[no-untyped-def]
    return make_user(timezone="Europe/London")


def create_plan(client, **fields):  # type: ignore[no-untyped-def]
    body = {
        "product": "Hydroxocobalamin 1 mg/1 mL",
        "dose": "1",
        "dose_unit": "mg",
        "route": "im",
        "maintenance_interval_days": 90,
    }
    body.update(fields)
    response = client.post(PLANS, body, format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def test_a_dose_in_mg_is_stored_in_micrograms_and_shown_as_entered(person):
    with time_machine.travel(NOW, tick=False):
        plan = create_plan(client_for(person))
    assert plan["dose_ug"] == 1000.0
    assert plan["dose"] == 1.0
    assert plan["dose_unit"] == "mg"
    assert InjectionPlan.objects.get(id=plan["id"]).dose_ug == 1000


def test_a_new_plan_without_injections_has_no_due_date_yet(person):
    with time_machine.travel(NOW, tick=False):
        plan = create_plan(client_for(person))
    assert (plan["next_due"], plan["overdue_days"], plan["phase"]) == (None, 0, "not_started")


def test_next_due_counts_from_the_last_injection_given(person):
    with time_machine.travel(NOW, tick=False):
        client = client_for(person)
        plan = create_plan(client)
        for days_ago in (200, 100, 10):
            given = (NOW - timedelta(days=days_ago)).isoformat()
            response = client.post(INJECTIONS, {"plan": plan["id"], "given_at": given})
            assert response.status_code == 201, response.json()

        body = client.get(f"{PLANS}{plan['id']}/").json()

    assert body["next_due"] == (date(2026, 11, 12) + timedelta(days=90)).isoformat()
    assert body["overdue_days"] == 0
    assert body["phase"] == "maintenance"


def test_overdue_days_in_the_persons_calendar(person):
    with time_machine.travel(NOW, tick=False):
        client = client_for(person)
        plan = create_plan(client, maintenance_interval_days=28)
        given = (NOW - timedelta(days=33)).isoformat()
        client.post(INJECTIONS, {"plan": plan["id"], "given_at": given})

        listed = client.get(PLANS).json()["results"][0]

    assert listed["overdue_days"] == 5


def test_an_injection_takes_the_plans_dose_unless_given(person):
    with time_machine.travel(NOW, tick=False):
        client = client_for(person)
        plan = create_plan(client)
        default = client.post(INJECTIONS, {"plan": plan["id"], "given_at": NOW.isoformat()})
        explicit = client.post(
            INJECTIONS, {"plan": plan["id"], "given_at": NOW.isoformat(), "dose_ug": "500"}
        )
    assert default.json()["dose_ug"] == 1000.0
    assert explicit.json()["dose_ug"] == 500.0


def test_deleted_injections_do_not_count_toward_the_schedule(person):
    with time_machine.travel(NOW, tick=False):
        client = client_for(person)
        plan = create_plan(client)
        early = client.post(
            INJECTIONS, {"plan": plan["id"], "given_at": (NOW - timedelta(days=50)).isoformat()}
        ).json()
        late = client.post(
            INJECTIONS, {"plan": plan["id"], "given_at": (NOW - timedelta(days=5)).isoformat()}
        ).json()
        client.delete(f"{INJECTIONS}{late['id']}/")

        body = client.get(f"{PLANS}{plan['id']}/").json()

    assert early["id"]
    assert body["next_due"] == (date(2026, 10, 3) + timedelta(days=90)).isoformat()


def test_a_plan_with_injections_cannot_be_hard_deleted_only_soft(person):
    with time_machine.travel(NOW, tick=False):
        client = client_for(person)
        plan = create_plan(client)
        client.post(INJECTIONS, {"plan": plan["id"], "given_at": NOW.isoformat()})
        assert client.delete(f"{PLANS}{plan['id']}/").status_code == 204
    assert InjectionPlan.objects.get(id=plan["id"]).deleted_at is not None
    assert Injection.objects.count() == 1


def test_loading_phase_then_maintenance(person):
    with time_machine.travel(NOW, tick=False):
        client = client_for(person)
        plan = create_plan(
            client, loading_doses=3, loading_interval_days=2, start_date="2026-11-10"
        )
        for day in (10, 12):
            given = datetime(2026, 11, day, 9, tzinfo=UTC).isoformat()
            client.post(INJECTIONS, {"plan": plan["id"], "given_at": given})
        loading = client.get(f"{PLANS}{plan['id']}/").json()
        client.post(
            INJECTIONS,
            {"plan": plan["id"], "given_at": datetime(2026, 11, 14, 9, tzinfo=UTC).isoformat()},
        )
        maintenance = client.get(f"{PLANS}{plan['id']}/").json()

    assert (loading["phase"], loading["next_due"]) == ("loading", "2026-11-14")
    assert loading["overdue_days"] == 8
    assert (maintenance["phase"], maintenance["next_due"]) == ("maintenance", "2027-02-12")
