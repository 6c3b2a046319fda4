"""Issue 5's "done when", as a new user would try it: two years of seeded history, then the
dashboard, trends, the clinician PDF and the FHIR export."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from fhir.resources.R4B.bundle import Bundle

from tests.conftest import client_for
from tracker.models import User

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
pytestmark = pytest.mark.django_db


def seeded(email: str, days: int) -> User:
    with time_machine.travel(NOW, tick=False):
        call_command("seed_demo", email=email, days=days, password="demo-password-1234")
    return User.objects.get(email=email)


def dashboard_queries(person: User) -> tuple[int, dict]:
    with time_machine.travel(NOW, tick=False):
        client = client_for(person)
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/api/v1/dashboard/")
    assert response.status_code == 200
    return len(queries), response.json()


def test_two_years_of_seeded_history_through_every_insight():
    veteran = seeded("veteran@example.org", 730)
    newcomer = seeded("newcomer@example.org", 7)

    veteran_queries, dashboard = dashboard_queries(veteran)
    newcomer_queries, _ = dashboard_queries(newcomer)

    assert veteran_queries == newcomer_queries
    assert dashboard["today"]["intake_ug"] > 0
    assert dashboard["next_injection"]["next_due"] is not None

    with time_machine.travel(NOW, tick=False):
        client = client_for(veteran)
        first = (NOW - timedelta(days=729)).date().isoformat()
        trends = client.get("/api/v1/trends/", {"from": first, "bucket": "month"})
        fhir = client.get("/api/v1/me/export/", {"format": "fhir"})

    assert trends.status_code == 200
    months = trends.json()["series"]
    assert len(months) == 25  # December 2024 (from the 2nd) to December 2026
    assert all(m["intake_ug"] > 0 for m in months)
    assert trends.json()["totals"]["injections"] >= 12
    assert set(trends.json()["labs"]) >= {"serum_b12"}
    assert fhir.status_code == 200
    bundle = Bundle.model_validate_json(fhir.content)
    kinds = {entry.resource.__resource_type__ for entry in bundle.entry or []}  # type: ignore[union-attr]
    assert kinds >= {"Patient", "MedicationStatement", "MedicationAdministration", "Observation"}
