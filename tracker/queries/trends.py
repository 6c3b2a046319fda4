"""Trends over a period: intake, the absorbed estimate, target, adherence, injections, symptoms
and lab values, by day, ISO week or calendar month in the person's time zone.

A fixed number of queries whatever the period (see tracker.queries.daily): the days are
aggregated by the database and rolled up into buckets here.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal
from uuid import UUID

from tracker.domain.absorption import DayEstimate
from tracker.domain.adherence import NO_DOSES, Adherence, injection_timeliness
from tracker.domain.schedules import local_date
from tracker.domain.targets import ReferenceIntake
from tracker.domain.units import LAB_TESTS, convert
from tracker.models import Injection, InjectionPlan, LabResult, Profile
from tracker.queries.daily import (
    Period,
    SymptomDay,
    absorption_impaired,
    days_for,
    percent_of,
    symptoms_by_day,
    target_for,
)
from tracker.queries.injections import schedule_for

BucketSize = Literal["day", "week", "month"]
BUCKETS: tuple[BucketSize, ...] = ("day", "week", "month")
# Two full years with a margin for leap days and a partial month at each end; longer periods
# are split by the client (keeps a day-bucket response under about 1,100 rows).
MAX_PERIOD_DAYS = 1100
DEFAULT_PERIOD_DAYS = 30

_CENT = Decimal("0.01")
_THOUSANDTH = Decimal("0.001")


def bucket_start(day: date, size: BucketSize) -> date:
    if size == "week":
        return day - timedelta(days=day.weekday())  # ISO weeks start on Monday
    if size == "month":
        return day.replace(day=1)
    return day


@dataclass(frozen=True)
class SymptomBucket:
    entries: int
    mean_severity: Decimal
    max_severity: int


@dataclass
class Bucket:
    start: date  # first local date of the bucket inside the period
    end: date  # last local date of the bucket inside the period
    days: int
    intake_ug: Decimal  # totals over the bucket, as logged
    absorbed_ug: Decimal  # the estimate
    not_estimated_ug: Decimal
    pseudo_b12_ug: Decimal
    intake_daily_avg_ug: Decimal
    absorbed_daily_avg_ug: Decimal
    target_ug: Decimal
    # Average daily intake against the daily reference intake (population values are for
    # intake, not absorbed amounts: the adult RDA already assumes 50 % absorption, IOM 1998).
    percent_of_target: Decimal | None
    adherence: Adherence
    injections: int
    symptoms: dict[str, SymptomBucket] = field(default_factory=dict)


@dataclass(frozen=True)
class InjectionEvent:
    id: UUID
    given_at: datetime
    dose_ug: Decimal
    site: str
    plan_id: UUID | None
    product: str  # the plan's product, "" without a plan
    due_on: date | None
    days_late: int | None  # negative: early


@dataclass(frozen=True)
class LabPoint:
    id: UUID
    sampled_at: datetime
    value: Decimal
    unit: str
    canonical_value: Decimal
    canonical_unit: str
    # The lab's own range, converted to the canonical unit (the lab's range wins, DOMAIN §4).
    reference_low: Decimal | None
    reference_high: Decimal | None
    drawn_after_injection: bool


@dataclass
class Trends:
    period: Period
    bucket: BucketSize
    target: ReferenceIntake
    buckets: list[Bucket]
    injections: list[InjectionEvent]
    labs: dict[str, list[LabPoint]]
    totals: Bucket  # the whole period as one bucket


def _roll_up(
    days: list[date],
    intake: dict[date, DayEstimate],
    adherence: dict[date, Adherence],
    symptoms: dict[str, dict[date, SymptomDay]],
    injections_on: dict[date, int],
    target_ug: Decimal,
) -> Bucket:
    totals = [intake[day] for day in days]
    intake_ug = sum((t.intake_ug for t in totals), Decimal(0))
    absorbed_ug = sum((t.absorbed_ug for t in totals), Decimal(0))
    count = len(days)
    daily_avg = (intake_ug / count).quantize(_THOUSANDTH, rounding=ROUND_HALF_UP)
    bucket_symptoms = {}
    for code, by_day in sorted(symptoms.items()):
        present = [by_day[day] for day in days if day in by_day]
        if present:
            entries = sum(s.entries for s in present)
            bucket_symptoms[code] = SymptomBucket(
                entries=entries,
                mean_severity=(Decimal(sum(s.severity_sum for s in present)) / entries).quantize(
                    _CENT, rounding=ROUND_HALF_UP
                ),
                max_severity=max(s.severity_max for s in present),
            )
    return Bucket(
        start=days[0],
        end=days[-1],
        days=count,
        intake_ug=intake_ug,
        absorbed_ug=absorbed_ug,
        not_estimated_ug=sum((t.not_estimated_ug for t in totals), Decimal(0)),
        pseudo_b12_ug=sum((t.pseudo_b12_ug for t in totals), Decimal(0)),
        intake_daily_avg_ug=daily_avg,
        absorbed_daily_avg_ug=(absorbed_ug / count).quantize(_THOUSANDTH, rounding=ROUND_HALF_UP),
        target_ug=target_ug,
        percent_of_target=percent_of(daily_avg, target_ug),
        adherence=sum((adherence[day] for day in days), NO_DOSES),
        injections=sum(injections_on.get(day, 0) for day in days),
        symptoms=bucket_symptoms,
    )


def injection_events(user: Any, period: Period) -> list[InjectionEvent]:
    """Injections given in the period, each against the due date its plan had (two queries:
    the plans and every injection, since lateness depends on the injections before)."""
    # Deleted plans too: their injections are still history and keep their product's name;
    # only live plans are timed.
    plans = {plan.pk: plan for plan in InjectionPlan.objects.for_user(user)}
    given_by_plan: dict[UUID, list[date]] = defaultdict(list)
    rows = list(Injection.objects.for_user(user).alive().order_by("given_at"))
    for injection in rows:
        plan = plans.get(injection.plan_id)  # type: ignore[arg-type]
        if plan is not None and plan.deleted_at is None:
            given_by_plan[injection.plan_id].append(local_date(injection.given_at, period.tz_name))
    timing: dict[tuple[UUID, date], tuple[date | None, int | None]] = {}
    for plan_id, given in given_by_plan.items():
        for t in injection_timeliness(schedule_for(plans[plan_id]), given):
            timing.setdefault((plan_id, t.given_on), (t.due_on, t.days_late))
    events = []
    for injection in rows:
        if not period.since <= injection.given_at < period.until:
            continue
        day = local_date(injection.given_at, period.tz_name)
        due_on, days_late = timing.get((injection.plan_id, day), (None, None))  # type: ignore[arg-type]
        events.append(
            InjectionEvent(
                id=injection.pk,
                given_at=injection.given_at,
                dose_ug=injection.dose_ug,
                site=injection.site,
                plan_id=injection.plan_id,
                product=plans[injection.plan_id].product if injection.plan_id else "",
                due_on=due_on,
                days_late=days_late,
            )
        )
    return events


def lab_points(user: Any, period: Period) -> dict[str, list[LabPoint]]:
    rows = (
        LabResult.objects.for_user(user)
        .alive()
        .filter(sampled_at__gte=period.since, sampled_at__lt=period.until)
        .with_injection_flag()
        .order_by("sampled_at")
    )
    points: dict[str, list[LabPoint]] = defaultdict(list)
    for result in rows:
        canonical = LAB_TESTS[result.test].canonical_unit
        low, high = (
            None if value is None else convert(result.test, value, result.unit, canonical)
            for value in (result.reference_low, result.reference_high)
        )
        points[result.test].append(
            LabPoint(
                id=result.pk,
                sampled_at=result.sampled_at,
                value=result.value,
                unit=result.unit,
                canonical_value=result.canonical_value,
                canonical_unit=result.canonical_unit,
                reference_low=low,
                reference_high=high,
                drawn_after_injection=bool(getattr(result, "drawn_after_injection", False)),
            )
        )
    return dict(points)


def _group(days: Iterable[date], size: BucketSize) -> list[list[date]]:
    groups: dict[date, list[date]] = {}
    for day in days:
        groups.setdefault(bucket_start(day, size), []).append(day)
    return list(groups.values())


def trends_for(user: Any, *, first: date, last: date, bucket: BucketSize, today: date) -> Trends:
    profile: Profile = user.profile
    period = Period(first=first, last=last, tz_name=profile.effective_timezone)
    target = target_for(profile, today)
    read = days_for(user, period, impaired=absorption_impaired(profile))
    intake, adherence = read.intake, read.adherence
    symptoms = symptoms_by_day(user, period)
    injections = injection_events(user, period)
    injections_on: dict[date, int] = defaultdict(int)
    for event in injections:
        injections_on[local_date(event.given_at, period.tz_name)] += 1
    days = period.dates()
    buckets = [
        _roll_up(group, intake, adherence, symptoms, injections_on, target.ug_per_day)
        for group in _group(days, bucket)
    ]
    return Trends(
        period=period,
        bucket=bucket,
        target=target,
        buckets=buckets,
        injections=injections,
        labs=lab_points(user, period),
        totals=_roll_up(days, intake, adherence, symptoms, injections_on, target.ug_per_day),
    )
