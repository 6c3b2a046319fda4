"""Reminder rules: create, change, snooze, and when each fires next.

The next occurrence is computed in the person's effective time zone (the pinned home zone wins)
by tracker.domain.reminders; the fire time is that occurrence, moved past a snooze and out of
the person's quiet hours. Both are stored in UTC on the reminder, where the dispatcher's
partial index finds them.
"""

from datetime import datetime, time, timedelta
from typing import Any
from uuid import UUID

from django.db import transaction

from tracker.domain.reminders import (
    ReminderRule,
    defer_for_quiet_hours,
    next_injection_occurrence,
    next_occurrence,
    next_one_off,
    parse_times,
)
from tracker.domain.schedules import ScheduleStatus
from tracker.models import Notification, Profile, Reminder, User
from tracker.queries.injections import plan_statuses
from tracker.services.records import chosen_id

# The default time of day for injection and lab reminders without times of their own.
DEFAULT_TIME = time(9, 0)


def rule_for(reminder: Reminder) -> ReminderRule:
    return ReminderRule(
        times=parse_times(reminder.times),
        weekdays=frozenset(reminder.weekdays or ()),
        every_n_days=reminder.every_n_days,
        start_date=reminder.start_date,
    )


def _times(reminder: Reminder) -> tuple[time, ...]:
    return parse_times(reminder.times) if reminder.times else (DEFAULT_TIME,)


def next_occurrence_for(
    reminder: Reminder,
    *,
    after: datetime,
    tz_name: str,
    plan_status: ScheduleStatus | None = None,
) -> datetime | None:
    """The rule's first occurrence strictly after ``after``. Injection reminders need the
    plan's status (its next due date), computed by the caller for a whole batch at once."""
    if not reminder.active or reminder.deleted_at is not None:
        return None
    if reminder.kind == "injection":
        return next_injection_occurrence(
            next_due=plan_status.next_due if plan_status else None,
            heads_up_days=reminder.heads_up_days,
            times=_times(reminder),
            overdue_repeat_days=reminder.overdue_repeat_days,
            after=after,
            tz_name=tz_name,
        )
    if reminder.kind == "lab":
        assert reminder.start_date is not None  # a database constraint
        return next_one_off(
            on=reminder.start_date, times=_times(reminder), after=after, tz_name=tz_name
        )
    return next_occurrence(rule_for(reminder), after=after, tz_name=tz_name)


def fire_time(
    occurrence: datetime | None, *, reminder: Reminder, profile: Profile
) -> datetime | None:
    if occurrence is None:
        return None
    at = max(occurrence, reminder.snoozed_until or occurrence)
    return defer_for_quiet_hours(
        at,
        tz_name=profile.effective_timezone,
        start=profile.quiet_hours_start,
        end=profile.quiet_hours_end,
    )


def plan_status_for(
    reminder: Reminder, *, profile: Profile, now: datetime
) -> ScheduleStatus | None:
    if reminder.kind != "injection" or reminder.injection_plan is None:
        return None
    statuses = plan_statuses(
        [reminder.injection_plan], tz_name=profile.effective_timezone, today=profile.today(now)
    )
    return statuses[reminder.injection_plan.pk]


def schedule(reminder: Reminder, *, profile: Profile, now: datetime) -> None:
    """Sets the next occurrence (strictly after now) and fire time; does not save."""
    occurrence = next_occurrence_for(
        reminder,
        after=now,
        tz_name=profile.effective_timezone,
        plan_status=plan_status_for(reminder, profile=profile, now=now),
    )
    reminder.next_occurrence_at = occurrence
    reminder.next_fire_at = fire_time(occurrence, reminder=reminder, profile=profile)


def create_reminder(
    *, user: User, now: datetime, client_id: UUID | None = None, **fields: Any
) -> Reminder:
    reminder = Reminder(owner=user, **fields, **chosen_id(client_id))
    if reminder.kind == "lab" and reminder.start_date is None:
        reminder.start_date = user.profile.today(now)
    schedule(reminder, profile=user.profile, now=now)
    with transaction.atomic():
        reminder.save()
    return reminder


def update_reminder(*, reminder: Reminder, changes: dict[str, Any], now: datetime) -> Reminder:
    for field, value in changes.items():
        setattr(reminder, field, value)
    schedule(reminder, profile=reminder.owner.profile, now=now)
    with transaction.atomic():
        reminder.save()
    return reminder


def reschedule_for_profile(*, user: User, now: datetime) -> int:
    """A new time zone, home zone or quiet hours moves every live reminder's fire time."""
    count = 0
    with transaction.atomic():
        for reminder in Reminder.objects.for_user(user).alive().filter(active=True):
            schedule(reminder, profile=user.profile, now=now)
            reminder.save(update_fields=["next_occurrence_at", "next_fire_at", "updated_at"])
            count += 1
    return count


def reschedule_injection_reminders(*, user: User, plan_id: UUID, now: datetime) -> None:
    """An injection recorded (or edited) moves the plan's next due date: its reminders too."""
    for reminder in (
        Reminder.objects.for_user(user)
        .alive()
        .filter(kind="injection", injection_plan_id=plan_id)
        .select_related("injection_plan")
    ):
        schedule(reminder, profile=user.profile, now=now)
        reminder.save(update_fields=["next_occurrence_at", "next_fire_at", "updated_at"])


# A notification this recent that nobody acted on is what "snooze" means for its reminder.
OPEN_NOTIFICATION_WINDOW = timedelta(hours=2)


def snooze_reminder(*, reminder: Reminder, minutes: int, now: datetime) -> Notification | None:
    """Re-fire after ``minutes``: the reminder's open notification when it just fired (the
    same occurrence is sent again), otherwise its upcoming occurrence is held back until then."""
    until = now + timedelta(minutes=minutes)
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update()
            .filter(
                reminder=reminder,
                acted_at__isnull=True,
                deleted_at__isnull=True,
                created_at__gte=now - OPEN_NOTIFICATION_WINDOW,
            )
            .order_by("-occurrence")
            .first()
        )
        if notification is not None:
            notification.refire_at = until
            notification.save(update_fields=["refire_at", "updated_at"])
            return notification
        reminder.snoozed_until = until
        reminder.next_fire_at = fire_time(
            reminder.next_occurrence_at, reminder=reminder, profile=reminder.owner.profile
        )
        reminder.save(update_fields=["snoozed_until", "next_fire_at", "updated_at"])
    return None
