"""Reminder rules through the API, and the pipeline's services: dispatch, deliver, sweep, act,
missed doses, caregiver alerts. The real worker and Redis are in test_reminders_integration."""

import sys
import types
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tests.conftest import client_for
from tests.factories import make_user
from tracker.models import (
    CareLink,
    Delivery,
    Injection,
    InjectionPlan,
    Notification,
    Reminder,
    Supplement,
    SupplementDose,
)
from tracker.notifications import base as channel_base
from tracker.services import notifications as pipeline
from tracker.services.reminders import create_reminder

LONDON = ZoneInfo("Europe/London")
REMINDERS = "/api/v1/reminders/"
pytestmark = pytest.mark.django_db


class Outbox:
    """A stand-in outside channel (the real ones have their own tests): records what it was
    asked to send and fails the way it is told to."""

    def __init__(self) -> None:
        self.sent: list[channel_base.Message] = []
        self.fail_with: Exception | None = None

    def send(self, message: channel_base.Message) -> str:
        if self.fail_with is not None:
            raise self.fail_with
        self.sent.append(message)
        return "accepted"


@pytest.fixture
def outbox(monkeypatch):  # type: ignore[no-untyped-def]
    box = Outbox()
    module = types.ModuleType("tests_outbox_channel")
    module.send = box.send  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "tests_outbox_channel", module)
    monkeypatch.setitem(channel_base.CHANNEL_MODULES, "email", "tests_outbox_channel")
    return box


def supplement_for(user):  # type: ignore[no-untyped-def]
    return Supplement.objects.create(
        owner=user, name="Cyanocobalamin 1000", form="cyanocobalamin", route="oral", dose_ug=1000
    )


def at(day: int, hour: int, minute: int = 0, month: int = 12) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=LONDON)


def enqueued() -> tuple[list[list[int]], pipeline.Enqueue]:
    calls: list[list[int]] = []
    return calls, calls.append


def run_dispatch(now: datetime, django_capture_on_commit_callbacks) -> list[list[int]]:  # type: ignore[no-untyped-def]
    calls, enqueue = enqueued()
    with django_capture_on_commit_callbacks(execute=True):
        pipeline.dispatch_due(now_fn=lambda: now, enqueue=enqueue)
    return calls


# --- the API ---------------------------------------------------------------------------


def test_a_supplement_reminder_fires_at_its_local_time(user):
    supplement = supplement_for(user)
    with time_machine.travel(at(1, 7), tick=False):
        response = client_for(user).post(
            REMINDERS,
            {"kind": "supplement", "supplement": str(supplement.pk), "times": ["20:30", "08:00"]},
            format="json",
        )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["times"] == ["08:00", "20:30"]
    assert body["next_fire_at"] == "2026-12-01T08:00:00Z"  # London is on GMT in December


def test_the_home_time_zone_and_quiet_hours_decide_the_fire_time(user):
    user.profile.timezone = "Asia/Tokyo"  # travelling
    user.profile.home_timezone = "Europe/London"
    user.profile.quiet_hours_start, user.profile.quiet_hours_end = time(22), time(7, 30)
    user.profile.save()
    supplement = supplement_for(user)

    with time_machine.travel(at(1, 8), tick=False):
        reminder = create_reminder(
            user=user, now=at(1, 8), kind="supplement", supplement=supplement, times=["06:45"]
        )

    assert reminder.next_occurrence_at == at(2, 6, 45)
    assert reminder.next_fire_at == at(2, 7, 30)  # waits for the end of quiet hours


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "supplement", "times": ["08:00"]}, "supplement"),
        ({"kind": "supplement", "supplement": "SUPP", "times": ["25:00"]}, "times"),
        ({"kind": "supplement", "supplement": "SUPP", "times": []}, "times"),
        (
            {"kind": "supplement", "supplement": "SUPP", "times": ["08:00"], "weekdays": [8]},
            "weekdays",
        ),
        (
            {"kind": "supplement", "supplement": "SUPP", "times": ["8:00"], "channels": ["sms"]},
            "channels",
        ),
        ({"kind": "injection"}, "injection_plan"),
        ({"kind": "lab"}, "start_date"),
        ({"kind": "teleport", "times": ["08:00"]}, "kind"),
        ({"kind": "supplement", "supplement": "OTHER", "times": ["08:00"]}, "supplement"),
    ],
)
def test_bad_reminders_are_a_400_naming_the_field_and_store_nothing(user, other_user, body, field):
    mine, theirs = supplement_for(user), supplement_for(other_user)
    ids = {"SUPP": str(mine.pk), "OTHER": str(theirs.pk)}
    if "supplement" in body:
        body = {**body, "supplement": ids[body["supplement"]]}

    response = client_for(user).post(REMINDERS, body, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert not Reminder.objects.exists()


def test_another_persons_reminder_is_a_404_and_unchanged(user, other_user):
    reminder = create_reminder(
        user=other_user,
        now=at(1, 7),
        kind="diary",
        times=["19:00"],
    )
    client = client_for(user)

    assert client.get(f"{REMINDERS}{reminder.pk}/").status_code == 404
    assert (
        client.patch(f"{REMINDERS}{reminder.pk}/", {"active": False}, format="json").status_code
        == 404
    )
    assert client.post(f"{REMINDERS}{reminder.pk}/snooze/", {}, format="json").status_code == 404
    assert client.delete(f"{REMINDERS}{reminder.pk}/").status_code == 404
    reminder.refresh_from_db()
    assert reminder.active and reminder.deleted_at is None


def test_pausing_a_reminder_stops_it_and_resuming_reschedules(user):
    supplement = supplement_for(user)
    reminder = create_reminder(
        user=user, now=at(1, 7), kind="supplement", supplement=supplement, times=["08:00"]
    )
    client = client_for(user)
    with time_machine.travel(at(1, 9), tick=False):
        client = client_for(user)
        paused = client.patch(f"{REMINDERS}{reminder.pk}/", {"active": False}, format="json")
        resumed = client.patch(f"{REMINDERS}{reminder.pk}/", {"active": True}, format="json")

    assert paused.json()["next_fire_at"] is None
    assert resumed.json()["next_fire_at"] == "2026-12-02T08:00:00Z"


def test_injection_reminders_follow_the_plans_due_date(user):
    plan = InjectionPlan.objects.create(
        owner=user,
        product="Hydroxocobalamin",
        dose_ug=1000,
        route="im",
        maintenance_interval_days=56,
    )
    Injection.objects.create(owner=user, plan=plan, given_at=at(1, 10, month=11), dose_ug=1000)

    reminder = create_reminder(
        user=user, now=at(1, 12), kind="injection", injection_plan=plan, heads_up_days=3
    )

    # Due 56 days after 1 November: 27 December; the heads-up 3 days before at 09:00.
    assert reminder.next_occurrence_at == at(24, 9)


# --- dispatch ----------------------------------------------------------------------------


def test_one_due_reminder_makes_exactly_one_notification_however_often_dispatch_runs(
    user, outbox, django_capture_on_commit_callbacks
):
    user.profile.notification_channels = ["inapp", "email"]
    user.profile.save()
    reminder = create_reminder(
        user=user, now=at(1, 7), kind="supplement", supplement=supplement_for(user), times=["08:00"]
    )

    calls = run_dispatch(at(1, 8, 0), django_capture_on_commit_callbacks)
    run_dispatch(at(1, 8, 1), django_capture_on_commit_callbacks)
    run_dispatch(at(1, 8, 2), django_capture_on_commit_callbacks)

    notification = Notification.objects.get()
    assert notification.reminder == reminder and notification.occurrence == at(1, 8)
    assert notification.title == "Time for your reminder"  # discreet by default
    assert "Cyanocobalamin" not in notification.title + notification.body
    deliveries = {d.channel: d for d in Delivery.objects.all()}
    assert deliveries["inapp"].status == "sent"
    assert deliveries["email"].status == "pending"
    assert calls == [[deliveries["email"].pk]]  # enqueued once, after the commit
    reminder.refresh_from_db()
    assert reminder.next_fire_at == at(2, 8)


def test_without_discretion_the_notification_names_the_supplement(
    user, django_capture_on_commit_callbacks
):
    user.profile.discreet_notifications = False
    user.profile.save()
    create_reminder(
        user=user, now=at(1, 7), kind="supplement", supplement=supplement_for(user), times=["08:00"]
    )

    run_dispatch(at(1, 8), django_capture_on_commit_callbacks)

    assert Notification.objects.get().title == "Time for Cyanocobalamin 1000"


def test_a_long_outage_fires_the_due_occurrence_once_and_goes_on_from_now(
    user, django_capture_on_commit_callbacks
):
    create_reminder(user=user, now=at(1, 7), kind="diary", times=["08:00"])

    run_dispatch(at(4, 11), django_capture_on_commit_callbacks)  # three days later
    run_dispatch(at(4, 11, 1), django_capture_on_commit_callbacks)

    assert Notification.objects.count() == 1
    assert Reminder.objects.get().next_fire_at == at(5, 8)


def test_the_daily_cap_keeps_the_inbox_but_records_the_other_channels_as_skipped(
    user, settings, outbox, django_capture_on_commit_callbacks
):
    settings.NOTIFICATION_DAILY_CAP = 2
    user.profile.notification_channels = ["inapp", "email"]
    user.profile.save()
    times = ["08:00", "08:10", "08:20"]
    create_reminder(user=user, now=at(1, 7), kind="diary", times=times)

    for minute in (0, 10, 20):
        run_dispatch(at(1, 8, minute), django_capture_on_commit_callbacks)

    email = Delivery.objects.filter(channel="email").order_by("created_at")
    assert [d.status for d in email] == ["pending", "pending", "skipped"]
    assert [d.last_error for d in email][-1] == "daily cap reached"
    assert Delivery.objects.filter(channel="inapp", status="sent").count() == 3


# --- delivery ----------------------------------------------------------------------------


def _one_email_delivery(user, django_capture_on_commit_callbacks) -> Delivery:  # type: ignore[no-untyped-def]
    user.profile.notification_channels = ["email"]
    user.profile.save()
    create_reminder(user=user, now=at(1, 7), kind="diary", times=["08:00"])
    run_dispatch(at(1, 8), django_capture_on_commit_callbacks)
    return Delivery.objects.get(channel="email")


def test_a_delivery_is_sent_once_even_when_its_task_runs_twice(
    user, outbox, django_capture_on_commit_callbacks
):
    delivery = _one_email_delivery(user, django_capture_on_commit_callbacks)
    retries: list[tuple[int, float]] = []

    first = pipeline.deliver(
        delivery_id=delivery.pk, now=at(1, 8), retry=lambda *a: retries.append(a)
    )
    second = pipeline.deliver(
        delivery_id=delivery.pk, now=at(1, 8), retry=lambda *a: retries.append(a)
    )

    assert (first.status, second.status) == ("sent", "not claimed")
    assert len(outbox.sent) == 1 and outbox.sent[0].title == "Time for your reminder"
    delivery.refresh_from_db()
    assert delivery.attempts == 1 and delivery.log[0]["outcome"] == "accepted"


def test_transient_failures_back_off_and_give_up_after_the_bound(
    user, outbox, settings, django_capture_on_commit_callbacks
):
    delivery = _one_email_delivery(user, django_capture_on_commit_callbacks)
    outbox.fail_with = channel_base.TransientError("connection refused")
    retries: list[tuple[int, float]] = []
    now = at(1, 8)

    for _ in range(settings.DELIVERY_MAX_ATTEMPTS):
        with django_capture_on_commit_callbacks(execute=True):
            attempt = pipeline.deliver(
                delivery_id=delivery.pk, now=now, retry=lambda *a: retries.append(a)
            )
        delivery.refresh_from_db()
        now = delivery.next_attempt_at

    assert attempt.status == "failed"
    assert delivery.status == "failed" and delivery.attempts == settings.DELIVERY_MAX_ATTEMPTS
    assert len(delivery.log) == settings.DELIVERY_MAX_ATTEMPTS
    assert all("connection refused" in entry["error"] for entry in delivery.log)
    delays = [seconds for _id, seconds in retries]
    assert len(delays) == settings.DELIVERY_MAX_ATTEMPTS - 1
    assert 15 <= delays[0] <= 30 and 120 <= delays[3] <= 240  # doubling, with jitter
    assert max(delays) <= settings.CELERY_MAX_COUNTDOWN_SECONDS


def test_a_permanent_failure_gives_up_at_once(user, outbox, django_capture_on_commit_callbacks):
    delivery = _one_email_delivery(user, django_capture_on_commit_callbacks)
    outbox.fail_with = channel_base.PermanentError("550 no such mailbox")

    attempt = pipeline.deliver(delivery_id=delivery.pk, now=at(1, 8), retry=lambda *a: None)

    assert attempt.status == "failed"
    delivery.refresh_from_db()
    assert delivery.attempts == 1 and "550" in delivery.last_error


def test_the_sweeper_enqueues_lost_deliveries_and_frees_stale_claims(
    user, outbox, django_capture_on_commit_callbacks
):
    delivery = _one_email_delivery(user, django_capture_on_commit_callbacks)
    calls, enqueue = enqueued()

    with django_capture_on_commit_callbacks(execute=True):
        early = pipeline.sweep(now=at(1, 8, 1), enqueue=enqueue)
    with django_capture_on_commit_callbacks(execute=True):
        late = pipeline.sweep(now=at(1, 8, 4), enqueue=enqueue)  # the message was lost
    Delivery.objects.filter(pk=delivery.pk).update(status="sending", claimed_at=at(1, 8, 4))
    with django_capture_on_commit_callbacks(execute=True):
        pipeline.sweep(now=at(1, 8, 10), enqueue=enqueue)  # the worker died mid-send

    assert (early, late) == (0, 1)
    assert calls == [[delivery.pk], [delivery.pk]]
    delivery.refresh_from_db()
    assert delivery.status == "pending"


# --- acting ------------------------------------------------------------------------------


def _supplement_notification(user, django_capture_on_commit_callbacks) -> Notification:  # type: ignore[no-untyped-def]
    user.profile.timezone = "Europe/London"
    user.profile.save()
    create_reminder(
        user=user, now=at(1, 7), kind="supplement", supplement=supplement_for(user), times=["08:00"]
    )
    run_dispatch(at(1, 8), django_capture_on_commit_callbacks)
    return Notification.objects.get(owner=user)


def test_taken_logs_exactly_one_dose_linked_to_the_notification(
    user, django_capture_on_commit_callbacks
):
    notification = _supplement_notification(user, django_capture_on_commit_callbacks)
    url = f"/api/v1/notifications/{notification.pk}/act/"

    with time_machine.travel(at(1, 8, 5), tick=False):
        client = client_for(user)
        first = client.post(url, {"action": "taken"}, format="json")
        again = client.post(url, {"action": "taken"}, format="json")

    assert first.status_code == again.status_code == 200
    dose = SupplementDose.objects.get()
    assert (dose.status, dose.source, dose.b12_ug) == ("taken", "reminder", 1000)
    assert dose.scheduled_for == at(1, 8)
    assert first.json()["dose"] == again.json()["dose"] == str(dose.pk)
    notification.refresh_from_db()
    assert notification.dose == dose and notification.action == "taken"


def test_skipped_records_a_skipped_dose_and_snooze_fires_again_later(
    user, outbox, django_capture_on_commit_callbacks
):
    user.profile.notification_channels = ["email"]
    user.profile.save()
    notification = _supplement_notification(user, django_capture_on_commit_callbacks)
    url = f"/api/v1/notifications/{notification.pk}/act/"

    with time_machine.travel(at(1, 8, 5), tick=False):
        snoozed = client_for(user).post(url, {"action": "snooze", "minutes": 15}, format="json")
    assert snoozed.json()["notification"]["refire_at"] == "2026-12-01T08:20:00Z"
    calls = run_dispatch(at(1, 8, 20), django_capture_on_commit_callbacks)
    with time_machine.travel(at(1, 8, 30), tick=False):
        skipped = client_for(user).post(url, {"action": "skipped"}, format="json")

    assert Notification.objects.count() == 1  # one occurrence, sent in two rounds
    rounds = sorted(Delivery.objects.filter(channel="email").values_list("round", flat=True))
    assert rounds == [1, 2] and len(calls) == 1
    assert skipped.status_code == 200
    assert SupplementDose.objects.get().status == "skipped"


def test_acting_on_another_persons_notification_is_a_404(
    user, other_user, django_capture_on_commit_callbacks
):
    notification = _supplement_notification(other_user, django_capture_on_commit_callbacks)

    response = client_for(user).post(
        f"/api/v1/notifications/{notification.pk}/act/", {"action": "taken"}, format="json"
    )

    assert response.status_code == 404
    assert not SupplementDose.objects.exists()


def test_a_bad_action_is_a_400_and_records_nothing(user, django_capture_on_commit_callbacks):
    notification = _supplement_notification(user, django_capture_on_commit_callbacks)

    response = client_for(user).post(
        f"/api/v1/notifications/{notification.pk}/act/", {"action": "eaten"}, format="json"
    )

    assert response.status_code == 400 and "action" in response.json()
    assert not SupplementDose.objects.exists()


def test_the_inbox_lists_only_your_notifications(
    user, other_user, django_capture_on_commit_callbacks
):
    _supplement_notification(other_user, django_capture_on_commit_callbacks)

    assert client_for(user).get("/api/v1/notifications/").json()["results"] == []
    assert len(client_for(other_user).get("/api/v1/notifications/").json()["results"]) == 1


# --- missed doses and caregivers ------------------------------------------------------


def test_an_unanswered_reminder_becomes_one_missed_dose_and_history_stays(
    user, settings, django_capture_on_commit_callbacks
):
    notification = _supplement_notification(user, django_capture_on_commit_callbacks)

    assert pipeline.mark_missed_doses(now=at(1, 11)) == 0  # still within the window
    assert pipeline.mark_missed_doses(now=at(1, 12, 1)) == 1
    assert pipeline.mark_missed_doses(now=at(1, 12, 30)) == 0

    dose = SupplementDose.objects.get()
    assert (dose.status, dose.source, dose.scheduled_for) == ("missed", "auto_missed", at(1, 8))
    notification.refresh_from_db()
    assert notification.dose == dose and Notification.objects.count() == 1


def test_a_dose_logged_by_hand_is_not_marked_missed(user, django_capture_on_commit_callbacks):
    notification = _supplement_notification(user, django_capture_on_commit_callbacks)
    assert notification.reminder is not None and notification.reminder.supplement is not None
    SupplementDose.objects.create(
        owner=user,
        supplement=notification.reminder.supplement,
        status="taken",
        taken_at=at(1, 9),
        scheduled_for=at(1, 8),
        occurred_at=at(1, 9),
        b12_ug=1000,
        route="oral",
    )

    pipeline.mark_missed_doses(now=at(1, 13))

    assert list(SupplementDose.objects.values_list("status", flat=True)) == ["taken"]


def test_caregivers_with_the_permission_hear_of_a_missed_dose_once_after_the_delay(
    user, django_capture_on_commit_callbacks
):
    daughter = make_user(email="daughter@example.org", notification_channels=["inapp"])
    neighbour = make_user(email="neighbour@example.org")
    lapsed = make_user(email="lapsed@example.org")
    CareLink.objects.create(
        patient=user, caregiver=daughter, status="active", permissions=["missed_dose_alerts"]
    )
    CareLink.objects.create(
        patient=user, caregiver=neighbour, status="active", permissions=["view_summary"]
    )
    CareLink.objects.create(
        patient=user,
        caregiver=lapsed,
        status="active",
        permissions=["missed_dose_alerts"],
        expires_at=at(1, 9),
    )
    _supplement_notification(user, django_capture_on_commit_callbacks)
    pipeline.mark_missed_doses(now=at(1, 12, 1))
    calls, enqueue = enqueued()

    early = pipeline.alert_caregivers(now=at(1, 8, 30), enqueue=enqueue)
    first = pipeline.alert_caregivers(now=at(1, 12, 5), enqueue=enqueue)
    again = pipeline.alert_caregivers(now=at(1, 12, 10), enqueue=enqueue)

    assert (early, first, again) == (0, 1, 0)
    alert = Notification.objects.get(owner=daughter)
    assert alert.kind == "caregiver_missed_dose" and alert.patient == user
    assert "dose" not in alert.title.lower()  # discreet: nothing about health on a lock screen
    assert not Notification.objects.filter(owner__in=[neighbour, lapsed]).exists()


def test_a_caregivers_alert_waits_for_their_quiet_hours(user, django_capture_on_commit_callbacks):
    night_owl = make_user(
        email="owl@example.org",
        timezone="Europe/London",
        notification_channels=["email"],
        quiet_hours_start=time(12),
        quiet_hours_end=time(14),
    )
    CareLink.objects.create(
        patient=user, caregiver=night_owl, status="active", permissions=["missed_dose_alerts"]
    )
    _supplement_notification(user, django_capture_on_commit_callbacks)
    pipeline.mark_missed_doses(now=at(1, 12, 1))
    calls, enqueue = enqueued()

    with django_capture_on_commit_callbacks(execute=True):
        pipeline.alert_caregivers(now=at(1, 13, 5), enqueue=enqueue)

    email = Delivery.objects.get(notification__owner=night_owl, channel="email")
    assert email.next_attempt_at == at(1, 14) and calls == []  # the sweeper sends it at 14:00
    with django_capture_on_commit_callbacks(execute=True):
        pipeline.sweep(now=at(1, 14, 1), enqueue=enqueue)
    assert calls == [[email.pk]]


def test_timestamps_are_utc(user):
    reminder = create_reminder(
        user=user, now=datetime(2026, 7, 1, 6, tzinfo=UTC), kind="diary", times=["08:00"]
    )

    assert reminder.next_fire_at == datetime(2026, 7, 1, 7, tzinfo=UTC)  # 08:00 BST
    assert reminder.next_fire_at - datetime(2026, 7, 1, 6, tzinfo=UTC) == timedelta(hours=1)


def test_recording_an_injection_moves_its_reminders_to_the_new_due_date(user):
    plan = InjectionPlan.objects.create(
        owner=user,
        product="Hydroxocobalamin",
        dose_ug=1000,
        route="im",
        maintenance_interval_days=56,
    )
    with time_machine.travel(at(1, 12), tick=False):
        reminder = create_reminder(user=user, now=at(1, 12), kind="injection", injection_plan=plan)
        assert reminder.next_occurrence_at is None  # nothing given yet, no start date
        response = client_for(user).post(
            "/api/v1/injections/",
            {"plan": str(plan.pk), "given_at": at(1, 10).isoformat(), "site": "left_deltoid"},
            format="json",
        )

    assert response.status_code == 201, response.content
    reminder.refresh_from_db()
    assert reminder.next_occurrence_at == at(26, 9, month=1).replace(year=2027)


def test_a_new_time_zone_keeps_the_local_time_of_every_reminder(user):
    with time_machine.travel(at(1, 6), tick=False):
        reminder = create_reminder(user=user, now=at(1, 6), kind="diary", times=["08:00"])
        response = client_for(user).patch(
            "/api/v1/me/", {"timezone": "America/New_York"}, format="json"
        )

    assert response.status_code == 200
    reminder.refresh_from_db()
    assert reminder.next_fire_at == datetime(2026, 12, 1, 13, tzinfo=UTC)  # 08:00 in New York


def test_caregivers_hear_of_red_flags_and_overdue_injections_once_each(user):
    from tracker.models import Alert, SymptomEntry

    son = make_user(email="son@example.org", discreet_notifications=False)
    CareLink.objects.create(
        patient=user, caregiver=son, status="active", permissions=["missed_dose_alerts"]
    )
    entry = SymptomEntry.objects.create(
        owner=user, symptom="numbness", severity=9, recorded_at=at(1, 9)
    )
    red = Alert.objects.create(
        owner=user, symptom_entry=entry, rule="severe_nerve_symptom", level="urgent"
    )
    Alert.objects.filter(pk=red.pk).update(created_at=at(1, 9))
    plan = InjectionPlan.objects.create(
        owner=user, product="Hydroxo", dose_ug=1000, route="im", maintenance_interval_days=28
    )
    Injection.objects.create(owner=user, plan=plan, given_at=at(2, 10, month=11), dose_ug=1000)
    _calls, enqueue = enqueued()

    # Due 30 November: overdue from the start of 1 December (London), alerted an hour later.
    first = pipeline.alert_caregivers(now=at(1, 11), enqueue=enqueue)
    again = pipeline.alert_caregivers(now=at(1, 12), enqueue=enqueue)

    assert (first, again) == (2, 0)
    kinds = dict(Notification.objects.filter(owner=son).values_list("kind", "title"))
    assert kinds == {
        "caregiver_red_flag": "Warning sign recorded",
        "caregiver_overdue_injection": "Injection overdue",
    }
