"""Per-local-day aggregates of a person's logs, computed by the database.

The dashboard, trends, the clinician report and the caregiver summaries all read the same
numbers through these functions (DESIGN invariant 6): each is one GROUP BY query over the
person's rows in a date range, grouped by the local calendar day in their time zone (DST-safe:
PostgreSQL's ``AT TIME ZONE`` and Django's zoneinfo-based SQLite function), so the query count
never depends on how much history there is. The B12 arithmetic itself stays in the pure domain
modules (absorption, adherence), fed with the grouped rows.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Count, Max, Q, Sum
from django.db.models.functions import TruncDate

from tracker.domain.absorption import DayEstimate, DoseGroup, day_estimate
from tracker.domain.adherence import NO_DOSES, Adherence
from tracker.domain.risk_factors import ABSORPTION_IMPAIRING
from tracker.domain.targets import ReferenceIntake, reference_intake
from tracker.domain.timezones import local_day_bounds
from tracker.models import FoodIntake, Profile, SupplementDose, SymptomEntry

ZERO = Decimal(0)
EMPTY_DAY = DayEstimate(intake_ug=ZERO, absorbed_ug=ZERO, not_estimated_ug=ZERO, pseudo_b12_ug=ZERO)


@dataclass(frozen=True)
class Period:
    """Local calendar dates ``first``..``last`` (inclusive) in ``tz_name``."""

    first: date
    last: date
    tz_name: str

    @property
    def since(self) -> datetime:
        return local_day_bounds(self.first, self.tz_name)

    @property
    def until(self) -> datetime:  # exclusive
        return local_day_bounds(self.last + timedelta(days=1), self.tz_name)

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def dates(self) -> list[date]:
        return [self.first + timedelta(days=offset) for offset in range(self.days)]

    def local_day(self, field: str) -> TruncDate:
        return TruncDate(field, tzinfo=ZoneInfo(self.tz_name))


def percent_of(part: Decimal, whole: Decimal) -> Decimal | None:
    """part as a percentage of whole, to one decimal place; None without a whole."""
    if whole <= 0:
        return None
    return (100 * part / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def absorption_impaired(profile: Profile) -> bool:
    """Intrinsic-factor absorption lost (DOMAIN §2): only the passive 1 % term remains."""
    return bool(set(profile.risk_factors) & ABSORPTION_IMPAIRING)


def target_for(profile: Profile, today: date) -> ReferenceIntake:
    return reference_intake(
        standard=profile.reference_standard,
        birth_date=profile.birth_date,
        today=today,
        pregnancy_status=profile.pregnancy_status,
    )


@dataclass
class Days:
    """Per local day of a period: B12 logged with the absorbed estimate, and adherence."""

    intake: dict[date, DayEstimate]
    adherence: dict[date, Adherence]


def days_for(user: Any, period: Period, *, impaired: bool) -> Days:
    """Every day of the period (days without entries are EMPTY_DAY and NO_DOSES). Two
    queries: foods summed per (day, meal), and doses counted per (day taken, day scheduled,
    status, amount, route) — absorption saturates per meal and per dose, so those are the
    groups the formulas need, and adherence counts scheduled doses by their scheduled day."""
    meals: dict[date, list[Decimal]] = defaultdict(list)
    pseudo: dict[date, Decimal] = defaultdict(lambda: ZERO)
    food_rows = (
        FoodIntake.objects.for_user(user)
        .alive()
        .filter(eaten_at__gte=period.since, eaten_at__lt=period.until)
        .annotate(day=period.local_day("eaten_at"))
        .values_list("day", "meal", "food_is_pseudo_b12")
        .annotate(b12_ug=Sum("b12_ug"))
        .order_by()
    )
    for day, _meal, is_pseudo, b12_ug in food_rows:
        if is_pseudo:
            pseudo[day] += b12_ug
        else:
            meals[day].append(b12_ug)

    doses: dict[date, list[DoseGroup]] = defaultdict(list)
    statuses: dict[date, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    dose_rows = (
        SupplementDose.objects.for_user(user)
        .alive()
        .filter(
            Q(occurred_at__gte=period.since, occurred_at__lt=period.until)
            | Q(scheduled_for__gte=period.since, scheduled_for__lt=period.until)
        )
        .annotate(day=period.local_day("occurred_at"), due=period.local_day("scheduled_for"))
        .values_list("day", "due", "status", "b12_ug", "route")
        .annotate(count=Count("pk"))
        .order_by()
    )
    for day, due, status, b12_ug, route, count in dose_rows:
        if status == "taken" and period.first <= day <= period.last:
            doses[day].append(DoseGroup(b12_ug, route, count))
        if due is not None and period.first <= due <= period.last:
            statuses[due][status] += count

    intake = {}
    adherence = {}
    for day in period.dates():
        if day in meals or day in pseudo or day in doses:
            intake[day] = day_estimate(
                meal_sums_ug=meals.get(day, []),
                pseudo_b12_ug=pseudo.get(day, ZERO),
                doses=doses.get(day, []),
                impaired=impaired,
            )
        else:
            intake[day] = EMPTY_DAY
        by_status = statuses.get(day)
        adherence[day] = (
            Adherence(
                taken=by_status["taken"], skipped=by_status["skipped"], missed=by_status["missed"]
            )
            if by_status
            else NO_DOSES
        )
    return Days(intake=intake, adherence=adherence)


@dataclass(frozen=True)
class SymptomDay:
    entries: int
    severity_sum: int
    severity_max: int


def symptoms_by_day(user: Any, period: Period) -> dict[str, dict[date, SymptomDay]]:
    """Diary severities per symptom and local day (one query); only days with entries."""
    result: dict[str, dict[date, SymptomDay]] = defaultdict(dict)
    rows = (
        SymptomEntry.objects.for_user(user)
        .alive()
        .filter(recorded_at__gte=period.since, recorded_at__lt=period.until)
        .annotate(day=period.local_day("recorded_at"))
        .values("day", "symptom")
        .annotate(entries=Count("pk"), severity_sum=Sum("severity"), severity_max=Max("severity"))
        .order_by()
    )
    for row in rows:
        result[row["symptom"]][row["day"]] = SymptomDay(
            entries=row["entries"],
            severity_sum=row["severity_sum"],
            severity_max=row["severity_max"],
        )
    return dict(result)
