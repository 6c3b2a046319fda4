"""The reminders pages and the inbox: the API's serializers validate, the same services write,
another person's reminder or notification is a 404, a sign-in and a CSRF token are needed,
and the pages cost the same queries for a short and a long history."""

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from tests.factories import make_user
from tests.history import add_history
from tracker.models import Notification, Reminder, Supplement, SupplementDose, User
from tracker.services import notifications as pipeline
from tracker.services.reminders import create_reminder

LONDON = ZoneInfo("Europe/London")
# 07:00 in London (GMT in December).
NOW = datetime(2026, 12, 1, 7, 0, tzinfo=UTC)
pytestmark = pytest.mark.django_db


def supplement_for(user: User, name: str = "Cyanocobalamin 1000") -> Supplement:
    return Supplement.objects.create(
        owner=user, name=name, form="cyanocobalamin", route="oral", dose_ug=1000
    )


def signed_in(user: User, **kwargs: Any) -> Client:
    client = Client(**kwargs)
    client.force_login(user)
    return client


def supplement_reminder(user: User, **fields: Any) -> Reminder:
    fields.setdefault("times", ["08:00"])
    return create_reminder(
        user=user, now=NOW, kind="supplement", supplement=supplement_for(user), **fields
    )


def fire(reminder: Reminder) -> Notification:
    """The real dispatcher at the reminder's fire time: one notification in the inbox."""
    assert reminder.next_fire_at is not None
    at = reminder.next_fire_at
    pipeline.dispatch_due(now_fn=lambda: at, enqueue=lambda ids: None)
    return Notification.objects.get(reminder=reminder, occurrence=at)


@pytest.fixture
def person(db) -> User:  # type: ignore[no-untyped-def]
    return make_user(email="maria@example.org", timezone="Europe/London")


@pytest.fixture
def stranger(db) -> User:  # type: ignore[no-untyped-def]
    return make_user(email="stranger@example.org", timezone="America/New_York")


@pytest.fixture(autouse=True)
def _frozen_clock():  # type: ignore[no-untyped-def]
    with time_machine.travel(NOW, tick=False):
        yield


# --- the list ---------------------------------------------------------------------------


def test_the_list_shows_what_times_days_next_time_and_whether_paused(person):  # type: ignore[no-untyped-def]
    supplement_reminder(person, times=["08:00", "20:30"], weekdays=[1, 3])
    create_reminder(user=person, now=NOW, kind="diary", times=["19:00"], active=False)

    response = signed_in(person).get("/reminders/")

    text = response.content.decode()
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "Cyanocobalamin 1000" in text and "Symptom diary" in text
    assert "08:00, 20:30" in text
    assert "Mon, Wed" in text
    # Wednesday 2 December 08:00 London is the next of Mondays and Wednesdays after Tuesday.
    assert "Wednesday 2 December, 08:00" in text
    assert "Paused" in text and "None while paused" in text
    assert 'id="browser-push"' in text and "Get reminders in this browser" in text


def test_the_next_time_is_shown_in_the_persons_own_time_zone(stranger):  # type: ignore[no-untyped-def]
    reminder = supplement_reminder(stranger, times=["08:00"])

    text = signed_in(stranger).get("/reminders/").content.decode()

    assert reminder.next_fire_at == datetime(2026, 12, 1, 13, 0, tzinfo=UTC)
    assert "Tuesday 1 December, 08:00" in text  # 13:00 UTC is 08:00 in New York


def test_another_persons_reminders_never_reach_the_list(person, stranger):  # type: ignore[no-untyped-def]
    supplement_reminder(stranger, times=["06:15"])

    text = signed_in(person).get("/reminders/").content.decode()

    assert "06:15" not in text and "No reminders yet." in text


def test_a_reminder_waiting_for_an_answer_offers_snooze(person):  # type: ignore[no-untyped-def]
    reminder = supplement_reminder(person)
    notification = fire(reminder)

    with time_machine.travel(NOW + timedelta(hours=1, minutes=5), tick=False):
        text = signed_in(person).get("/reminders/").content.decode()

    assert "Sent at 08:00 and waiting for your answer." in text
    assert f"/reminders/{reminder.pk}/snooze/" in text
    assert f"/notifications/{notification.pk}/" in text


# --- creating ---------------------------------------------------------------------------


def test_new_first_asks_which_kind(person):  # type: ignore[no-untyped-def]
    response = signed_in(person).get("/reminders/new/")

    text = response.content.decode()
    assert response.status_code == 200
    for kind in ("supplement", "injection", "diary", "lab"):
        assert f"/reminders/new/?kind={kind}" in text


def test_an_unknown_kind_is_a_400_with_the_choice_again(person):  # type: ignore[no-untyped-def]
    response = signed_in(person).post("/reminders/new/", {"kind": "teleport", "times": "08:00"})

    assert response.status_code == 400
    assert "Choose one of these kinds of reminder." in response.content.decode()
    assert not Reminder.objects.exists()


def test_a_supplement_reminder_made_with_the_form_is_scheduled_by_the_service(person):  # type: ignore[no-untyped-def]
    supplement = supplement_for(person)
    client = signed_in(person)
    form = client.get("/reminders/new/?kind=supplement").content.decode()
    assert 'type="time"' in form and "Cyanocobalamin 1000" in form

    response = client.post(
        "/reminders/new/",
        {
            "kind": "supplement",
            "supplement": str(supplement.pk),
            "times": ["20:30", "08:00", ""],
            "weekdays": ["1", "3"],
            "channels": ["webpush"],
        },
        follow=True,
    )

    reminder = Reminder.objects.get()
    assert response.redirect_chain == [("/reminders/", 302)]
    assert reminder.owner == person and reminder.supplement == supplement
    assert reminder.times == ["08:00", "20:30"]
    assert reminder.weekdays == [1, 3]
    assert reminder.channels == ["webpush"]
    assert reminder.next_fire_at == datetime(2026, 12, 2, 8, 0, tzinfo=UTC)
    assert "Reminder added. Next reminder: Wed 2 Dec, 08:00." in response.content.decode()


def test_quiet_hours_move_the_first_fire_time_as_the_service_says(person):  # type: ignore[no-untyped-def]
    from datetime import time

    person.profile.quiet_hours_start, person.profile.quiet_hours_end = time(22), time(7, 30)
    person.profile.save()

    signed_in(person).post("/reminders/new/", {"kind": "diary", "times": ["23:00"]})

    reminder = Reminder.objects.get()
    assert reminder.next_occurrence_at == datetime(2026, 12, 1, 23, 0, tzinfo=UTC)
    assert reminder.next_fire_at == datetime(2026, 12, 2, 7, 30, tzinfo=UTC)


def test_an_injection_reminder_without_times_fires_at_nine(person):  # type: ignore[no-untyped-def]
    from tracker.models import InjectionPlan

    plan = InjectionPlan.objects.create(
        owner=person, product="Hydroxo", dose_ug=1000, route="im", maintenance_interval_days=56
    )

    response = signed_in(person).post(
        "/reminders/new/",
        {"kind": "injection", "injection_plan": str(plan.pk), "heads_up_days": "3"},
    )

    assert response.status_code == 302
    reminder = Reminder.objects.get()
    assert reminder.injection_plan == plan and reminder.heads_up_days == 3
    assert reminder.times == []  # the service's default time, 09:00


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"kind": "supplement", "times": ["08:00"]}, "supplement", "Choose the supplement."),
        (
            {"kind": "supplement", "supplement": "MINE", "times": ["25:00"]},
            "times",
            "is not a time",
        ),
        ({"kind": "supplement", "supplement": "MINE"}, "times", "Add at least one reminder time."),
        (
            {"kind": "supplement", "supplement": "MINE", "times": ["08:00", "08:00"]},
            "times",
            "is listed twice",
        ),
        (
            {"kind": "supplement", "supplement": "THEIRS", "times": ["08:00"]},
            "supplement",
            "does not exist",
        ),
        (
            {"kind": "diary", "times": ["08:00"], "every_n_days": "0"},
            "every_n_days",
            "greater than or equal to 1",
        ),
        ({"kind": "injection"}, "injection_plan", "Choose the injection plan."),
        ({"kind": "lab"}, "start_date", "Give the date of the planned blood test."),
        ({"kind": "diary", "times": ["08:00"], "channels": ["sms"]}, "channels", "sms"),
    ],
)
def test_bad_input_shows_the_serializers_message_next_to_the_field_and_stores_nothing(
    person, stranger, data, field, message
):  # type: ignore[no-untyped-def]
    ids = {"MINE": str(supplement_for(person).pk), "THEIRS": str(supplement_for(stranger).pk)}
    if "supplement" in data:
        data = {**data, "supplement": ids[data["supplement"]]}

    response = signed_in(person).post("/reminders/new/", data)

    text = response.content.decode()
    assert response.status_code == 400
    assert message in text
    # Next to the field: the field's own error block (aria-described) holds the message.
    error_id = {
        "times": "times-errors",
        "channels": "channels-errors",
        "weekdays": "weekdays-errors",
    }.get(field, f"id_{field}_error")
    start = text.index(f'id="{error_id}"')
    assert message in text[start : start + 400]
    assert not Reminder.objects.exists()


# --- changing ---------------------------------------------------------------------------


def test_editing_a_reminder_changes_it_and_reschedules(person):  # type: ignore[no-untyped-def]
    reminder = supplement_reminder(person, times=["08:00"])
    client = signed_in(person)
    form = client.get(f"/reminders/{reminder.pk}/edit/").content.decode()
    assert 'value="08:00"' in form

    response = client.post(
        f"/reminders/{reminder.pk}/edit/",
        {"supplement": str(reminder.supplement_id), "times": ["07:30"], "weekdays": ["7"]},
    )

    assert response.status_code == 302
    reminder.refresh_from_db()
    assert reminder.times == ["07:30"] and reminder.weekdays == [7]
    assert reminder.next_fire_at == datetime(2026, 12, 6, 7, 30, tzinfo=UTC)  # Sunday


def test_a_reminder_whose_supplement_was_deleted_can_still_be_edited(person):  # type: ignore[no-untyped-def]
    reminder = supplement_reminder(person, times=["08:00"])
    assert reminder.supplement_id is not None
    Supplement.objects.filter(pk=reminder.supplement_id).update(deleted_at=NOW)
    supplement_for(person, name="Another one")
    client = signed_in(person)

    form = client.get(f"/reminders/{reminder.pk}/edit/").content.decode()
    response = client.post(
        f"/reminders/{reminder.pk}/edit/",
        {"supplement": str(reminder.supplement_id), "times": ["09:00"]},
    )

    assert f'<option value="{reminder.supplement_id}" selected>Cyanocobalamin 1000' in form
    assert response.status_code == 302
    reminder.refresh_from_db()
    assert reminder.times == ["09:00"]


def test_a_bad_edit_is_a_400_and_changes_nothing(person):  # type: ignore[no-untyped-def]
    reminder = supplement_reminder(person, times=["08:00"])

    response = signed_in(person).post(
        f"/reminders/{reminder.pk}/edit/", {"supplement": str(reminder.supplement_id)}
    )

    assert response.status_code == 400
    assert "Add at least one reminder time." in response.content.decode()
    reminder.refresh_from_db()
    assert reminder.times == ["08:00"]


def test_pausing_stops_a_reminder_and_resuming_reschedules_it(person):  # type: ignore[no-untyped-def]
    reminder = supplement_reminder(person)
    client = signed_in(person)

    paused = client.post(f"/reminders/{reminder.pk}/active/", {"active": "false"}, follow=True)
    reminder.refresh_from_db()
    assert not reminder.active and reminder.next_fire_at is None
    assert "Reminder paused" in paused.content.decode()

    client.post(f"/reminders/{reminder.pk}/active/", {"active": "true"})
    reminder.refresh_from_db()
    assert reminder.active and reminder.next_fire_at == datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


def test_a_bad_pause_value_is_a_400_with_the_serializers_message(person):  # type: ignore[no-untyped-def]
    reminder = supplement_reminder(person)

    response = signed_in(person).post(f"/reminders/{reminder.pk}/active/", {"active": "maybe"})

    assert response.status_code == 400
    assert "Must be a valid boolean." in response.content.decode()
    reminder.refresh_from_db()
    assert reminder.active


def test_snoozing_a_fired_reminder_sends_its_notification_again_later(person):  # type: ignore[no-untyped-def]
    reminder = supplement_reminder(person)
    notification = fire(reminder)
    later = NOW + timedelta(hours=1, minutes=5)  # 08:05 London

    with time_machine.travel(later, tick=False):
        response = signed_in(person).post(
            f"/reminders/{reminder.pk}/snooze/", {"minutes": "30"}, follow=True
        )

    notification.refresh_from_db()
    assert notification.refire_at == later + timedelta(minutes=30)
    assert "It will remind you again at Tue 1 Dec, 08:35." in response.content.decode()


def test_snoozing_with_nothing_waiting_holds_back_the_next_one(person):  # type: ignore[no-untyped-def]
    reminder = supplement_reminder(person)  # next: 08:00 today

    with time_machine.travel(NOW + timedelta(minutes=50), tick=False):
        signed_in(person).post(f"/reminders/{reminder.pk}/snooze/", {"minutes": "120"})

    reminder.refresh_from_db()
    assert reminder.snoozed_until == NOW + timedelta(minutes=170)
    assert reminder.next_fire_at == NOW + timedelta(minutes=170)


def test_a_snooze_beyond_the_apis_limit_is_a_400_and_changes_nothing(person):  # type: ignore[no-untyped-def]
    reminder = supplement_reminder(person)

    response = signed_in(person).post(f"/reminders/{reminder.pk}/snooze/", {"minutes": "999"})

    assert response.status_code == 400
    assert "less than or equal to 240" in response.content.decode()
    reminder.refresh_from_db()
    assert reminder.snoozed_until is None


def test_deleting_asks_first_then_keeps_the_row_as_history(person):  # type: ignore[no-untyped-def]
    reminder = supplement_reminder(person)
    client = signed_in(person)

    confirm = client.get(f"/reminders/{reminder.pk}/delete/")
    assert confirm.status_code == 200 and "Yes, delete it" in confirm.content.decode()
    reminder.refresh_from_db()
    assert reminder.deleted_at is None

    response = client.post(f"/reminders/{reminder.pk}/delete/", follow=True)

    reminder.refresh_from_db()
    assert reminder.deleted_at == NOW
    assert "Reminder deleted." in response.content.decode()
    assert "Cyanocobalamin 1000" not in response.content.decode()


@pytest.mark.parametrize(
    ("method", "path", "data"),
    [
        ("get", "edit/", None),
        ("post", "edit/", {"times": ["09:00"]}),
        ("post", "active/", {"active": "false"}),
        ("post", "snooze/", {"minutes": "10"}),
        ("get", "delete/", None),
        ("post", "delete/", {}),
    ],
)
def test_another_persons_reminder_is_a_404_and_unchanged(person, stranger, method, path, data):  # type: ignore[no-untyped-def]
    theirs = supplement_reminder(stranger)
    before = Reminder.objects.values().get(pk=theirs.pk)

    client = signed_in(person)
    response = getattr(client, method)(f"/reminders/{theirs.pk}/{path}", data)

    assert response.status_code == 404
    assert Reminder.objects.values().get(pk=theirs.pk) == before


def test_writing_a_reminder_waits_for_the_disclaimer(db):  # type: ignore[no-untyped-def]
    newcomer = make_user(disclaimer_accepted_at=None)
    client = signed_in(newcomer)

    page = client.get("/reminders/new/?kind=diary")
    posted = client.post("/reminders/new/", {"kind": "diary", "times": ["08:00"]})

    assert page.status_code == 302 and page["Location"].startswith("/disclaimer/?next=")
    assert posted.status_code == 302 and posted["Location"].startswith("/disclaimer/")
    assert not Reminder.objects.exists()
    assert client.get("/reminders/").status_code == 200  # reading is open


# --- sign-in and CSRF -------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/reminders/",
        "/reminders/new/",
        "/reminders/00000000-0000-0000-0000-000000000001/edit/",
        "/inbox/",
        "/notifications/00000000-0000-0000-0000-000000000001/",
    ],
)
def test_pages_need_a_sign_in(client, path):  # type: ignore[no-untyped-def]
    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_posts_without_a_sign_in_change_nothing(client, person):  # type: ignore[no-untyped-def]
    reminder = supplement_reminder(person)
    notification = fire(reminder)

    responses = [
        client.post("/reminders/new/", {"kind": "diary", "times": ["08:00"]}),
        client.post(f"/reminders/{reminder.pk}/active/", {"active": "false"}),
        client.post(f"/inbox/{notification.pk}/act/", {"action": "taken"}),
    ]

    assert {r.status_code for r in responses} == {302}
    assert Reminder.objects.count() == 1 and Reminder.objects.get().active
    assert not SupplementDose.objects.exists()


def test_posts_without_the_csrf_token_are_refused(person):  # type: ignore[no-untyped-def]
    reminder = supplement_reminder(person)
    notification = fire(reminder)
    client = signed_in(person, enforce_csrf_checks=True)

    responses = [
        client.post("/reminders/new/", {"kind": "diary", "times": ["08:00"]}),
        client.post(f"/reminders/{reminder.pk}/delete/"),
        client.post(f"/inbox/{notification.pk}/act/", {"action": "taken"}),
        client.post(f"/inbox/{notification.pk}/read/"),
    ]

    assert [r.status_code for r in responses] == [403, 403, 403, 403]
    assert Reminder.objects.alive().count() == 1
    notification.refresh_from_db()
    assert notification.acted_at is None and notification.read_at is None


def test_the_forms_carry_the_csrf_token(person):  # type: ignore[no-untyped-def]
    reminder = supplement_reminder(person)
    fire(reminder)
    client = signed_in(person)

    for path in ("/reminders/", "/reminders/new/?kind=diary", "/inbox/"):
        text = client.get(path).content.decode()
        assert text.count('method="post"') == text.count('name="csrfmiddlewaretoken"') > 1, path


# --- the inbox --------------------------------------------------------------------------


def notifications_for(user: User, count: int, *, reminder: Reminder | None = None) -> None:
    reminder = reminder or create_reminder(user=user, now=NOW, kind="diary", times=["19:00"])
    Notification.objects.bulk_create(
        Notification(
            owner=user,
            reminder=reminder,
            kind=reminder.kind,
            occurrence=NOW - timedelta(days=day),
            title=f"Reminder {day}",
            body="Open B12 Tracker to see it.",
            channels=["inapp"],
            read_at=NOW if day % 2 else None,
        )
        for day in range(1, count + 1)
    )


def test_the_inbox_lists_notifications_newest_first_with_read_state(person, stranger):  # type: ignore[no-untyped-def]
    notifications_for(person, 3)
    notifications_for(stranger, 2)

    response = signed_in(person).get("/inbox/")

    text = response.content.decode()
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert text.index("Reminder 1") < text.index("Reminder 2") < text.index("Reminder 3")
    assert "Monday 30 November 2026, 07:00" in text  # a day before NOW, in London
    assert text.count("Not read yet") == 1 and text.count("· Read</p>") == 2
    assert Notification.objects.filter(owner=stranger).count() == 2
    assert text.count("Reminder ") == 3  # nobody else's


def test_the_inbox_is_paginated(person):  # type: ignore[no-untyped-def]
    notifications_for(person, 25)
    client = signed_in(person)

    first = client.get("/inbox/").content.decode()
    second = client.get("/inbox/?page=2").content.decode()
    nonsense = client.get("/inbox/?page=abc")

    assert "Page 1 of 2" in first and "Reminder 20<" in first and "Reminder 21<" not in first
    assert "Page 2 of 2" in second and "Reminder 21<" in second and "Reminder 25<" in second
    assert nonsense.status_code == 200 and "Page 1 of 2" in nonsense.content.decode()


def test_taken_records_one_dose_linked_to_the_notification(person):  # type: ignore[no-untyped-def]
    notification = fire(supplement_reminder(person))
    client = signed_in(person)

    inbox = client.get("/inbox/").content.decode()
    assert 'value="taken"' in inbox and 'value="skipped"' in inbox and 'value="snooze"' in inbox
    response = client.post(f"/inbox/{notification.pk}/act/", {"action": "taken"}, follow=True)
    client.post(f"/inbox/{notification.pk}/act/", {"action": "taken"})  # a double tap

    dose = SupplementDose.objects.get()
    notification.refresh_from_db()
    assert dose.status == "taken" and dose.scheduled_for == notification.occurrence
    assert notification.action == "taken" and notification.dose == dose
    assert "Recorded as taken." in response.content.decode()
    assert "Answered: taken" in response.content.decode()


def test_skipped_records_a_skipped_dose(person):  # type: ignore[no-untyped-def]
    notification = fire(supplement_reminder(person))

    signed_in(person).post(f"/inbox/{notification.pk}/act/", {"action": "skipped", "page": "1"})

    assert SupplementDose.objects.get().status == "skipped"


def test_snooze_in_the_inbox_sends_it_again_after_the_minutes_chosen(person):  # type: ignore[no-untyped-def]
    notification = fire(supplement_reminder(person))
    at = datetime(2026, 12, 1, 8, 2, tzinfo=UTC)

    with time_machine.travel(at, tick=False):
        response = signed_in(person).post(
            f"/inbox/{notification.pk}/act/", {"action": "snooze", "minutes": "60"}, follow=True
        )

    notification.refresh_from_db()
    assert notification.refire_at == at + timedelta(minutes=60)
    assert not SupplementDose.objects.exists()
    assert "It will remind you again at Tue 1 Dec, 09:02." in response.content.decode()


def test_a_diary_reminder_offers_no_taken_or_skipped(person):  # type: ignore[no-untyped-def]
    reminder = create_reminder(user=person, now=NOW, kind="diary", times=["08:00"])
    notification = fire(reminder)
    client = signed_in(person)

    inbox = client.get("/inbox/").content.decode()
    refused = client.post(f"/inbox/{notification.pk}/act/", {"action": "taken"})

    assert 'value="taken"' not in inbox and 'value="snooze"' in inbox
    assert refused.status_code == 400
    assert "This notification cannot be answered that way." in refused.content.decode()
    notification.refresh_from_db()
    assert notification.acted_at is None


def test_an_alert_about_someone_else_can_only_be_snoozed_or_read(person, stranger):  # type: ignore[no-untyped-def]
    alert = Notification.objects.create(
        owner=person,
        kind="caregiver_missed_dose",
        occurrence=NOW,
        title="Time for your reminder",
        patient=stranger,
        channels=["inapp"],
    )
    client = signed_in(person)

    refused = client.post(f"/inbox/{alert.pk}/act/", {"action": "taken"})
    snoozed = client.post(f"/inbox/{alert.pk}/act/", {"action": "snooze"})

    assert refused.status_code == 400
    assert "An alert about someone else can only be snoozed or read." in refused.content.decode()
    assert snoozed.status_code == 302
    alert.refresh_from_db()
    assert alert.refire_at == NOW + timedelta(minutes=10)  # the service's default


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"action": "snooze", "minutes": "0"}, "greater than or equal to 1"),
        ({"action": "snooze", "minutes": "500"}, "less than or equal to 240"),
        ({"action": "eaten"}, "is not a valid choice"),
    ],
)
def test_a_bad_answer_is_a_400_next_to_the_notification_and_records_nothing(person, data, message):  # type: ignore[no-untyped-def]
    notification = fire(supplement_reminder(person))

    response = signed_in(person).post(f"/inbox/{notification.pk}/act/", data)

    text = response.content.decode()
    assert response.status_code == 400
    card = text[text.index(f'id="n-{notification.pk}"') :]
    assert message in card[: card.index("</li>")]
    notification.refresh_from_db()
    assert notification.acted_at is None and notification.refire_at is None
    assert not SupplementDose.objects.exists()


def test_mark_as_read(person):  # type: ignore[no-untyped-def]
    notification = fire(supplement_reminder(person))

    response = signed_in(person).post(f"/inbox/{notification.pk}/read/", {"page": "1"})

    assert response.status_code == 302 and response["Location"] == "/inbox/"
    notification.refresh_from_db()
    assert notification.read_at == NOW


def test_the_page_a_push_opens_shows_the_notification_and_its_answers(person):  # type: ignore[no-untyped-def]
    notification = fire(supplement_reminder(person))
    client = signed_in(person)

    page = client.get(f"/notifications/{notification.pk}/")
    answered = client.post(f"/inbox/{notification.pk}/act/", {"action": "taken", "back": "detail"})

    assert page.status_code == 200
    assert "Time for your reminder" in page.content.decode()
    assert 'name="back" value="detail"' in page.content.decode()
    assert answered["Location"] == f"/notifications/{notification.pk}/"
    notification.refresh_from_db()
    assert notification.read_at is not None  # answering reads it; opening the page does not


@pytest.mark.parametrize(
    ("method", "path", "data"),
    [
        ("get", "/notifications/{id}/", None),
        ("post", "/inbox/{id}/act/", {"action": "taken"}),
        ("post", "/inbox/{id}/act/", {"action": "snooze", "minutes": "10"}),
        ("post", "/inbox/{id}/read/", {}),
    ],
)
def test_another_persons_notification_is_a_404_and_unchanged(person, stranger, method, path, data):  # type: ignore[no-untyped-def]
    theirs = fire(supplement_reminder(stranger))

    client = signed_in(person)
    response = getattr(client, method)(path.format(id=theirs.pk), data)

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None and theirs.acted_at is None and theirs.refire_at is None
    assert not SupplementDose.objects.exists()


# --- query budgets ----------------------------------------------------------------------

# Session, user and profile (3) + the reminders with their supplement and plan (1) + the
# notifications waiting for an answer (1).
REMINDERS_PAGE_QUERIES = 5
# Session, user and profile (3) + the count and one page of notifications (2).
INBOX_PAGE_QUERIES = 5


@pytest.mark.parametrize(("days", "rules"), [(1, 1), (730, 12)])
def test_the_reminders_page_costs_the_same_queries_for_short_and_long_histories(
    person, days, rules, django_assert_num_queries
):  # type: ignore[no-untyped-def]
    add_history(person, days=days, end=NOW)
    rows = [supplement_reminder(person, times=[f"{8 + n:02d}:00"]) for n in range(rules)]
    notifications_for(person, days, reminder=rows[0])  # past answers: as long as the history
    fire(rows[-1])  # the dispatcher fires all of them: each waits for an answer
    client = signed_in(person)

    with time_machine.travel(NOW + timedelta(hours=12), tick=False):
        with django_assert_num_queries(REMINDERS_PAGE_QUERIES):
            response = client.get("/reminders/")

    text = response.content.decode()
    assert response.status_code == 200
    assert text.count('class="card"') == rules
    assert text.count("waiting for your answer") == rules


@pytest.mark.parametrize("days", [1, 730])
def test_the_inbox_costs_the_same_queries_for_short_and_long_histories(
    person, days, django_assert_num_queries
):  # type: ignore[no-untyped-def]
    add_history(person, days=days, end=NOW)
    notifications_for(person, days)
    client = signed_in(person)

    with django_assert_num_queries(INBOX_PAGE_QUERIES):
        response = client.get("/inbox/")

    assert response.status_code == 200
    assert response.content.decode().count('<li class="card') == min(days, 20)
