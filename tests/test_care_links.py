"""Caregiver links: invite by email, accept once, revoke or leave (DESIGN invariants 1 and 8),
through the API and the web pages."""

import hashlib
import re
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest
import time_machine
from django.test import Client

from tests.conftest import client_for
from tests.factories import make_user
from tracker.models import CareLink
from tracker.queries.care import active_links
from tracker.services import care

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
INVITATIONS = "/api/v1/care/invitations/"
ACCEPT = "/api/v1/care/invitations/accept/"
LINKS = "/api/v1/care/links/"
TOKEN = re.compile(r"token=([A-Za-z0-9_-]+)")


def invite(client, capture, email="carer@example.org", permissions=("view_summary",), **extra):  # type: ignore[no-untyped-def]
    with capture(execute=True):
        return client.post(
            INVITATIONS, {"email": email, "permissions": list(permissions), **extra}, format="json"
        )


def token_in(message) -> str:  # type: ignore[no-untyped-def]
    match = TOKEN.search(message.body)
    assert match, message.body
    return match.group(1)


def accepted_link(patient, caregiver, capture, mailoutbox, **extra):  # type: ignore[no-untyped-def]
    invite(client_for(patient), capture, email=caregiver.email, **extra)
    response = client_for(caregiver).post(ACCEPT, {"token": token_in(mailoutbox[-1])})
    assert response.status_code == 200, response.json()
    return CareLink.objects.get(pk=response.json()["id"])


# --- invitations ---


def test_an_invitation_sends_one_email_with_a_working_link_and_stores_only_the_token_hash(
    user, django_capture_on_commit_callbacks, mailoutbox
):
    response = invite(client_for(user), django_capture_on_commit_callbacks, "Carer@Example.org")

    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "invited" and body["role"] == "patient"
    assert body["invited_email"] == "carer@example.org" and body["caregiver"] is None
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["carer@example.org"]
    token = token_in(message)
    assert token not in str(body)
    link = CareLink.objects.get()
    assert link.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(CareLink.objects.values().get())
    url = urlsplit(re.search(r"http\S+", message.body).group(0))  # type: ignore[union-attr]
    assert url.scheme == "http" and url.netloc and url.path == "/care/accept/"
    page = Client()
    page.force_login(make_user(email="carer@example.org"))
    assert user.email in page.get(f"{url.path}?{url.query}").content.decode()


def test_the_invitation_email_says_who_invited_and_what_is_shared_without_health_values(
    user, django_capture_on_commit_callbacks, mailoutbox
):
    invite(
        client_for(user),
        django_capture_on_commit_callbacks,
        permissions=["view_summary", "missed_dose_alerts"],
    )

    message = mailoutbox[0]
    html = message.alternatives[0][0]
    for text in (message.body, html, message.subject):
        assert user.email in text
    for text in (message.body, html):
        assert "read-only summary" in text and "dose is missed" in text
        assert "µg" not in text and "pg/mL" not in text


def test_no_email_is_sent_before_the_invitation_is_committed(
    user, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client_for(user).post(
            INVITATIONS, {"email": "c@example.org", "permissions": ["view_summary"]}
        )

    assert len(callbacks) == 1 and mailoutbox == []


def test_inviting_the_same_address_again_replaces_the_token_and_the_old_link_stops_working(
    user, django_capture_on_commit_callbacks, mailoutbox
):
    client = client_for(user)
    first = invite(client, django_capture_on_commit_callbacks).json()
    second = invite(
        client, django_capture_on_commit_callbacks, permissions=["missed_dose_alerts"]
    ).json()

    assert first["id"] == second["id"] and CareLink.objects.count() == 1
    assert second["permissions"] == ["missed_dose_alerts"]
    old, new = token_in(mailoutbox[0]), token_in(mailoutbox[1])
    assert old != new
    caregiver = client_for(make_user(email="carer@example.org"))
    assert caregiver.post(ACCEPT, {"token": old}).status_code == 400
    assert caregiver.post(ACCEPT, {"token": new}).status_code == 200


def test_inviting_yourself_is_refused_and_stores_nothing(
    user, django_capture_on_commit_callbacks, mailoutbox
):
    response = invite(client_for(user), django_capture_on_commit_callbacks, "ALICE@example.org")

    assert response.status_code == 400
    assert "email" in response.json()
    assert CareLink.objects.count() == 0 and mailoutbox == []


@pytest.mark.parametrize(
    "body",
    [
        {"email": "c@example.org", "permissions": ["read_everything"]},
        {"email": "c@example.org", "permissions": []},
        {"email": "c@example.org"},
        {"email": "not an address", "permissions": ["view_summary"]},
        {
            "email": "c@example.org",
            "permissions": ["view_summary"],
            "expires_at": "2020-01-01T00:00Z",
        },
    ],
)
def test_bad_invitations_get_field_errors_and_store_nothing(
    user, body, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(user).post(INVITATIONS, body, format="json")

    assert response.status_code == 400
    assert set(response.json()) <= {"email", "permissions", "expires_at"}
    assert CareLink.objects.count() == 0 and mailoutbox == []


def test_inviting_someone_who_already_has_an_active_link_is_refused(
    user, other_user, django_capture_on_commit_callbacks, mailoutbox
):
    accepted_link(user, other_user, django_capture_on_commit_callbacks, mailoutbox)

    response = invite(client_for(user), django_capture_on_commit_callbacks, other_user.email)

    assert response.status_code == 400 and "email" in response.json()
    assert CareLink.objects.count() == 1


# --- accepting ---


def test_accepting_with_the_emailed_token_makes_the_link_active_under_any_address(
    user, django_capture_on_commit_callbacks, mailoutbox
):
    invite(client_for(user), django_capture_on_commit_callbacks, "carer.work@example.org")
    caregiver = make_user(email="carer.home@example.org")  # another address than invited

    response = client_for(caregiver).post(ACCEPT, {"token": token_in(mailoutbox[0])})

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "active" and body["role"] == "caregiver"
    assert body["caregiver"] == "carer.home@example.org"
    assert body["invited_email"] == "carer.work@example.org"
    link = CareLink.objects.get()
    assert link.caregiver == caregiver and link.accepted_at is not None
    assert link.token_hash is None
    assert list(active_links(now=datetime.now(UTC))) == [link]


def test_a_second_accept_with_the_same_token_fails_like_an_unknown_token(
    user, other_user, django_capture_on_commit_callbacks, mailoutbox
):
    invite(client_for(user), django_capture_on_commit_callbacks)
    token = token_in(mailoutbox[0])
    assert client_for(other_user).post(ACCEPT, {"token": token}).status_code == 200

    again = client_for(make_user()).post(ACCEPT, {"token": token})
    unknown = client_for(make_user()).post(ACCEPT, {"token": "x" * 43})

    assert again.status_code == unknown.status_code == 400
    assert again.json() == unknown.json()
    assert CareLink.objects.get().caregiver == other_user


def test_an_expired_invitation_cannot_be_accepted_and_is_marked_expired(
    user, other_user, django_capture_on_commit_callbacks, mailoutbox
):
    with time_machine.travel(NOW, tick=False):
        invite(client_for(user), django_capture_on_commit_callbacks)
    token = token_in(mailoutbox[0])

    with time_machine.travel(NOW + timedelta(days=7, seconds=1), tick=False):
        response = client_for(other_user).post(ACCEPT, {"token": token})
        unknown = client_for(other_user).post(ACCEPT, {"token": "y" * 43})

    assert response.status_code == 400 and response.json() == unknown.json()
    link = CareLink.objects.get()
    assert link.status == "expired" and link.caregiver is None and link.token_hash is None


def test_an_invitation_past_its_deadline_lists_as_expired(
    user, django_capture_on_commit_callbacks, mailoutbox
):
    with time_machine.travel(NOW, tick=False):
        invite(client_for(user), django_capture_on_commit_callbacks)
    with time_machine.travel(NOW + timedelta(days=8), tick=False):
        body = client_for(user).get(LINKS).json()

    assert [row["status"] for row in body["results"]] == ["expired"]
    assert CareLink.objects.get().status == "expired"


def test_the_patient_cannot_accept_their_own_invitation(
    user, django_capture_on_commit_callbacks, mailoutbox
):
    invite(client_for(user), django_capture_on_commit_callbacks)

    response = client_for(user).post(ACCEPT, {"token": token_in(mailoutbox[0])})

    assert response.status_code == 400
    link = CareLink.objects.get()
    assert link.status == "invited" and link.token_hash  # still usable by the invited person


def test_a_caregiver_invited_again_after_a_revocation_gets_a_fresh_link(
    user, other_user, django_capture_on_commit_callbacks, mailoutbox
):
    old = accepted_link(user, other_user, django_capture_on_commit_callbacks, mailoutbox)
    client_for(user).post(f"{LINKS}{old.pk}/revoke/")

    new = accepted_link(user, other_user, django_capture_on_commit_callbacks, mailoutbox)

    assert new.pk != old.pk
    assert list(active_links(now=datetime.now(UTC))) == [new]
    old.refresh_from_db()
    assert old.status == "revoked" and old.invited_email == other_user.email


# --- the list ---


def test_the_list_shows_links_from_both_sides_with_each_persons_role(
    user, other_user, django_capture_on_commit_callbacks, mailoutbox
):
    accepted_link(user, other_user, django_capture_on_commit_callbacks, mailoutbox)
    invite(client_for(user), django_capture_on_commit_callbacks, "pending@example.org")
    make_user(email="stranger@example.org")
    stranger = CareLink.objects.create(
        patient=make_user(), caregiver=make_user(), status="active", permissions=["view_summary"]
    )

    as_patient = client_for(user).get(LINKS).json()["results"]
    as_caregiver = client_for(other_user).get(LINKS).json()["results"]

    assert {(row["role"], row["status"]) for row in as_patient} == {
        ("patient", "active"),
        ("patient", "invited"),
    }
    assert [(row["role"], row["patient"], row["caregiver"]) for row in as_caregiver] == [
        ("caregiver", user.email, other_user.email)
    ]
    assert set(as_caregiver[0]) == {
        "id",
        "patient",
        "caregiver",
        "invited_email",
        "role",
        "permissions",
        "status",
        "expires_at",
        "created_at",
        "accepted_at",
        "revoked_at",
    }
    assert str(stranger.pk) not in str(as_patient) + str(as_caregiver)


# --- ending a link ---


def test_revoking_by_the_patient_takes_effect_immediately_and_is_idempotent(
    user, other_user, django_capture_on_commit_callbacks, mailoutbox
):
    link = accepted_link(user, other_user, django_capture_on_commit_callbacks, mailoutbox)
    assert active_links(now=datetime.now(UTC)).filter(pk=link.pk).exists()

    first = client_for(user).post(f"{LINKS}{link.pk}/revoke/")
    link.refresh_from_db()
    revoked_at = link.revoked_at
    again = client_for(user).post(f"{LINKS}{link.pk}/revoke/")

    assert first.status_code == again.status_code == 200
    assert first.json()["status"] == "revoked" and revoked_at is not None
    link.refresh_from_db()
    assert link.status == "revoked" and link.revoked_at == revoked_at
    assert not active_links(now=datetime.now(UTC)).filter(pk=link.pk).exists()


def test_delete_by_the_patient_revokes_the_link_and_keeps_the_record(
    user, other_user, django_capture_on_commit_callbacks, mailoutbox
):
    link = accepted_link(user, other_user, django_capture_on_commit_callbacks, mailoutbox)

    response = client_for(user).delete(f"{LINKS}{link.pk}/")

    assert response.status_code == 204
    link.refresh_from_db()
    assert link.status == "revoked" and not active_links(now=datetime.now(UTC)).exists()


def test_revoking_a_pending_invitation_stops_its_token(
    user, other_user, django_capture_on_commit_callbacks, mailoutbox
):
    link_id = invite(client_for(user), django_capture_on_commit_callbacks).json()["id"]

    client_for(user).post(f"{LINKS}{link_id}/revoke/")

    response = client_for(other_user).post(ACCEPT, {"token": token_in(mailoutbox[0])})
    assert response.status_code == 400
    assert CareLink.objects.get().status == "revoked"


def test_an_unrelated_person_gets_404_and_changes_nothing(
    user, other_user, django_capture_on_commit_callbacks, mailoutbox
):
    link = accepted_link(user, other_user, django_capture_on_commit_callbacks, mailoutbox)
    stranger = client_for(make_user())

    responses = [
        stranger.get(f"{LINKS}{link.pk}/"),
        stranger.post(f"{LINKS}{link.pk}/revoke/"),
        stranger.delete(f"{LINKS}{link.pk}/"),
    ]

    assert [response.status_code for response in responses] == [404, 404, 404]
    link.refresh_from_db()
    assert link.status == "active" and link.revoked_at is None


def test_the_caregiver_may_leave_with_delete_but_not_revoke(
    user, other_user, django_capture_on_commit_callbacks, mailoutbox
):
    link = accepted_link(user, other_user, django_capture_on_commit_callbacks, mailoutbox)
    caregiver = client_for(other_user)

    assert caregiver.post(f"{LINKS}{link.pk}/revoke/").status_code == 403
    link.refresh_from_db()
    assert link.status == "active"

    assert caregiver.delete(f"{LINKS}{link.pk}/").status_code == 204
    link.refresh_from_db()
    assert link.status == "revoked" and not active_links(now=datetime.now(UTC)).exists()


def test_a_link_past_its_end_date_is_not_active_and_reads_expired(
    user, other_user, django_capture_on_commit_callbacks, mailoutbox
):
    with time_machine.travel(NOW, tick=False):
        link = accepted_link(
            user,
            other_user,
            django_capture_on_commit_callbacks,
            mailoutbox,
            expires_at=(NOW + timedelta(days=30)).isoformat(),
        )
        assert active_links(now=NOW).filter(pk=link.pk).exists()
    later = NOW + timedelta(days=31)
    with time_machine.travel(later, tick=False):
        body = client_for(other_user).get(LINKS).json()

    assert not active_links(now=later).filter(pk=link.pk).exists()
    assert body["results"][0]["status"] == "expired"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", INVITATIONS),
        ("post", ACCEPT),
        ("get", LINKS),
        ("delete", f"{LINKS}00000000-0000-0000-0000-000000000000/"),
        ("post", f"{LINKS}00000000-0000-0000-0000-000000000000/revoke/"),
    ],
)
def test_anonymous_requests_get_401(api_client, method, path):  # type: ignore[no-untyped-def]
    assert getattr(api_client, method)(path).status_code == 401


# --- web pages ---


def web_client(person) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(person)
    return client


def test_the_invite_form_sends_an_invitation(user, django_capture_on_commit_callbacks, mailoutbox):
    client = web_client(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/care/",
            {
                "email": "carer@example.org",
                "permissions": ["view_summary", "missed_dose_alerts"],
                "ends_on": "2099-06-30",
            },
        )

    assert response.status_code == 302 and response["Location"] == "/care/"
    link = CareLink.objects.get()
    assert link.permissions == ["view_summary", "missed_dose_alerts"]
    # The whole end date counts, in the patient's own zone (Europe/London, summer time).
    assert link.expires_at == datetime(2099, 6, 30, 23, 0, tzinfo=UTC)
    assert len(mailoutbox) == 1
    assert "ends on 1 July 2099, 00:00 (Europe/London time)" in mailoutbox[0].body
    page = client.get("/care/").content.decode()
    assert "Invitation sent to carer@example.org" in page
    assert "carer@example.org may look in on you" in page


@pytest.mark.parametrize(
    ("form", "field_error"),
    [
        ({"email": "bob", "permissions": ["view_summary"]}, 'id="email-errors"'),
        ({"email": "alice@example.org", "permissions": ["view_summary"]}, 'id="email-errors"'),
        ({"email": "c@example.org"}, 'id="permissions-errors"'),
        ({"email": "c@example.org", "permissions": ["everything"]}, 'id="permissions-errors"'),
        (
            {"email": "c@example.org", "permissions": ["view_summary"], "ends_on": "2001-01-01"},
            'id="ends_on-errors"',
        ),
    ],
)
def test_the_invite_form_shows_errors_next_to_the_fields_and_stores_nothing(
    user, form, field_error, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        response = web_client(user).post("/care/", form)

    assert response.status_code == 400
    page = response.content.decode()
    assert field_error in page
    assert CareLink.objects.count() == 0 and mailoutbox == []


def test_the_invite_form_shows_every_mistake_at_once(user):  # type: ignore[no-untyped-def]
    response = web_client(user).post("/care/", {"email": "bob"})

    page = response.content.decode()
    assert 'id="email-errors"' in page and "Choose at least one thing to share." in page


def test_the_care_page_lists_both_sides_with_the_right_buttons(
    user, other_user, django_capture_on_commit_callbacks, mailoutbox
):
    link = accepted_link(user, other_user, django_capture_on_commit_callbacks, mailoutbox)

    as_patient = web_client(user).get("/care/").content.decode()
    as_caregiver = web_client(other_user).get("/care/").content.decode()

    assert f"{other_user.email} may look in on you" in as_patient
    assert "Revoke access" in as_patient
    assert f"You look in on {user.email}" in as_caregiver
    assert "Leave this link" in as_caregiver and "Revoke access" not in as_caregiver
    assert f"/care/links/{link.pk}/revoke/" in as_patient


def test_the_care_pages_need_a_sign_in(client):  # type: ignore[no-untyped-def]
    response = client.get("/care/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_accept_page_asks_a_visitor_to_sign_in_first_and_come_back(
    user, client, django_capture_on_commit_callbacks, mailoutbox
):
    invite(client_for(user), django_capture_on_commit_callbacks)
    token = token_in(mailoutbox[0])

    response = client.get(f"/care/accept/?token={token}")

    page = response.content.decode()
    assert response.status_code == 200
    assert response["Referrer-Policy"] == "no-referrer"
    assert f"/accounts/login/?next=%2Fcare%2Faccept%2F%3Ftoken%3D{token}" in page
    assert "You need an account" in page and "/api/docs/" in page
    assert user.email not in page  # who invited is shown only after signing in
    posted = client.post("/care/accept/", {"token": token})
    assert posted.status_code == 302 and posted["Location"].startswith("/accounts/login/")
    assert CareLink.objects.get().status == "invited"


def test_the_accept_page_shows_the_invitation_and_accepting_activates_it(
    user, other_user, django_capture_on_commit_callbacks, mailoutbox
):
    invite(
        client_for(user),
        django_capture_on_commit_callbacks,
        permissions=["view_summary", "missed_dose_alerts"],
    )
    token = token_in(mailoutbox[0])
    client = web_client(other_user)

    page = client.get(f"/care/accept/?token={token}").content.decode()
    response = client.post("/care/accept/", {"token": token})

    assert f"{user.email}</strong> invited you" in page
    assert "read-only summary" in page and "dose is missed" in page
    assert response.status_code == 302 and response["Location"] == "/care/"
    link = CareLink.objects.get()
    assert link.status == "active" and link.caregiver == other_user
    again = client.post("/care/accept/", {"token": token})
    assert again.status_code == 400 and "does not work" in again.content.decode()


def test_the_accept_page_with_an_unknown_token_says_it_does_not_work(other_user):
    response = web_client(other_user).get("/care/accept/?token=nope")

    assert "does not work" in response.content.decode()
    assert "Accept the invitation" not in response.content.decode()


def test_the_revoke_page_asks_for_confirmation_then_revokes_on_post(
    user, other_user, django_capture_on_commit_callbacks, mailoutbox
):
    link = accepted_link(user, other_user, django_capture_on_commit_callbacks, mailoutbox)
    client = web_client(user)

    confirm = client.get(f"/care/links/{link.pk}/revoke/")
    link.refresh_from_db()
    assert confirm.status_code == 200 and "Yes, revoke" in confirm.content.decode()
    assert link.status == "active"  # asking changes nothing

    response = client.post(f"/care/links/{link.pk}/revoke/")

    assert response.status_code == 302
    link.refresh_from_db()
    assert link.status == "revoked"
    assert not active_links(now=datetime.now(UTC)).exists()


def test_the_caregiver_leaves_through_the_same_page(
    user, other_user, django_capture_on_commit_callbacks, mailoutbox
):
    link = accepted_link(user, other_user, django_capture_on_commit_callbacks, mailoutbox)

    web_client(other_user).post(f"/care/links/{link.pk}/revoke/")

    link.refresh_from_db()
    assert link.status == "revoked"


def test_another_persons_link_is_404_on_the_web_and_unchanged(
    user, other_user, django_capture_on_commit_callbacks, mailoutbox
):
    link = accepted_link(user, other_user, django_capture_on_commit_callbacks, mailoutbox)
    stranger = web_client(make_user())

    assert stranger.get(f"/care/links/{link.pk}/revoke/").status_code == 404
    assert stranger.post(f"/care/links/{link.pk}/revoke/").status_code == 404
    link.refresh_from_db()
    assert link.status == "active"


def test_the_web_forms_need_the_csrf_token(user):  # type: ignore[no-untyped-def]
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)

    response = client.post("/care/", {"email": "c@example.org", "permissions": ["view_summary"]})

    assert response.status_code == 403 and CareLink.objects.count() == 0


def test_a_failing_mail_server_keeps_the_invitation_and_logs_neither_address_nor_token(
    user, django_capture_on_commit_callbacks, settings, caplog
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 1

    response = invite(client_for(user), django_capture_on_commit_callbacks)

    assert response.status_code == 201 and CareLink.objects.count() == 1
    assert "care invitation email" in caplog.text and "carer@example.org" not in caplog.text


def test_the_service_returns_the_token_only_to_its_caller(user):  # type: ignore[no-untyped-def]
    link, token = care.invite_caregiver(
        patient=user,
        email="c@example.org",
        permissions=["view_summary", "view_summary"],
        expires_at=None,
        now=datetime.now(UTC),
    )

    assert link.permissions == ["view_summary"]
    assert len(token) >= 43 and link.token_hash == care.hash_token(token)
