"""What a caregiver sees of a patient: the caregiver admin's list and summary page and the
`care/patients/{id}/summary/` API all read these two functions.

Every number comes from the dashboard's and trends' own reads (DESIGN invariant 6):
``tracker.queries.daily.days_for`` for the per-day totals and adherence (through ``trends_for``
on the summary), ``tracker.queries.dashboard`` for next injections and open alerts, and the
domain's ``Adherence`` for the sums — nothing here is computed a second way.

Scoping is the caller's job: pass patients from ``tracker.queries.care.visible_patients``,
evaluated for the request at hand, and write the access log (tracker.services.audit).

Query cost (``profile`` joined by ``visible_patients``):
- ``summary_for``: 13 queries whatever the length of the history (trends 6, next injections 2,
  open alerts 1, missed doses 1, last intake 3).
- ``summary_rows``: 3 queries for the whole page (last intake) + 4 per patient (``days_for``'s
  two GROUP BY queries, next injections' two) — independent of history length, linear in the
  number of patients shown. ``days_for`` and ``plan_statuses`` read one person at a time in their
  own time zone; batching them across patients would mean a second copy of that code, and a
  caregiver has a handful of patients (the page shows at most ``list_per_page``).
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.db.models import Count, Max, Q

from tracker.domain.absorption import DayEstimate
from tracker.domain.adherence import NO_DOSES, Adherence
from tracker.domain.safety import MESSAGES, RULE_LABELS
from tracker.domain.targets import ReferenceIntake
from tracker.models import Alert, FoodIntake, Injection, SupplementDose, User
from tracker.queries.daily import Period, absorption_impaired, days_for, percent_of
from tracker.queries.dashboard import NextInjection, missed_doses, next_injections, open_alerts
from tracker.queries.trends import Trends, trends_for

WEEK_DAYS = 7
MONTH_DAYS = 30
MISSED_LIMIT = 10


@dataclass(frozen=True)
class AlertLine:
    rule: str
    label: str
    level: str
    message: str  # what the patient was shown
    created_at: datetime


@dataclass
class CareSummary:
    patient: User
    today: date  # in the patient's time zone
    tz_name: str
    target: ReferenceIntake
    day: DayEstimate  # today so far
    percent_of_target: Decimal | None
    adherence_7_days: Adherence
    adherence_30_days: Adherence
    last_intake_at: datetime | None
    next_injections: list[NextInjection]
    alerts: list[AlertLine]
    missed_doses: list[SupplementDose]  # last 7 days, newest first
    trends: Trends  # the last 30 days, by day (the charts)

    @property
    def next_injection(self) -> NextInjection | None:
        return self.next_injections[0] if self.next_injections else None


@dataclass(frozen=True)
class SummaryRow:
    patient: User
    tz_name: str
    adherence_7_days: Adherence
    adherence_30_days: Adherence
    last_intake_at: datetime | None
    next_injection: NextInjection | None
    open_alerts: int
    urgent_alerts: int


def _alert_line(alert: Alert) -> AlertLine:
    return AlertLine(
        rule=alert.rule,
        label=str(RULE_LABELS.get(alert.rule, alert.rule)),
        level=alert.level,
        message=str(MESSAGES[alert.level]),
        created_at=alert.created_at,
    )


def last_intakes(patient_ids: Sequence[UUID], *, now: datetime) -> dict[UUID, datetime]:
    """The latest logged intake per patient — food, a supplement dose taken or an injection —
    up to ``now`` (three queries for any number of patients)."""
    latest: dict[UUID, datetime] = {}
    sources: list[tuple[Any, str, Q]] = [
        (FoodIntake, "eaten_at", Q()),
        (SupplementDose, "occurred_at", Q(status="taken")),
        (Injection, "given_at", Q()),
    ]
    for model, field, condition in sources:
        rows = (
            model.objects.filter(condition, owner__in=patient_ids, **{f"{field}__lte": now})
            .alive()
            .values("owner")
            .annotate(latest=Max(field))
            .values_list("owner", "latest")
            .order_by()
        )
        for owner, at in rows:
            if at is not None and (owner not in latest or at > latest[owner]):
                latest[owner] = at
    return latest


def open_alert_counts(patient_ids: Sequence[UUID]) -> dict[UUID, tuple[int, int]]:
    """(open, urgent) per patient, with dashboard.open_alerts' definition of open (one query)."""
    rows = (
        Alert.objects.filter(owner__in=patient_ids, acknowledged_at__isnull=True)
        .alive()
        .values("owner")
        .annotate(total=Count("pk"), urgent=Count("pk", filter=Q(level="urgent")))
        .values_list("owner", "total", "urgent")
        .order_by()
    )
    return {owner: (total, urgent) for owner, total, urgent in rows}


def _adherence(by_day: dict[date, Adherence], days: Iterable[date]) -> Adherence:
    return sum((by_day.get(day, NO_DOSES) for day in days), NO_DOSES)


def summary_for(patient: User, *, now: datetime) -> CareSummary:
    profile = patient.profile
    tz_name = profile.effective_timezone
    today = profile.today(now)
    trends = trends_for(
        patient,
        first=today - timedelta(days=MONTH_DAYS - 1),
        last=today,
        bucket="day",
        today=today,
    )
    by_day = {bucket.start: bucket.adherence for bucket in trends.buckets}
    week = Period(first=today - timedelta(days=WEEK_DAYS - 1), last=today, tz_name=tz_name)
    today_bucket = trends.buckets[-1]
    day = DayEstimate(
        intake_ug=today_bucket.intake_ug,
        absorbed_ug=today_bucket.absorbed_ug,
        not_estimated_ug=today_bucket.not_estimated_ug,
        pseudo_b12_ug=today_bucket.pseudo_b12_ug,
    )
    # The dashboard's "missed doses" list, for the same seven local days.
    missed = missed_doses(patient, week, limit=MISSED_LIMIT)
    return CareSummary(
        patient=patient,
        today=today,
        tz_name=tz_name,
        target=trends.target,
        day=day,
        percent_of_target=percent_of(day.intake_ug, trends.target.ug_per_day),
        adherence_7_days=_adherence(by_day, week.dates()),
        adherence_30_days=trends.totals.adherence,
        last_intake_at=last_intakes([patient.pk], now=now).get(patient.pk),
        next_injections=next_injections(patient, tz_name=tz_name, today=today),
        alerts=[_alert_line(alert) for alert in open_alerts(patient)],
        missed_doses=missed,
        trends=trends,
    )


def summary_rows(patients: Iterable[User], *, now: datetime) -> list[SummaryRow]:
    """One row per patient, in the order given (see the module docstring for the cost)."""
    patients = list(patients)
    ids = [patient.pk for patient in patients]
    latest = last_intakes(ids, now=now)
    alerts = open_alert_counts(ids)
    rows = []
    for patient in patients:
        profile = patient.profile
        tz_name = profile.effective_timezone
        today = profile.today(now)
        month = Period(first=today - timedelta(days=MONTH_DAYS - 1), last=today, tz_name=tz_name)
        read = days_for(patient, month, impaired=absorption_impaired(profile))
        plans = next_injections(patient, tz_name=tz_name, today=today)
        total, urgent = alerts.get(patient.pk, (0, 0))
        rows.append(
            SummaryRow(
                patient=patient,
                tz_name=tz_name,
                adherence_7_days=_adherence(read.adherence, month.dates()[-WEEK_DAYS:]),
                adherence_30_days=_adherence(read.adherence, month.dates()),
                last_intake_at=latest.get(patient.pk),
                next_injection=plans[0] if plans else None,
                open_alerts=total,
                urgent_alerts=urgent,
            )
        )
    return rows
