"""Generic error answers (DEBUG off, as in production): plain pages with a link home on the
web, DRF's JSON shape under /api/, no stack and nothing of the request on either; a crash logs
its traceback, and the request body stays out of the log."""

import json
import logging
from typing import Any

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from tests.conftest import client_for
from tests.factories import make_user
from tracker.logging import JsonFormatter
from tracker.services import care, diary

pytestmark = pytest.mark.django_db

NOTE = "private-diary-note-4c2e about my feet"
INVITEE = "not-logged-invitee@example.org"


def _fail(**kwargs: Any) -> Any:
    raise RuntimeError("storage is unavailable")


def test_debug_is_off_here_as_in_production():
    assert settings.DEBUG is False


# --- 404 ---


def test_an_unknown_page_is_the_plain_404_page(client):
    response = client.get("/no-such-page/?secret=42")

    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html
    assert 'href="/"' in html
    assert "no-such-page" not in html and "secret" not in html
    assert "Traceback" not in html and "urlpatterns" not in html


def test_an_unknown_api_path_is_json(auth_client):
    response = auth_client.get("/api/v1/no-such-thing/")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found."}


def test_someone_elses_record_is_drfs_404_in_json(auth_client, other_user):
    entry = diary.record_symptom(
        user=other_user, symptom="tiredness", severity=3, recorded_at=timezone.now()
    )
    response = auth_client.get(f"/api/v1/symptom-entries/{entry.pk}/")

    assert response.status_code == 404
    assert set(response.json()) == {"detail"}
    assert "tiredness" not in response.content.decode()


# --- 500 ---


def test_a_crash_on_the_web_is_the_plain_500_page_and_the_log_has_the_traceback_only(
    user, monkeypatch, caplog
):
    monkeypatch.setattr(care, "invite_caregiver", _fail)
    client = Client(raise_request_exception=False)
    client.force_login(user)
    caplog.set_level(logging.DEBUG)

    response = client.post("/care/", {"email": INVITEE, "permissions": ["view_summary"]})

    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong" in html and 'href="/"' in html
    assert "Traceback" not in html and "RuntimeError" not in html and INVITEE not in html
    assert user.email not in html
    crash = next(r for r in caplog.records if r.name == "django.request" and r.levelno >= 40)
    written = json.loads(JsonFormatter().format(crash))
    assert "RuntimeError: storage is unavailable" in written["exc"]
    assert written["status"] == 500 and written["path"] == "/care/"
    for record in caplog.records:
        assert INVITEE not in JsonFormatter().format(record)
        assert user.email not in JsonFormatter().format(record)


def test_a_crash_in_the_api_is_json_and_the_log_keeps_the_body_out(user, monkeypatch, caplog):
    monkeypatch.setattr(diary, "record_symptom", _fail)
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(user)
    caplog.set_level(logging.DEBUG)

    response = client.post(
        "/api/v1/symptom-entries/",
        {
            "symptom": "numbness",
            "severity": 8,
            "recorded_at": timezone.now().isoformat(),
            "note": NOTE,
        },  # fmt: skip
    )

    assert response.status_code == 500
    assert response.json() == {"detail": "A server error occurred."}
    lines = [JsonFormatter().format(record) for record in caplog.records]
    assert any("RuntimeError: storage is unavailable" in line for line in lines)
    assert not [line for line in lines if NOTE in line or "numbness" in line]


def test_the_500_page_renders_with_nothing_at_all():
    html = render_to_string("500.html")
    assert "Something went wrong" in html and "/static/web/site.css" in html


# --- 400 and 403 ---


def test_a_bad_host_is_the_plain_400_page_or_json_under_the_api():
    client = Client(raise_request_exception=False)

    page = client.get("/learn/", HTTP_HOST="attacker.example")
    api = client.get("/api/v1/meta/", HTTP_HOST="attacker.example")

    assert page.status_code == 400
    assert "This request could not be handled" in page.content.decode()
    assert "attacker" not in page.content.decode()
    assert api.status_code == 400
    assert api.json() == {
        "detail": "The request was malformed or too large, and nothing was saved."
    }


def test_a_staff_page_without_the_permission_is_the_plain_403_page():
    staff = make_user(email="new.staff@example.org", is_staff=True)  # no permissions yet
    client = Client()
    client.force_login(staff)

    response = client.get("/admin/tracker/symptomentry/")

    assert response.status_code == 403
    html = response.content.decode()
    assert "Not allowed" in html and 'href="/"' in html


def test_a_403_under_the_api_from_django_is_json():
    from django.core.exceptions import PermissionDenied
    from django.test import RequestFactory

    from tracker.errors import permission_denied

    response = permission_denied(RequestFactory().get("/api/v1/x/"), PermissionDenied())
    assert response.status_code == 403
    assert json.loads(response.content) == {
        "detail": "You do not have permission to perform this action."
    }


def test_drf_keeps_its_own_error_bodies(user):
    response = client_for(user).post("/api/v1/symptom-entries/", {"severity": 99})

    assert response.status_code == 400
    assert "severity" in response.json()
