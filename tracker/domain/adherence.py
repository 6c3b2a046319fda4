"""Adherence to the person's own schedule, and how injections kept to their plan.

These describe what was recorded against what the person (or their clinician) scheduled; they
are not a judgement and never a suggestion to change anything.

- Supplement adherence counts *scheduled* doses only: a dose record with a scheduled time is one
  scheduled occurrence (one record per occurrence is a database constraint). Adherence is
  taken ÷ scheduled, where scheduled = taken + skipped + missed; a skipped dose counts against
  adherence like a missed one, because the occurrence was not taken — the two are still reported
  apart. Extra doses logged without a schedule are intake, not adherence. With nothing scheduled
  the percentage is None ("no schedule"), never 0 % or 100 %.
- Injection timeliness compares each injection with the date the plan had it due when it was
  given: that date is the plan's next due date computed from the injections before it
  (tracker.domain.schedules, so the same rules as "next due"). Positive days are late, negative
  early; the first injection of a plan without a start date has no due date.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from tracker.domain.schedules import InjectionSchedule, schedule_status


@dataclass(frozen=True)
class Adherence:
    taken: int
    skipped: int
    missed: int

    def __post_init__(self) -> None:
        if min(self.taken, self.skipped, self.missed) < 0:
            raise ValueError("Dose counts cannot be negative.")

    @property
    def scheduled(self) -> int:
        return self.taken + self.skipped + self.missed

    @property
    def percent(self) -> Decimal | None:
        """Taken ÷ scheduled, in % to one decimal place; None when nothing was scheduled."""
        if self.scheduled == 0:
            return None
        share = Decimal(100 * self.taken) / Decimal(self.scheduled)
        return share.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    def __add__(self, other: "Adherence") -> "Adherence":
        return Adherence(
            taken=self.taken + other.taken,
            skipped=self.skipped + other.skipped,
            missed=self.missed + other.missed,
        )


NO_DOSES = Adherence(taken=0, skipped=0, missed=0)


@dataclass(frozen=True)
class InjectionTiming:
    given_on: date
    due_on: date | None
    days_late: int | None  # negative: early; None: nothing was due yet


def injection_timeliness(
    schedule: InjectionSchedule, given: Sequence[date]
) -> list[InjectionTiming]:
    """Each injection (in date order) against the due date the plan had before it was given."""
    ordered = sorted(given)
    timings = []
    for index, given_on in enumerate(ordered):
        # Only next_due is used; "today" does not change it.
        due_on = schedule_status(schedule, ordered[:index], given_on).next_due
        if schedule.start_date is not None and given_on < schedule.start_date:
            due_on = None  # outside the plan (schedule_status ignores it too)
        days_late = (given_on - due_on).days if due_on is not None else None
        timings.append(InjectionTiming(given_on=given_on, due_on=due_on, days_late=days_late))
    return timings


def timeliness_summary(timings: Sequence[InjectionTiming]) -> dict[str, int | None]:
    """Counts for a report: on time (the due day itself), early, late, and the latest delay."""
    measured = [t.days_late for t in timings if t.days_late is not None]
    return {
        "injections": len(timings),
        "on_time": sum(1 for d in measured if d == 0),
        "early": sum(1 for d in measured if d < 0),
        "late": sum(1 for d in measured if d > 0),
        "max_days_late": max((d for d in measured if d > 0), default=None),
    }
