"""Erasing an account (DELETE /api/v1/me/, tracker.services.erasure): every row of the person
goes, found by walking the model graph of every installed app (tests/test_export.py's walk), not
by a list of models; audit rows stay, pseudonymised; nobody else's data changes; tasks queued
for the person do nothing afterwards."""

import logging
from datetime import timedelta
from typing import Any

import pytest
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.db import models
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken

from config import celery_app
from tests.factories import PASSWORD, make_user
from tests.history import add_history
from tests.test_export import add_every_row, rows_of, secret_value
from tracker import tasks
from tracker.models import (
    AccessLog,
    CareLink,
    Delivery,
    Food,
    InjectionPlan,
    Notification,
    Profile,
    Reminder,
    SupplementDose,
    SymptomEntry,
    User,
)
from tracker.services import erasure
from tracker.services import notifications as pipeline
from tracker.services.audit import record_access
from tracker.services.erasure import erase_account, pseudonym_for

pytestmark = pytest.mark.django_db

ME = "/api/v1/me/"
Rows = dict[type[models.Model], set[str]]


# --- a person with a bit of everything --------------------------------------------------


def add_full_history(person: User, *, days: int = 3) -> dict[str, Any]:
    """Records of every kind (tests/history.py and every table of the export), reminders with
    pending deliveries, care links both ways and an invitation sent, reads of someone's data as
    a caregiver, a staff member's change to the account, two web sessions (one expired), a
    group membership. Returns the people it linked the person with."""
    now = timezone.now()
    add_history(person, days=days, end=now)
    # add_history's catalogue food is shared and named after the person's id (test data only).
    Food.objects.filter(owner__isnull=True, name__contains=str(person.pk)).update(
        name="History drink"
    )
    add_every_row(person)
    patient = make_user()
    CareLink.objects.create(
        patient=patient, caregiver=person, status="active", permissions=["view_summary"]
    )
    record_access(actor=person, patient=patient, what="summary", channel="api", now=now)
    CareLink.objects.create(
        patient=person,
        invited_email=f"friend-of-{person.pk.hex[:6]}@example.net",
        status="invited",
        permissions=["view_summary"],
        token_hash=secret_value("invite"),
        invitation_expires_at=now + timedelta(days=7),
    )
    plan = InjectionPlan.objects.create(
        owner=person, product="Hydroxo", dose_ug=1000, route="im", maintenance_interval_days=90
    )
    reminder = Reminder.objects.create(
        owner=person, kind="injection", injection_plan=plan, times=["09:00"]
    )
    notification = Notification.objects.create(
        owner=person,
        reminder=reminder,
        kind="injection",
        occurrence=now - timedelta(minutes=5),
        title="Time for your reminder",
        channels=["inapp", "email", "webpush", "push"],
    )
    for channel in ("email", "webpush", "push"):
        Delivery.objects.create(
            notification=notification, channel=channel, next_attempt_at=now - timedelta(minutes=5)
        )
    staff = make_user(is_staff=True)
    LogEntry.objects.create(
        user=staff,
        content_type=ContentType.objects.get_for_model(User),
        object_id=str(person.pk),
        object_repr=person.email,
        action_flag=CHANGE,
        change_message=(
            '[{"changed": {"fields": ["Email address"]}}, {"changed": {"name": "profile", '
            f'"object": "Profile of {person.pk}", "fields": ["Time zone"]}}}}]'
        ),
    )
    for _browser in range(2):
        Client().force_login(person)
    Session.objects.filter(pk=_session_keys_of(person)[0]).update(
        expire_date=now - timedelta(days=1)
    )
    group, _created = Group.objects.get_or_create(name="Testers")
    person.groups.add(group)
    person.user_permissions.add(Permission.objects.get(codename="view_article"))
    return {"patient": patient, "staff": staff, "notification": notification}


def _session_keys_of(person: User) -> list[str]:
    return sorted(
        session.session_key
        for session in Session.objects.all()
        if session.get_decoded().get("_auth_user_id") == str(person.pk)
    )


def snapshot(person: User) -> Rows:
    """The keys of every row with a foreign-key path to the person, in every app (many-to-many
    tables too), and of axes' rows under their email."""
    return rows_of(person, include_auto_created=True)


def leftovers(before: Rows) -> dict[str, set[str]]:
    """Rows from ``before`` that still exist (audit rows are kept on purpose)."""
    left = {}
    for model, keys in before.items():
        if model is AccessLog or not keys:
            continue
        still = {
            str(pk) for pk in model._base_manager.filter(pk__in=keys).values_list("pk", flat=True)
        }
        if still:
            left[model._meta.label] = still
    return left


TEXT_FIELDS = (models.CharField, models.TextField, models.JSONField, models.UUIDField)


def mentions(email: str, user_id: Any) -> list[tuple[str, str, str]]:
    """Every cell in the whole database that holds the email or the account id (foreign keys
    included). Sessions are encoded and checked by decoding them instead."""
    needles = {email.lower(), str(user_id), user_id.hex}
    found = []
    for model in apps.get_models(include_auto_created=True):
        if model is Session:
            continue
        fields = [
            f for f in model._meta.concrete_fields if f.is_relation or isinstance(f, TEXT_FIELDS)
        ]
        names = [f.attname for f in fields]
        for pk, *values in model._base_manager.values_list("pk", *names):
            for name, value in zip(names, values, strict=True):
                text = str(value).lower()
                if any(needle in text for needle in needles):
                    found.append((model._meta.label, str(pk), name))
    return found


# --- the graph walk ----------------------------------------------------------------------


def test_erasing_leaves_no_row_of_the_person_in_any_table_and_nobody_elses_changes():
    person = make_user(email="erase.me@example.org")
    other = make_user(email="stays@example.org")
    linked = add_full_history(person)
    add_full_history(other)
    before = snapshot(person)
    others_before = snapshot(other)
    for model, keys in before.items():
        assert keys, f"give the person a {model._meta.label} row in add_full_history()"
    audit = set(AccessLog.objects.filter(pk__in=before[AccessLog]).values_list("pk", flat=True))
    person_id, email = person.pk, person.email

    result = erase_account(user=person, now=timezone.now())

    assert result is not None
    assert leftovers(before) == {}, "erase_account left rows of the person (add it there)"
    assert mentions(email, person_id) == []
    assert _session_keys_of(person) == []
    assert snapshot(other) == others_before
    assert len(_session_keys_of(other)) == 1  # the other's live session; expired ones went
    # The audit rows are all still there, pseudonymised.
    kept = AccessLog.objects.filter(pk__in=audit)
    assert set(kept.values_list("pk", flat=True)) == audit and len(audit) == 2
    for row in kept:
        assert row.actor_id != person_id and row.patient_id != person_id
        assert result.pseudonym in (row.actor_label, row.patient_label)
    # People the person was linked with keep their accounts and own data; the links are gone.
    patient = linked["patient"]
    assert User.objects.filter(pk=patient.pk).exists() and Profile.objects.filter(user=patient)
    assert not CareLink.objects.filter(patient=patient).exists()


def test_the_walk_notices_a_table_that_erase_account_does_not_handle(monkeypatch):
    # What a new table erase_account forgot looks like: its rows outlive the account (here
    # the refresh tokens and axes' records, whose step is skipped; tokens have SET_NULL).
    person = make_user()
    add_full_history(person)
    before = snapshot(person)
    monkeypatch.setattr(erasure, "_delete_credentials", lambda *args, **kwargs: None)

    erase_account(user=person, now=timezone.now())

    left = leftovers(before)
    assert "token_blacklist.OutstandingToken" in left and "axes.AccessLog" in left
    assert OutstandingToken.objects.filter(pk__in=left["token_blacklist.OutstandingToken"])


def test_audit_rows_keep_when_and_what_with_one_stable_pseudonym_and_no_email():
    person = make_user(email="reader@example.org")
    caregiver = make_user(email="carer@example.org")
    patient = make_user(email="patient@example.org")
    now = timezone.now()
    read_by_them = record_access(
        actor=caregiver, patient=person, what="summary", channel="api", now=now
    )
    read_by_me = record_access(
        actor=person, patient=patient, what="symptom entry", channel="caregiver_admin", now=now
    )

    result = erase_account(user=person, now=now)

    assert result is not None and result.pseudonym == pseudonym_for(person.pk)
    assert result.pseudonym.startswith("erased-") and len(result.pseudonym) == 23
    read_by_them.refresh_from_db()
    read_by_me.refresh_from_db()
    assert (read_by_them.patient_id, read_by_them.patient_label) == (None, result.pseudonym)
    assert read_by_them.actor_label == "carer@example.org"  # the reader still exists
    assert (read_by_me.actor_id, read_by_me.actor_label) == (None, result.pseudonym)
    assert read_by_me.patient_id == patient.pk
    assert read_by_me.what == "symptom entry" and read_by_me.channel == "caregiver_admin"
    assert read_by_me.at == now
    # The patient still sees, on "who looked at my data", that someone read it.
    assert AccessLog.objects.filter(patient=patient).count() == 1


def test_the_admin_change_log_by_the_person_goes_and_about_them_is_pseudonymised():
    person = make_user(is_staff=True)
    staff = make_user(is_staff=True)
    article_type = ContentType.objects.get_for_model(User)
    by_person = LogEntry.objects.create(
        user=person, content_type=article_type, object_id=str(staff.pk),
        object_repr=staff.email, action_flag=CHANGE, change_message="[]",
    )  # fmt: skip
    about_person = LogEntry.objects.create(
        user=staff, content_type=article_type, object_id=str(person.pk),
        object_repr=person.email, action_flag=CHANGE,
        change_message=f'[{{"changed": {{"object": "Profile of {person.pk}"}}}}]',
    )  # fmt: skip

    result = erase_account(user=person, now=timezone.now())

    assert result is not None
    assert not LogEntry.objects.filter(pk=by_person.pk).exists()
    about_person.refresh_from_db()
    assert about_person.user_id == staff.pk  # the staff member stays accountable
    assert about_person.object_id == about_person.object_repr == result.pseudonym
    assert str(person.pk) not in about_person.change_message
    assert result.pseudonym in about_person.change_message


def test_an_invitation_someone_else_sent_to_the_persons_address_stays_theirs():
    # It names a mailbox, not the account, and belongs to the person who sent it.
    person = make_user(email="invited@example.org")
    inviter = make_user()
    invitation = CareLink.objects.create(
        patient=inviter, invited_email=person.email, status="invited", permissions=["view_summary"]
    )

    erase_account(user=person, now=timezone.now())

    assert CareLink.objects.filter(pk=invitation.pk).exists()


def test_erasing_twice_does_nothing_the_second_time():
    person = make_user()
    stale = User.objects.get(pk=person.pk)  # a second request holding the same account

    assert erase_account(user=person, now=timezone.now()) is not None
    assert erase_account(user=stale, now=timezone.now()) is None


def test_the_query_count_of_an_erasure_grows_by_batches_never_by_row(
    django_assert_max_num_queries,
):
    # Rows that other tables point to (doses, symptom entries) are deleted by Django's
    # collector, which removes them 100 ids per statement; every other table is one statement.
    counts, pointed_to = [], []
    for days in (1, 400):
        person = make_user()
        add_full_history(person, days=days)
        pointed_to.append(
            SupplementDose.objects.filter(owner=person).count()
            + SymptomEntry.objects.filter(owner=person).count()
        )
        with django_assert_max_num_queries(120) as captured:
            erase_account(user=person, now=timezone.now())
        counts.append(len(captured.captured_queries))

    assert pointed_to[1] > 500
    assert counts[1] - counts[0] <= pointed_to[1] // 100 + 2


# --- queued tasks after the erasure --------------------------------------------------------


@pytest.fixture
def erased_with_queued_deliveries(mailoutbox):  # type: ignore[no-untyped-def]
    person = make_user(email="queued@example.org")
    linked = add_full_history(person)
    ids = list(
        Delivery.objects.filter(notification=linked["notification"]).values_list("pk", flat=True)
    )
    assert len(ids) == 3
    erase_account(user=person, now=timezone.now())
    return {"ids": ids, "email": "queued@example.org", "id": str(person.pk), "outbox": mailoutbox}


def _identifying(records: list[logging.LogRecord], erased: dict[str, Any]) -> list[str]:
    return [
        record.getMessage()
        for record in records
        if erased["email"] in record.getMessage() or erased["id"] in record.getMessage()
    ]


def test_a_queued_delivery_task_of_an_erased_person_does_nothing_called_directly(
    erased_with_queued_deliveries, caplog
):
    erased = erased_with_queued_deliveries
    caplog.set_level(logging.DEBUG)

    tasks.deliver_notifications(erased["ids"])
    tasks.deliver_notifications.run(erased["ids"])

    assert erased["outbox"] == []
    assert not Delivery.objects.filter(pk__in=erased["ids"]).exists()
    assert _identifying(caplog.records, erased) == []


def test_every_task_runs_through_celery_apply_without_an_exception_after_an_erasure(
    erased_with_queued_deliveries, caplog
):
    erased = erased_with_queued_deliveries
    caplog.set_level(logging.DEBUG)

    results = [
        tasks.deliver_notifications.apply(args=[erased["ids"]]),
        tasks.dispatch_reminders.apply(),
        tasks.sweep_deliveries.apply(),
        tasks.mark_missed_doses.apply(),
    ]

    for result in results:
        assert result.successful(), result.traceback
        result.get()  # raises if the task raised
    assert erased["outbox"] == []
    assert _identifying(caplog.records, erased) == []


def test_with_eager_celery_a_delayed_task_for_an_erased_person_raises_nothing(
    erased_with_queued_deliveries,
):
    erased = erased_with_queued_deliveries
    conf = celery_app.conf
    saved = (conf.task_always_eager, conf.task_eager_propagates)
    conf.task_always_eager, conf.task_eager_propagates = True, True  # no worker, no broker
    try:
        result = tasks.deliver_notifications.delay(erased["ids"])
        tasks.enqueue_deliveries(erased["ids"])
    finally:
        conf.task_always_eager, conf.task_eager_propagates = saved

    assert result.successful() and result.get() is None
    assert erased["outbox"] == []


def test_a_delivery_erased_between_its_claim_and_its_read_is_left_alone(
    monkeypatch, mailoutbox, caplog
):
    person = make_user(email="racing@example.org")
    linked = add_full_history(person)
    delivery = Delivery.objects.get(notification=linked["notification"], channel="email")
    manager = Delivery.objects
    select_related = manager.select_related

    def erase_first(*fields: str) -> Any:
        erase_account(user=person, now=timezone.now())  # another request, mid-task
        return select_related(*fields)

    monkeypatch.setattr(manager, "select_related", erase_first)
    caplog.set_level(logging.DEBUG)

    retried: list[tuple[int, float]] = []

    attempt = pipeline.deliver(
        delivery_id=delivery.pk, now=timezone.now(), retry=lambda *a: retried.append(a)
    )

    assert attempt.status == "not claimed" and retried == []
    assert mailoutbox == []
    assert not [r for r in caplog.records if "racing@example.org" in r.getMessage()]


# --- DELETE /api/v1/me/ ----------------------------------------------------------------------


def _signed_in(person: User) -> tuple[APIClient, RefreshToken]:
    refresh = RefreshToken.for_user(person)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {refresh.access_token}")
    return client, refresh


def test_delete_me_with_the_password_erases_the_account_and_answers_204(user):
    add_full_history(user)
    client, _refresh = _signed_in(user)

    response = client.delete(ME, {"password": PASSWORD}, format="json")

    assert response.status_code == 204 and response.content == b""
    assert not User.objects.filter(pk=user.pk).exists()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"password": "not-my-password-1"}, "That is not your current password."),
        ({}, "This field is required."),
        ({"password": ""}, "This field may not be blank."),
    ],
)
def test_a_wrong_or_missing_password_is_a_400_naming_the_field_and_deletes_nothing(
    user, body, message
):
    add_full_history(user)
    client, _refresh = _signed_in(user)
    before = snapshot(user)

    response = client.delete(ME, body, format="json")

    assert response.status_code == 400
    assert response.json() == {"password": [message]}
    after = snapshot(user)  # a wrong guess adds a sign-in attempt; nothing goes
    assert all(keys <= after[model] for model, keys in before.items())


@pytest.mark.parametrize("body", [["password"], {"password": 12345678901}, {"password": None}])
def test_a_body_of_the_wrong_shape_is_a_400_and_deletes_nothing(user, body):
    client, _refresh = _signed_in(user)

    response = client.delete(ME, body, format="json")

    assert response.status_code == 400
    assert User.objects.filter(pk=user.pk).exists()


def test_anonymous_delete_is_a_401(api_client, user):
    response = api_client.delete(ME, {"password": PASSWORD}, format="json")

    assert response.status_code == 401
    assert User.objects.filter(pk=user.pk).exists()


def test_the_tokens_of_an_erased_account_no_longer_work(user):
    client, refresh = _signed_in(user)
    assert client.get(ME).status_code == 200

    assert client.delete(ME, {"password": PASSWORD}, format="json").status_code == 204

    assert client.get(ME).status_code == 401
    again = APIClient().post(
        "/api/v1/auth/token/refresh/", {"refresh": str(refresh)}, format="json"
    )
    assert again.status_code == 401
    signin = APIClient().post(
        "/api/v1/auth/token/", {"email": user.email, "password": PASSWORD}, format="json"
    )
    assert signin.status_code == 401


def test_guessing_the_password_through_delete_me_hits_the_sign_in_lockout(user, settings):
    settings.AXES_FAILURE_LIMIT = 3
    client, _refresh = _signed_in(user)
    statuses = [
        client.delete(ME, {"password": f"wrong-guess-{n}"}, format="json").status_code
        for n in range(3)
    ]

    locked = client.delete(ME, {"password": PASSWORD}, format="json")

    assert statuses == [400, 400, 429]
    assert locked.status_code == 429 and locked.json()["code"] == "locked_out"
    assert User.objects.filter(pk=user.pk).exists()


def test_another_persons_account_is_never_touched_by_my_delete(user, other_user):
    add_full_history(other_user)
    client, _refresh = _signed_in(user)
    before = snapshot(other_user)

    assert client.delete(ME, {"password": PASSWORD}, format="json").status_code == 204

    assert snapshot(other_user) == before


def test_the_schema_documents_delete_me_with_its_password_body():
    client = APIClient()
    schema = client.get("/api/schema/", {"format": "json"}).json()

    operation = schema["paths"]["/api/v1/me/"]["delete"]
    assert {"204", "400", "401"} <= set(operation["responses"])
    body = operation["requestBody"]["content"]["application/json"]["schema"]
    assert body["$ref"] == "#/components/schemas/AccountDeletionRequest"
    assert schema["components"]["schemas"]["AccountDeletionRequest"]["required"] == ["password"]


def test_deleting_an_account_in_the_staff_admin_is_the_same_erasure():
    person = make_user(email="admin.erases.me@example.org")
    add_full_history(person)
    before = snapshot(person)
    person_id, email = person.pk, person.email
    client = Client()
    client.force_login(superuser())

    response = client.post(f"/admin/tracker/user/{person_id}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert leftovers(before) == {}
    assert mentions(email, person_id) == []
    assert AccessLog.objects.filter(patient_label__startswith="erased-").exists()


def test_the_staff_admins_bulk_delete_action_erases_every_chosen_account():
    people = [make_user(email=f"bulk{n}@example.org") for n in range(2)]
    for person in people:
        add_full_history(person)
    before = [snapshot(person) for person in people]
    client = Client()
    client.force_login(superuser())

    response = client.post(
        "/admin/tracker/user/",
        {"action": "delete_selected", "_selected_action": [p.pk for p in people], "post": "yes"},
    )

    assert response.status_code == 302
    assert [leftovers(rows) for rows in before] == [{}, {}]


def superuser() -> User:
    staff = make_user(email="ops@example.org", is_staff=True)
    staff.is_superuser = True
    staff.save(update_fields=["is_superuser"])
    return staff
