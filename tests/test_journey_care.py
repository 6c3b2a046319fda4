"""The caregiver issue's "done when", as people would go through it: a patient invites a
caregiver by email, the caregiver accepts and reads that one patient's summary in the caregiver
admin and through the API, the patient sees the reads in their access log, revokes, and the
caregiver's next request is refused."""

import re
from datetime import UTC, datetime

import pytest
from django.test import Client

from tests.conftest import client_for
from tests.factories import PASSWORD, make_user
from tests.history import add_history

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
pytestmark = pytest.mark.django_db


def test_invite_accept_read_see_the_log_revoke_and_be_refused(
    django_capture_on_commit_callbacks, mailoutbox
):
    patient = make_user(email="margaret@example.org", timezone="Europe/London")
    add_history(patient, days=30, end=NOW)
    daughter = make_user(email="daughter@example.org")
    stranger = make_user(email="someone@example.org")
    add_history(stranger, days=3, end=NOW)

    with django_capture_on_commit_callbacks(execute=True):
        invited = client_for(patient).post(
            "/api/v1/care/invitations/",
            {"email": "daughter@example.org", "permissions": ["view_summary"]},
            format="json",
        )
    assert invited.status_code == 201, invited.content
    [email] = mailoutbox
    token = re.search(r"token=([A-Za-z0-9_-]+)", email.body).group(1)  # type: ignore[union-attr]

    accepted = client_for(daughter).post(
        "/api/v1/care/invitations/accept/", {"token": token}, format="json"
    )
    assert accepted.status_code == 200, accepted.content

    browser = Client()
    signed_in = browser.post(
        "/care-admin/login/", {"username": "daughter@example.org", "password": PASSWORD}
    )
    assert signed_in.status_code == 302
    listing = browser.get("/care-admin/tracker/user/")
    assert listing.status_code == 200
    assert b"margaret@example.org" in listing.content
    assert b"someone@example.org" not in listing.content
    page = browser.get(f"/care-admin/tracker/user/{patient.pk}/change/")
    assert page.status_code == 200 and b"<svg" in page.content
    api = client_for(daughter).get(f"/api/v1/care/patients/{patient.pk}/summary/")
    assert api.status_code == 200
    assert (
        client_for(daughter).get(f"/api/v1/care/patients/{stranger.pk}/summary/").status_code == 404
    )

    log = client_for(patient).get("/api/v1/care/access-log/").json()["results"]
    assert {row["actor"] for row in log} == {"daughter@example.org"}
    assert {row["channel"] for row in log} >= {"caregiver_admin", "api"}

    link_id = accepted.json()["id"]
    revoked = client_for(patient).post(f"/api/v1/care/links/{link_id}/revoke/")
    assert revoked.status_code == 200

    assert (
        client_for(daughter).get(f"/api/v1/care/patients/{patient.pk}/summary/").status_code == 404
    )
    after = browser.get(f"/care-admin/tracker/user/{patient.pk}/change/")
    assert after.status_code == 302 and b"margaret" not in after.content
