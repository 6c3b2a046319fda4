import pytest
from django.db.backends.sqlite3.base import DatabaseWrapper
from django.utils import timezone

from tracker.models import ServiceHeartbeat
from tracker.web.health import check_database

pytestmark = pytest.mark.django_db


def test_healthz_is_200_when_database_and_broker_answer(client):
    ServiceHeartbeat.objects.create(name="scheduler", seen_at=timezone.now())

    response = client.get("/healthz")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"] == {"database": "ok", "broker": "ok"}
    assert body["scheduler_last_seen"] is not None
    assert "no-store" in response["Cache-Control"]


def test_healthz_is_503_naming_the_broker_when_it_does_not_answer(client, settings):
    # Nothing listens on port 1: a real refused connection, not a mock.
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {}

    response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["failing"] == ["broker"]
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["broker"].startswith("error: ")


def test_database_check_names_a_database_that_cannot_be_opened(tmp_path):
    broken = DatabaseWrapper(
        {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(tmp_path / "missing-folder" / "db.sqlite3"),
            "OPTIONS": {},
            "TIME_ZONE": None,
            "CONN_MAX_AGE": 0,
            "CONN_HEALTH_CHECKS": False,
            "AUTOCOMMIT": True,
            "ATOMIC_REQUESTS": False,
        }
    )
    assert check_database(broken) == "OperationalError"
    assert check_database() is None


def test_healthz_answers_only_get(client):
    assert client.post("/healthz").status_code == 405
