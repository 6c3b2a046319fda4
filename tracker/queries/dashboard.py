"""Today at a glance, in the person's time zone: what they logged, the absorbed estimate
against their reference intake, the last seven days, the next injection, missed doses, open
red-flag alerts and suggested reading.

The query count is fixed (about a dozen) whatever the length of the history: every number comes
from the per-day aggregates of tracker.queries.daily over the last seven local days, and the
lists are bounded.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from tracker.domain.absorption import DayEstimate
from tracker.domain.adherence import NO_DOSES, Adherence
from tracker.domain.targets import ReferenceIntake
from tracker.models import (
    Alert,
    Article,
    InjectionPlan,
    Notification,
    Profile,
    Reminder,
    SupplementDose,
)
from tracker.queries.content import suggested_articles
from tracker.queries.daily import (
    Period,
    absorption_impaired,
    days_for,
    percent_of,
    target_for,
)
from tracker.queries.injections import plan_statuses

WEEK_DAYS = 7
LIST_LIMIT = 10


@dataclass(frozen=True)
class NextInjection:
    plan: InjectionPlan
    next_due: date | None
    overdue_days: int
    phase: str


@dataclass
class Dashboard:
    today: date
    tz_name: str
    day: DayEstimate
    target: ReferenceIntake
    percent_of_target: Decimal | None
    week: list[tuple[date, DayEstimate]]
    week_intake_daily_avg_ug: Decimal
    week_absorbed_daily_avg_ug: Decimal
    days_with_entries: int
    adherence_today: Adherence
    adherence_week: Adherence
    next_injections: list[NextInjection]
    missed_doses: list[SupplementDose]
    # Reminders that fired and wait for an answer, and those still to fire today.
    open_notifications: list[Notification]
    upcoming_reminders: list[Reminder]
    alerts: list[Alert]
    suggestions: list[tuple[Article, list[str]]]


def _average(total: Decimal, days: int) -> Decimal:
    return (total / days).quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)


def open_alerts(user: Any, limit: int = LIST_LIMIT) -> list[Alert]:
    """Red-flag alerts not yet acknowledged, newest first."""
    return list(
        Alert.objects.for_user(user)
        .alive()
        .filter(acknowledged_at__isnull=True)
        .order_by("-created_at")[:limit]
    )


def next_injections(user: Any, *, tz_name: str, today: date) -> list[NextInjection]:
    """Active plans with their next due date, soonest (or most overdue) first. Two queries."""
    plans = list(InjectionPlan.objects.for_user(user).alive().filter(active=True))
    statuses = plan_statuses(plans, tz_name=tz_name, today=today)
    result = [
        NextInjection(
            plan=plan,
            next_due=statuses[plan.pk].next_due,
            overdue_days=statuses[plan.pk].overdue_days,
            phase=statuses[plan.pk].phase,
        )
        for plan in plans
    ]
    result.sort(key=lambda item: (item.next_due is None, item.next_due or date.max))
    return result


# An inbox entry older than this no longer counts as "due" on today's dashboard.
OPEN_FOR = timedelta(hours=24)


def open_notifications(user: Any, *, now: datetime, limit: int = LIST_LIMIT) -> list[Notification]:
    """Fired in the last day and not answered yet, newest first."""
    return list(
        Notification.objects.for_user(user)
        .alive()
        .filter(acted_at__isnull=True, occurrence__gte=now - OPEN_FOR, occurrence__lte=now)
        .order_by("-occurrence")[:limit]
    )


def upcoming_reminders(user: Any, *, now: datetime, until: datetime) -> list[Reminder]:
    return list(
        Reminder.objects.for_user(user)
        .alive()
        .filter(active=True, next_fire_at__gt=now, next_fire_at__lt=until)
        .order_by("next_fire_at")[:LIST_LIMIT]
    )


def missed_doses(user: Any, period: Period, limit: int = LIST_LIMIT) -> list[SupplementDose]:
    """Doses recorded as missed in the period, newest first, with their supplement."""
    return list(
        SupplementDose.objects.for_user(user)
        .alive()
        .filter(status="missed", occurred_at__gte=period.since, occurred_at__lt=period.until)
        .select_related("supplement")
        .order_by("-occurred_at")[:limit]
    )


def dashboard_for(user: Any, *, now: datetime) -> Dashboard:
    profile: Profile = user.profile
    tz_name = profile.effective_timezone
    today = profile.today(now)
    week = Period(first=today - timedelta(days=WEEK_DAYS - 1), last=today, tz_name=tz_name)
    target = target_for(profile, today)
    read = days_for(user, week, impaired=absorption_impaired(profile))
    days, adherence = read.intake, read.adherence
    day = days[today]
    week_intake = sum((d.intake_ug for d in days.values()), Decimal(0))
    week_absorbed = sum((d.absorbed_ug for d in days.values()), Decimal(0))
    missed = missed_doses(user, week)
    return Dashboard(
        today=today,
        tz_name=tz_name,
        day=day,
        target=target,
        percent_of_target=percent_of(day.intake_ug, target.ug_per_day),
        week=sorted(days.items()),
        week_intake_daily_avg_ug=_average(week_intake, WEEK_DAYS),
        week_absorbed_daily_avg_ug=_average(week_absorbed, WEEK_DAYS),
        days_with_entries=sum(1 for d in days.values() if d.intake_ug > 0),
        adherence_today=adherence.get(today, NO_DOSES),
        adherence_week=sum(adherence.values(), NO_DOSES),
        next_injections=next_injections(user, tz_name=tz_name, today=today),
        missed_doses=missed,
        open_notifications=open_notifications(user, now=now),
        upcoming_reminders=upcoming_reminders(user, now=now, until=week.until),
        alerts=open_alerts(user),
        suggestions=suggested_articles(user, limit=3),
    )
