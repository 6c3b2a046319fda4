"""The access log (DESIGN invariant 8): staff admin reads write it, the person sees it (API and
page), nobody edits it."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.conftest import client_for
from tests.factories import make_user
from tests.records import RESOURCES
from tracker.models import AccessLog, Delivery, Notification, Reminder, SymptomEntry
from tracker.services.audit import record_access

pytestmark = pytest.mark.django_db

SYMPTOM_URL = "/admin/tracker/symptomentry/"
API_URL = "/api/v1/care/access-log/"
PAGE_URL = "/care/access-log/"


def _symptom(person, severity: int = 7) -> SymptomEntry:  # type: ignore[no-untyped-def]
    return SymptomEntry.objects.create(
        owner=person, symptom="pins_and_needles", severity=severity, recorded_at=timezone.now()
    )


def _staff_client(*codenames: str):  # type: ignore[no-untyped-def]
    staff = make_user(email="support@example.org", is_staff=True)
    for codename in codenames:
        staff.user_permissions.add(Permission.objects.get(codename=codename))
    client = Client()
    client.force_login(staff)
    return staff, client


def _log(patient, *, at: datetime, actor=None, what: str = "summary", channel: str = "api"):  # type: ignore[no-untyped-def]
    return record_access(actor=actor, patient=patient, what=what, channel=channel, now=at)


# --- staff admin reads ---


def test_a_staff_change_view_of_someones_symptom_entry_writes_one_row_per_read(
    admin_client, admin_user, user
):
    entry = _symptom(user)

    assert admin_client.get(f"{SYMPTOM_URL}{entry.pk}/change/").status_code == 200
    row = AccessLog.objects.get()
    assert (row.actor, row.actor_label, row.patient) == (admin_user, admin_user.email, user)
    assert (row.what, row.channel) == ("symptom entry", "staff_admin")

    assert admin_client.get(f"{SYMPTOM_URL}{entry.pk}/change/").status_code == 200
    assert AccessLog.objects.filter(patient=user).count() == 2


@pytest.mark.parametrize("name", list(RESOURCES))
def test_every_record_change_view_names_the_kind_of_record_read(admin_client, user, name):
    spec = RESOURCES[name]
    row = spec.row(user, timezone.now() - timedelta(hours=1))
    url = f"/admin/tracker/{spec.model._meta.model_name}/{row.pk}/change/"

    assert admin_client.get(url).status_code == 200
    logged = AccessLog.objects.filter(patient=user, what=spec.model._meta.verbose_name)
    assert logged.count() == 1


def test_a_delivery_change_view_is_logged_against_the_notifications_owner(admin_client, user):
    reminder = Reminder.objects.create(owner=user, kind="diary", times=["08:00"])
    notification = Notification.objects.create(
        owner=user, reminder=reminder, kind="diary", occurrence=timezone.now(), title="Reminder"
    )
    delivery = Delivery.objects.create(
        notification=notification, channel="email", next_attempt_at=timezone.now()
    )

    assert admin_client.get(f"/admin/tracker/delivery/{delivery.pk}/change/").status_code == 200
    assert list(AccessLog.objects.values_list("patient", "what")) == [(user.pk, "delivery")]


def test_a_staff_member_reading_their_own_record_writes_no_row(admin_client, admin_user):
    entry = _symptom(admin_user)

    assert admin_client.get(f"{SYMPTOM_URL}{entry.pk}/change/").status_code == 200
    assert admin_client.get(SYMPTOM_URL).status_code == 200
    assert not AccessLog.objects.exists()


def test_refused_and_missing_change_views_write_no_row(admin_client, user):
    entry = _symptom(user)
    _, no_permission = _staff_client()  # staff, but may not view symptom entries

    assert no_permission.get(f"{SYMPTOM_URL}{entry.pk}/change/").status_code == 403
    # The admin answers a missing or malformed id with a redirect to its index.
    assert admin_client.get(f"{SYMPTOM_URL}{uuid.uuid4()}/change/").status_code == 302
    assert admin_client.get(f"{SYMPTOM_URL}not-an-id/change/").status_code == 302
    # Writes are refused on a read-only record.
    assert admin_client.post(f"{SYMPTOM_URL}{entry.pk}/change/", {}).status_code == 403
    assert admin_client.post(f"{SYMPTOM_URL}{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    assert not AccessLog.objects.exists()


def test_a_changelist_writes_no_row(admin_client, user, other_user):
    # Documented in tracker/admin/records.py: change views are audited, lists not yet.
    _symptom(user)
    _symptom(other_user)

    assert admin_client.get(SYMPTOM_URL).status_code == 200
    assert admin_client.get(SYMPTOM_URL, {"q": "alice@"}).status_code == 200
    assert not AccessLog.objects.exists()


def test_a_row_holds_no_health_value_from_the_record_read(admin_client, user):
    entry = SymptomEntry.objects.create(
        owner=user,
        symptom="pins_and_needles",
        severity=9,
        note="feet 42",
        recorded_at=timezone.now(),
    )

    admin_client.get(f"{SYMPTOM_URL}{entry.pk}/change/")

    row = AccessLog.objects.get()
    assert row.what == "symptom entry"
    for text in (row.what, row.actor_label):
        assert "9" not in text and "pins" not in text and "42" not in text


# --- the AccessLog admin ---


def test_the_access_log_admin_lists_and_searches_by_reader_or_patient(admin_client, user):
    reader = make_user(email="carer@example.org")
    _log(user, at=timezone.now(), actor=reader)
    _log(make_user(email="zed@example.org"), at=timezone.now(), actor=make_user())

    by_reader = admin_client.get("/admin/tracker/accesslog/", {"q": "carer@"})
    by_patient = admin_client.get("/admin/tracker/accesslog/", {"q": "alice@"})

    assert by_reader.status_code == by_patient.status_code == 200
    assert b"carer@example.org" in by_reader.content and b"zed@" not in by_reader.content
    assert b"alice@example.org" in by_patient.content and b"zed@" not in by_patient.content


def test_the_access_log_admin_refuses_add_change_and_delete(admin_client, user):
    row = _log(user, at=timezone.now(), actor=make_user(email="carer@example.org"))
    base = "/admin/tracker/accesslog/"

    assert admin_client.get(f"{base}add/").status_code == 403
    assert admin_client.post(f"{base}add/", {"what": "x"}).status_code == 403
    detail = admin_client.get(f"{base}{row.pk}/change/")
    assert detail.status_code == 200
    assert b'name="_save"' not in detail.content and b"carer@example.org" in detail.content
    assert admin_client.post(f"{base}{row.pk}/change/", {"what": "edited"}).status_code == 403
    assert admin_client.post(f"{base}{row.pk}/delete/", {"post": "yes"}).status_code == 403
    row.refresh_from_db()
    assert row.what == "summary"


def test_the_access_log_admin_has_no_delete_action(admin_client, user):
    row = _log(user, at=timezone.now())
    page = admin_client.get("/admin/tracker/accesslog/")

    assert b"delete_selected" not in page.content
    response = admin_client.post(
        "/admin/tracker/accesslog/",
        {"action": "delete_selected", "_selected_action": [str(row.pk)], "post": "yes"},
    )
    assert response.status_code in (200, 302, 403)
    assert AccessLog.objects.filter(pk=row.pk).exists()


def _queries_for(client, url: str) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_the_access_log_admin_list_costs_the_same_at_two_sizes(admin_client):
    people = [make_user() for _ in range(3)]
    now = timezone.now()
    for person in people:
        _log(person, at=now, actor=people[0])
    small = _queries_for(admin_client, "/admin/tracker/accesslog/")

    for person in people:
        for minutes in range(1, 40):
            _log(person, at=now - timedelta(minutes=minutes), actor=people[1])
    large = _queries_for(admin_client, "/admin/tracker/accesslog/")

    assert small == large


# --- the API ---


def test_the_api_lists_only_your_rows_newest_first(auth_client, user, other_user):
    reader = make_user(email="carer@example.org")
    older = _log(user, at=timezone.now() - timedelta(days=2), actor=reader, what="summary")
    newer = _log(
        user, at=timezone.now() - timedelta(hours=1), actor=reader, what="symptom entry",
        channel="staff_admin",
    )  # fmt: skip
    _log(other_user, at=timezone.now(), actor=reader)

    response = auth_client.get(API_URL)

    assert response.status_code == 200
    results = response.json()["results"]
    assert [row["id"] for row in results] == [str(newer.pk), str(older.pk)]
    assert results[0] == {
        "id": str(newer.pk),
        "at": results[0]["at"],
        "actor": "carer@example.org",
        "what": "symptom entry",
        "channel": "staff_admin",
    }
    assert set(response.json()) >= {"next", "previous", "results"}


def test_the_api_pages_with_a_cursor(auth_client, user):
    reader = make_user()
    now = timezone.now()
    for minutes in range(5):
        _log(user, at=now - timedelta(minutes=minutes), actor=reader)

    first = auth_client.get(API_URL, {"page_size": 3}).json()
    second = auth_client.get(first["next"]).json()

    assert len(first["results"]) == 3 and len(second["results"]) == 2
    ids = [row["id"] for row in first["results"] + second["results"]]
    assert len(set(ids)) == 5


def test_another_person_never_sees_your_rows(user, other_user):
    _log(user, at=timezone.now(), actor=make_user())

    response = client_for(other_user).get(API_URL)

    assert response.status_code == 200 and response.json()["results"] == []


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_the_api_refuses_writes(auth_client, user, method):
    row = _log(user, at=timezone.now())

    response = getattr(auth_client, method)(API_URL, {"what": "nothing"}, format="json")

    assert response.status_code == 405
    assert list(AccessLog.objects.values_list("pk", flat=True)) == [row.pk]


def test_the_api_answers_401_without_credentials(api_client):
    assert api_client.get(API_URL).status_code == 401


def test_the_api_list_costs_the_same_at_two_sizes(auth_client, user):
    reader = make_user()
    _log(user, at=timezone.now(), actor=reader)
    with CaptureQueriesContext(connection) as small:
        assert auth_client.get(API_URL).status_code == 200
    for minutes in range(1, 80):
        _log(user, at=timezone.now() - timedelta(minutes=minutes), actor=reader)
    with CaptureQueriesContext(connection) as large:
        assert auth_client.get(API_URL).status_code == 200

    assert len(small) == len(large)


# --- the page ---


def test_the_page_shows_your_rows_in_your_time_zone_and_only_yours(client, other_user, user):
    # other_user lives in America/New_York: 15:30 UTC on 1 July is 11:30 there (EDT).
    at = datetime(2026, 7, 1, 15, 30, tzinfo=UTC)
    _log(other_user, at=at, actor=make_user(email="carer@example.org"), channel="caregiver_admin")
    _log(user, at=at, actor=make_user(email="someone-else@example.org"))
    client.force_login(other_user)

    response = client.get(PAGE_URL)

    assert response.status_code == 200
    body = response.content.decode()
    assert "Who looked at your data" in body
    assert "carer@example.org" in body and "someone-else@example.org" not in body
    assert "1 Jul 2026, 11:30" in body and "15:30" not in body
    assert "caregiver website" in body
    assert 'href="/care/"' in body
    assert "no-store" in response["Cache-Control"]


def test_the_page_shows_the_newest_first_fifty_to_a_page(client, user):
    reader = make_user(email="carer@example.org")
    now = timezone.now()
    _log(user, at=now - timedelta(days=30), actor=reader, what="oldest read")
    for minutes in range(50):
        _log(user, at=now - timedelta(minutes=minutes), actor=reader, what=f"read {minutes}")
    client.force_login(user)

    first = client.get(PAGE_URL).content.decode()
    second = client.get(PAGE_URL, {"page": 2}).content.decode()

    assert first.index("read 0<") < first.index("read 1<") and "oldest read" not in first
    assert "oldest read" in second and "read 0<" not in second


def test_the_page_asks_anonymous_visitors_to_sign_in(client):
    response = client.get(PAGE_URL)

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
