"""The reminder pipeline: dispatch due reminders into notifications, deliver them per channel,
sweep what waits too long, act on them, mark unanswered doses missed, alert caregivers.

Exactly once per occurrence and channel (DESIGN invariants 3–4):
- The dispatcher claims due reminders in a transaction (``SELECT … FOR UPDATE SKIP LOCKED`` on
  PostgreSQL, so two dispatchers take different rows; SQLite runs every write transaction
  IMMEDIATE — one writer at a time — which serialises them instead). It creates the
  notifications under the unique (reminder, occurrence) key, advances each reminder and commits;
  deliveries are enqueued only after the commit. A dispatcher killed mid-batch commits nothing,
  and the next run claims the same reminders again.
- A delivery is claimed by a conditional UPDATE (pending → sending) before it is sent, so a
  task delivered twice sends once; a worker killed while sending leaves a stale claim that the
  sweeper frees. The sweeper also enqueues again deliveries whose message was lost (a Redis
  restart loses the queue). The one window left is a crash between a channel accepting a
  message and the row being marked sent: that message may go out twice, never zero times.
- No countdown beyond CELERY_MAX_COUNTDOWN_SECONDS (below the broker's visibility timeout);
  longer waits (quiet hours, late retries) are left to the sweeper.
- History is never deleted here: notifications and deliveries stay, doses are only created.
"""

import logging
import random
import time as clock
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID, uuid4
from zoneinfo import ZoneInfo

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, F, Q
from django.utils.translation import gettext

from tracker import notifications as channels
from tracker.domain.notification_texts import caregiver_alert_texts, reminder_texts
from tracker.domain.reminders import defer_for_quiet_hours
from tracker.domain.timezones import local_day_bounds
from tracker.models import (
    Alert,
    CareLink,
    Delivery,
    DeliveryStatus,
    DoseStatus,
    InjectionPlan,
    Notification,
    Profile,
    Reminder,
    SupplementDose,
)
from tracker.models.supplements import DoseSource
from tracker.queries.care import MISSED_DOSE_ALERTS, active_links
from tracker.queries.injections import plan_statuses
from tracker.services.reminders import fire_time, next_occurrence_for
from tracker.services.supplements import record_supplement_dose, update_supplement_dose

logger = logging.getLogger(__name__)

OUTSIDE_CHANNELS = ("email", "webpush", "push")
# Set by the tasks module; the services only ask for "enqueue these deliveries".
Enqueue = Callable[[list[int]], None]
ENQUEUE_CHUNK = 50


def _claim(queryset: Any) -> Any:
    if connection.vendor == "postgresql":
        # Two dispatchers at once take different rows; a row locked by one is skipped by the
        # other instead of waiting for it (and then firing it a second time).
        return queryset.select_for_update(skip_locked=True, of=("self",))
    return queryset.select_for_update()  # SQLite: the IMMEDIATE transaction is the lock


def channels_for(reminder_channels: Iterable[str], profile: Profile) -> list[str]:
    """The reminder's channels (the profile's when it names none); the inbox always."""
    chosen = list(reminder_channels) or list(profile.notification_channels)
    return ["inapp", *[c for c in chosen if c in OUTSIDE_CHANNELS]]


def _deliveries(
    notification: Notification, *, round_: int, now: datetime, capped: bool, start: datetime
) -> list[Delivery]:
    rows = []
    for channel in notification.channels:
        if channel == "inapp":
            # The committed notification is the inbox entry: delivered with the commit.
            rows.append(
                Delivery(
                    notification=notification,
                    channel=channel,
                    round=round_,
                    status=DeliveryStatus.SENT,
                    next_attempt_at=now,
                    sent_at=now,
                    log=[{"at": now.isoformat(), "outcome": "in inbox"}],
                )
            )
        elif capped:
            rows.append(
                Delivery(
                    notification=notification,
                    channel=channel,
                    round=round_,
                    status=DeliveryStatus.SKIPPED,
                    next_attempt_at=now,
                    last_error="daily cap reached",
                    log=[{"at": now.isoformat(), "outcome": "skipped: daily cap reached"}],
                )
            )
        else:
            rows.append(
                Delivery(
                    notification=notification,
                    channel=channel,
                    round=round_,
                    next_attempt_at=start,
                    enqueued_at=now if start <= now else None,
                )
            )
    return rows


def _sent_today(owner_ids: Iterable[UUID], now: datetime) -> dict[UUID, int]:
    rows = (
        Delivery.objects.filter(
            notification__owner_id__in=list(owner_ids),
            created_at__gte=now - timedelta(days=1),
        )
        .exclude(channel="inapp")
        # What went out or is about to; skipped ones (no device, capped) use none of it.
        .filter(status__in=[DeliveryStatus.PENDING, DeliveryStatus.SENDING, DeliveryStatus.SENT])
        .values_list("notification__owner_id")
        .annotate(count=Count("pk"))
    )
    return dict(rows)  # type: ignore[arg-type]


@dataclass
class DispatchResult:
    notifications: int = 0
    refired: int = 0
    batches: int = 0


def _enqueue_after_commit(ids: list[int], enqueue: Enqueue) -> None:
    # robust: a broker that is down fails one chunk (logged; the sweeper sends it later), not
    # the rest of the batch's chunks nor the dispatcher run.
    for start in range(0, len(ids), ENQUEUE_CHUNK):
        chunk = ids[start : start + ENQUEUE_CHUNK]
        transaction.on_commit(lambda chunk=chunk: enqueue(chunk), robust=True)  # type: ignore[misc]


def dispatch_batch(*, now: datetime, enqueue: Enqueue, batch_size: int) -> int:
    """Claims up to ``batch_size`` due reminders and makes one notification per occurrence.
    Returns the number of reminders claimed (0: nothing due)."""
    with transaction.atomic():
        due = list(
            _claim(
                Reminder.objects.filter(
                    active=True, deleted_at__isnull=True, next_fire_at__lte=now
                ).order_by("next_fire_at")
            ).select_related("owner__profile", "supplement", "injection_plan")[:batch_size]
        )
        if not due:
            return 0
        sent = _sent_today({r.owner_id for r in due}, now)
        # Injection reminders follow their plan's next due date: one query per time zone.
        by_zone: dict[str, list[Any]] = defaultdict(list)
        for reminder in due:
            if reminder.kind == "injection" and reminder.injection_plan is not None:
                by_zone[reminder.owner.profile.effective_timezone].append(reminder.injection_plan)
        statuses: dict[Any, Any] = {}
        for zone, zone_plans in by_zone.items():
            today = now.astimezone(ZoneInfo(zone)).date()
            statuses.update(plan_statuses(zone_plans, tz_name=zone, today=today))

        notifications = []
        for reminder in due:
            profile = reminder.owner.profile
            occurrence = reminder.next_occurrence_at or reminder.next_fire_at
            name = (
                reminder.supplement.name
                if reminder.supplement
                else reminder.injection_plan.product
                if reminder.injection_plan
                else ""
            )
            heads_up = 0
            if reminder.kind == "injection" and reminder.injection_plan:
                due_on = statuses[reminder.injection_plan.pk].next_due
                local_day = occurrence.astimezone(ZoneInfo(profile.effective_timezone)).date()
                heads_up = max(0, (due_on - local_day).days) if due_on else 0
            texts = reminder_texts(
                kind=reminder.kind,
                discreet=profile.discreet_notifications,
                name=name,
                heads_up_days=heads_up,
            )
            notifications.append(
                Notification(
                    id=uuid4(),
                    owner_id=reminder.owner_id,
                    reminder=reminder,
                    kind=reminder.kind,
                    occurrence=occurrence,
                    title=texts.title,
                    body=texts.body,
                    channels=channels_for(reminder.channels, profile),
                )
            )
            # Occurrences that passed while nothing ran are not sent one by one a minute
            # apart: the latest due one fires (late) and the rule continues from now.
            after = max(occurrence, now)  # type: ignore[type-var]
            reminder.next_occurrence_at = next_occurrence_for(
                reminder,
                after=after,
                tz_name=profile.effective_timezone,
                plan_status=statuses.get(reminder.injection_plan_id),
            )
            reminder.snoozed_until = None
            reminder.next_fire_at = fire_time(
                reminder.next_occurrence_at, reminder=reminder, profile=profile
            )
            reminder.last_fired_at = now

        # A notification that already exists for an occurrence (a dispatcher that crashed
        # after committing? impossible — but a manual re-run or clock skew) is not made twice.
        Notification.objects.bulk_create(notifications, ignore_conflicts=True)
        created = set(
            Notification.objects.filter(pk__in=[n.pk for n in notifications]).values_list(
                "pk", flat=True
            )
        )
        rows: list[Delivery] = []
        for notification in notifications:
            if notification.pk not in created:
                continue
            count = sent.get(notification.owner_id, 0)
            outside = len(notification.channels) - 1
            capped = count + outside > settings.NOTIFICATION_DAILY_CAP
            sent[notification.owner_id] = count + outside
            rows += _deliveries(notification, round_=1, now=now, capped=capped, start=now)
        Delivery.objects.bulk_create(rows)
        Reminder.objects.bulk_update(
            due, ["next_occurrence_at", "next_fire_at", "snoozed_until", "last_fired_at"]
        )
        pending = [d.pk for d in rows if d.status == DeliveryStatus.PENDING]
        _enqueue_after_commit(pending, enqueue)
    return len(due)


def refire_snoozed(*, now: datetime, enqueue: Enqueue, batch_size: int) -> int:
    """Snoozed notifications due again: one more round of deliveries each."""
    with transaction.atomic():
        snoozed = list(
            _claim(Notification.objects.filter(refire_at__lte=now, deleted_at__isnull=True))
            .select_related("owner__profile")
            .order_by("refire_at")[:batch_size]
        )
        rows: list[Delivery] = []
        for notification in snoozed:
            notification.rounds += 1
            notification.refire_at = None
            notification.read_at = None  # shown as new again in the inbox
            rows += _deliveries(
                notification, round_=notification.rounds, now=now, capped=False, start=now
            )
        Delivery.objects.bulk_create(rows)
        Notification.objects.bulk_update(snoozed, ["rounds", "refire_at", "read_at", "updated_at"])
        _enqueue_after_commit([d.pk for d in rows if d.status == DeliveryStatus.PENDING], enqueue)
    return len(snoozed)


def dispatch_due(*, now_fn: Callable[[], datetime], enqueue: Enqueue) -> DispatchResult:
    """Batches until nothing is due or the time budget is spent (the next beat run goes on)."""
    result = DispatchResult()
    deadline = clock.monotonic() + settings.REMINDER_DISPATCH_BUDGET_SECONDS
    size = settings.REMINDER_BATCH_SIZE
    while clock.monotonic() < deadline:
        claimed = dispatch_batch(now=now_fn(), enqueue=enqueue, batch_size=size)
        result.notifications += claimed
        result.batches += 1
        if claimed < size:
            break
    while clock.monotonic() < deadline:
        refired = refire_snoozed(now=now_fn(), enqueue=enqueue, batch_size=size)
        result.refired += refired
        if refired < size:
            break
    return result


# --- delivery ----------------------------------------------------------------------------


def backoff_seconds(attempt: int, *, rng: random.Random | None = None) -> float:
    """Exponential (30 s, 60 s, 2 min …) with full jitter in the upper half, capped at the
    longest countdown the broker may hold."""
    rng = rng or random.Random()
    base = settings.DELIVERY_FIRST_RETRY_SECONDS * 2 ** max(attempt - 1, 0)
    capped = min(base, settings.CELERY_MAX_COUNTDOWN_SECONDS)
    return rng.uniform(capped / 2, capped)


def _message(delivery: Delivery) -> channels.Message:
    notification = delivery.notification
    return channels.Message(
        delivery_id=delivery.pk,
        notification_id=notification.pk,
        user_id=notification.owner_id,
        email=notification.owner.email,
        kind=notification.kind,
        title=notification.title,
        body=notification.body,
        url=f"/notifications/{notification.pk}/",
        data={"notification_id": str(notification.pk), "kind": notification.kind},
    )


@dataclass(frozen=True)
class Attempt:
    status: str
    retry_in: float | None = None


def deliver(*, delivery_id: int, now: datetime, retry: Callable[[int, float], None]) -> Attempt:
    """One attempt at one delivery. Idempotent: only a pending, due delivery is claimed."""
    claimed = Delivery.objects.filter(
        pk=delivery_id, status=DeliveryStatus.PENDING, next_attempt_at__lte=now
    ).update(status=DeliveryStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    if not claimed:
        return Attempt("not claimed")  # sent, given up, taken by another worker, or erased
    delivery = Delivery.objects.select_related("notification__owner").filter(pk=delivery_id).first()
    if delivery is None:
        return Attempt("not claimed")  # erased between the claim and this read: nothing to do
    notification = delivery.notification
    entry: dict[str, Any] = {"at": now.isoformat(), "attempt": delivery.attempts}
    retry_in = None
    if notification.acted_at is not None and notification.refire_at is None:
        status, entry["outcome"] = DeliveryStatus.SKIPPED, "skipped: already answered"
    else:
        try:
            entry["outcome"] = channels.send(delivery.channel, _message(delivery))
            status = DeliveryStatus.SENT
        except channels.NoRecipient as exc:
            status, entry["outcome"] = DeliveryStatus.SKIPPED, f"skipped: {exc}"
        except SoftTimeLimitExceeded:
            raise  # the task's time is up: the claim goes stale and the sweeper frees it
        except channels.PermanentError as exc:
            status, entry["error"] = DeliveryStatus.FAILED, f"permanent: {exc}"
        except Exception as exc:  # transient, or a bug: both are retried within the bound
            kind = "transient" if isinstance(exc, channels.TransientError) else "error"
            entry["error"] = f"{kind}: {type(exc).__name__}: {exc}"[:300]
            if delivery.attempts >= settings.DELIVERY_MAX_ATTEMPTS:
                status = DeliveryStatus.FAILED
            else:
                status, retry_in = DeliveryStatus.PENDING, backoff_seconds(delivery.attempts)
    updates: dict[str, Any] = {
        "status": status,
        "claimed_at": None,
        "log": [*delivery.log, entry],
        "last_error": entry.get("error", ""),
        "updated_at": now,
    }
    if status == DeliveryStatus.SENT:
        updates["sent_at"] = now
    if retry_in is not None:
        updates["next_attempt_at"] = now + timedelta(seconds=retry_in)
        updates["enqueued_at"] = now
    # Only this claim's row: a claim freed by the sweeper and taken again is not overwritten.
    Delivery.objects.filter(pk=delivery_id, status=DeliveryStatus.SENDING, claimed_at=now).update(
        **updates
    )
    if retry_in is not None:
        transaction.on_commit(lambda: retry(delivery_id, retry_in), robust=True)
    # The channel and outcome only: no health words, addresses or tokens in logs.
    logger.info("delivery %s via %s: %s", delivery_id, delivery.channel, status)
    return Attempt(status, retry_in)


def sweep(*, now: datetime, enqueue: Enqueue, limit: int = 5000) -> int:
    """Frees stale claims and enqueues again what has waited too long since its last enqueue."""
    stale = now - timedelta(seconds=settings.DELIVERY_SWEEP_AFTER_SECONDS)
    with transaction.atomic():
        Delivery.objects.filter(status=DeliveryStatus.SENDING, claimed_at__lt=stale).update(
            status=DeliveryStatus.PENDING, claimed_at=None
        )
        waiting = list(
            Delivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
            .filter(Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=stale))
            .order_by("next_attempt_at")
            .values_list("pk", flat=True)[:limit]
        )
        Delivery.objects.filter(pk__in=waiting).update(enqueued_at=now)
        _enqueue_after_commit(waiting, enqueue)
    return len(waiting)


# --- acting ------------------------------------------------------------------------------

SNOOZE_DEFAULT_MINUTES = 10


def refused_action(*, notification: Notification, action: str) -> str | None:
    """Why this answer is refused, or None. An alert about someone else (a caregiver's) records
    nothing of theirs: it can only be snoozed or read (the API and the web inbox both ask)."""
    if notification.kind.startswith("caregiver_") and action != "snooze":
        return gettext("An alert about someone else can only be snoozed or read.")
    return None


@dataclass(frozen=True)
class ActResult:
    notification: Notification
    dose: SupplementDose | None
    injection_draft: dict[str, Any] | None


def _dose_for(notification: Notification, *, status: str, now: datetime) -> SupplementDose | None:
    reminder = notification.reminder
    if reminder is None or reminder.kind != "supplement" or reminder.supplement is None:
        return None
    existing = (
        SupplementDose.objects.select_for_update()
        .filter(
            supplement=reminder.supplement,
            scheduled_for=notification.occurrence,
            deleted_at__isnull=True,
        )
        .first()
    )
    if existing is not None:
        # Already recorded for this occurrence (logged by hand, or marked missed): the answer
        # updates that record, never adds a second one.
        return update_supplement_dose(
            dose=existing, changes={"status": status, "source": DoseSource.REMINDER}, now=now
        )
    return record_supplement_dose(
        user=notification.owner,
        supplement=reminder.supplement,
        status=status,
        now=now,
        scheduled_for=notification.occurrence,
        source=DoseSource.REMINDER,
    )


def act_on_notification(
    *, notification: Notification, action: str, now: datetime, minutes: int | None = None
) -> ActResult:
    """taken / skipped / snooze. Replaying the same answer changes nothing."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(of=("self",))
            .select_related("owner", "reminder__supplement", "reminder__injection_plan")
            .get(pk=notification.pk)
        )
        dose = None
        draft = None
        if action == "snooze":
            notification.refire_at = now + timedelta(minutes=minutes or SNOOZE_DEFAULT_MINUTES)
            notification.action = "snoozed"
        else:
            status = DoseStatus.TAKEN if action == "taken" else DoseStatus.SKIPPED
            dose = _dose_for(notification, status=status, now=now)
            notification.action = action
            notification.refire_at = None
            notification.dose = dose or notification.dose
            reminder = notification.reminder
            if action == "taken" and reminder and reminder.kind == "injection":
                plan = reminder.injection_plan
                draft = {
                    "plan": str(plan.pk) if plan else None,
                    "given_at": now.isoformat(),
                    "dose_ug": str(plan.dose_ug) if plan else None,
                }
        notification.acted_at = now
        notification.read_at = notification.read_at or now
        notification.save()
    return ActResult(notification=notification, dose=dose, injection_draft=draft)


def mark_read(*, notification: Notification, now: datetime) -> Notification:
    if notification.read_at is None:
        notification.read_at = now
        notification.save(update_fields=["read_at", "updated_at"])
    return notification


# --- missed doses and caregivers ----------------------------------------------------------

# Look back this far for unanswered reminders and new missed doses (bounded scans).
LOOKBACK = timedelta(days=3)


def mark_missed_doses(*, now: datetime) -> int:
    """Supplement reminders nobody answered within MISSED_AFTER_MINUTES become missed doses
    (source auto_missed), linked to their notification. Idempotent: one dose per scheduled
    occurrence is a database constraint, and answered or linked notifications are skipped."""
    cutoff = now - timedelta(minutes=settings.MISSED_AFTER_MINUTES)
    count = 0
    unanswered = (
        Notification.objects.filter(
            kind="supplement",
            reminder__isnull=False,
            acted_at__isnull=True,
            dose__isnull=True,
            refire_at__isnull=True,
            deleted_at__isnull=True,
            occurrence__lte=cutoff,
            occurrence__gte=now - LOOKBACK,
        )
        .select_related("reminder__supplement")
        .order_by("occurrence")[:1000]
    )
    for notification in unanswered:
        with transaction.atomic():
            dose = _missed_dose(notification)
            Notification.objects.filter(pk=notification.pk, dose__isnull=True).update(
                dose=dose, updated_at=now
            )
            count += 1
    return count


def _missed_dose(notification: Notification) -> SupplementDose | None:
    reminder = notification.reminder
    if reminder is None or reminder.supplement is None:
        return None
    existing = SupplementDose.objects.filter(
        supplement=reminder.supplement,
        scheduled_for=notification.occurrence,
        deleted_at__isnull=True,
    ).first()
    if existing is not None:
        return existing  # logged by hand meanwhile: nothing is missed
    return SupplementDose.objects.create(
        owner_id=notification.owner_id,
        supplement=reminder.supplement,
        status=DoseStatus.MISSED,
        scheduled_for=notification.occurrence,
        occurred_at=notification.occurrence,
        b12_ug=0,
        route=reminder.supplement.route,
        source=DoseSource.AUTO_MISSED,
    )


@dataclass(frozen=True)
class CareEvent:
    patient_id: UUID
    kind: str
    key: str
    occurrence: datetime
    dose: SupplementDose | None = None


def _care_events(patient_ids: list[UUID], *, now: datetime) -> list[CareEvent]:
    """Missed doses, red-flag alerts and overdue injections of these patients that happened
    more than CARE_ALERT_DELAY_MINUTES ago (and within LOOKBACK)."""
    delay = timedelta(minutes=settings.CARE_ALERT_DELAY_MINUTES)
    window = {"__lte": now - delay, "__gte": now - LOOKBACK}
    events = [
        CareEvent(dose.owner_id, "caregiver_missed_dose", f"dose:{dose.pk}", dose.occurred_at, dose)
        for dose in SupplementDose.objects.filter(
            owner_id__in=patient_ids,
            status=DoseStatus.MISSED,
            deleted_at__isnull=True,
            **{f"occurred_at{k}": v for k, v in window.items()},
        )
    ]
    events += [
        CareEvent(alert.owner_id, "caregiver_red_flag", f"red-flag:{alert.pk}", alert.created_at)
        for alert in Alert.objects.filter(
            owner_id__in=patient_ids,
            deleted_at__isnull=True,
            **{f"created_at{k}": v for k, v in window.items()},
        )
    ]
    plans_by_zone: dict[str, list[InjectionPlan]] = defaultdict(list)
    for plan in InjectionPlan.objects.filter(
        owner_id__in=patient_ids, active=True, deleted_at__isnull=True
    ).select_related("owner__profile"):
        plans_by_zone[plan.owner.profile.effective_timezone].append(plan)
    for zone, plans in plans_by_zone.items():
        statuses = plan_statuses(plans, tz_name=zone, today=now.astimezone(ZoneInfo(zone)).date())
        for plan in plans:
            due = statuses[plan.pk].next_due
            if due is None:
                continue
            # Overdue from the start of the day after the due date, in the patient's zone.
            overdue_at = local_day_bounds(due + timedelta(days=1), zone)
            if overdue_at <= now - delay and overdue_at >= now - LOOKBACK:
                events.append(
                    CareEvent(
                        plan.owner_id,
                        "caregiver_overdue_injection",
                        f"injection:{plan.pk}:{due.isoformat()}",
                        overdue_at,
                    )
                )
    return events


def alert_caregivers(*, now: datetime, enqueue: Enqueue) -> int:
    """A missed dose, a red-flag alert or an overdue injection, more than
    CARE_ALERT_DELAY_MINUTES old, makes one alert for each caregiver whose active, unexpired
    link grants missed-dose alerts, through the caregiver's own channels and quiet hours
    (unique per caregiver and event: never twice)."""
    links = active_links(now=now).select_related("caregiver__profile", "patient")
    by_patient: dict[UUID, list[CareLink]] = defaultdict(list)
    for link in links:
        if MISSED_DOSE_ALERTS in (link.permissions or []):
            by_patient[link.patient_id].append(link)
    if not by_patient:
        return 0
    alerts = []
    starts: dict[UUID, datetime] = {}
    for event in _care_events(list(by_patient), now=now):
        for link in by_patient[event.patient_id]:
            assert link.caregiver is not None  # active links have one (a database constraint)
            profile = link.caregiver.profile
            texts = caregiver_alert_texts(
                kind=event.kind,
                discreet=profile.discreet_notifications,
                patient_email=link.patient.email,
            )
            alert = Notification(
                id=uuid4(),
                owner=link.caregiver,
                kind=event.kind,
                occurrence=event.occurrence,
                title=texts.title,
                body=texts.body,
                channels=channels_for([], profile),
                patient_id=event.patient_id,
                about_dose=event.dose,
                alert_key=event.key,
            )
            alerts.append(alert)
            starts[alert.pk] = defer_for_quiet_hours(
                now,
                tz_name=profile.effective_timezone,
                start=profile.quiet_hours_start,
                end=profile.quiet_hours_end,
            )
    with transaction.atomic():
        Notification.objects.bulk_create(alerts, ignore_conflicts=True)
        created = set(
            Notification.objects.filter(pk__in=[a.pk for a in alerts]).values_list("pk", flat=True)
        )
        rows: list[Delivery] = []
        for alert in alerts:
            if alert.pk in created:
                rows += _deliveries(alert, round_=1, now=now, capped=False, start=starts[alert.pk])
        Delivery.objects.bulk_create(rows)
        _enqueue_after_commit(
            [d.pk for d in rows if d.status == DeliveryStatus.PENDING and d.enqueued_at], enqueue
        )
    return len(created)
