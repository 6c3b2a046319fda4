"""When the next injection of a clinician-prescribed plan is due (../shared/DOMAIN.md §3).

The product records the plan the clinician gave and computes "next due" and "overdue" from it; it
never suggests a plan. All dates are the person's local calendar dates (see ``local_date``), and
intervals are whole days added with ``timedelta``, so month ends and leap days need no special
case.

Rules:
- ``given`` holds the local dates of injections recorded for the plan, in any order, possibly
  with duplicates. Two injections on one day count as two doses given, but the schedule counts
  from that date once. Dates before ``start_date`` are ignored when it is set.
- Loading phase: while fewer than ``loading_doses`` doses have been given, the next dose is due
  ``loading_interval_days`` after the last dose given, or on ``start_date`` if none has been given
  (None without a start date). Phase "loading", or "not_started" before the first dose.
- Maintenance, basis "last_dose" (the default): next due = last dose given +
  ``maintenance_interval_days``. With no loading phase and no dose yet it is due on
  ``start_date`` (phase "not_started"), or None without one.
- Maintenance, basis "fixed_anchor": the due dates are the slots
  ``anchor_date + k * maintenance_interval_days`` for integers k >= 0. A dose covers the slot
  nearest to its date (a tie goes to the later slot) and the next due date is the first slot after
  the latest covered slot, so early and late doses do not shift the grid. With no dose yet the
  next due date is the first slot on or after ``start_date``, or ``anchor_date`` without one. Right
  after the last loading dose it is the first slot strictly after that dose.
- ``overdue_days`` = max(0, (today - next_due).days), and 0 when next_due is None.

Decisions where the rules leave room:
- The nearest slot is found on the grid extended before the anchor, then the next due date is
  never earlier than ``anchor_date``. A dose long before a future anchor therefore does not use up
  the anchor's slot; one just before it (nearer the anchor than the virtual slot before) does.
- Under "fixed_anchor" the loading phase still runs from ``start_date`` and the last dose, as the
  rule above says; the anchor only places the maintenance grid.
- ``loading_interval_days`` is ignored without a loading phase and ``anchor_date`` is ignored under
  "last_dose", so a form that always sends every field still yields a valid plan.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# Input sanity ranges, not advice: DOMAIN.md §3 requires maintenance "from 7 to at least 365 days"
# (the FDA label's monthly and BNF's 2–3-monthly regimens sit well inside); 730 leaves room for a
# yearly plan entered with slack. Loading doses in the published regimens are daily to thrice
# weekly, so a gap over a month is a typo rather than a loading phase.
MIN_MAINTENANCE_INTERVAL_DAYS = 7
MAX_MAINTENANCE_INTERVAL_DAYS = 730
MIN_LOADING_INTERVAL_DAYS = 1
MAX_LOADING_INTERVAL_DAYS = 31

Basis = Literal["last_dose", "fixed_anchor"]
Phase = Literal["not_started", "loading", "maintenance"]


@dataclass(frozen=True)
class InjectionSchedule:
    maintenance_interval_days: int
    loading_doses: int = 0
    loading_interval_days: int | None = None
    basis: Basis = "last_dose"
    anchor_date: date | None = None
    start_date: date | None = None

    def __post_init__(self) -> None:
        # Validating on construction means no code path can compute with an impossible plan.
        if not (
            MIN_MAINTENANCE_INTERVAL_DAYS
            <= self.maintenance_interval_days
            <= MAX_MAINTENANCE_INTERVAL_DAYS
        ):
            raise ValueError(
                f"maintenance_interval_days must be between {MIN_MAINTENANCE_INTERVAL_DAYS} and "
                f"{MAX_MAINTENANCE_INTERVAL_DAYS}, got {self.maintenance_interval_days}."
            )
        if self.loading_doses < 0:
            raise ValueError(f"loading_doses must not be negative, got {self.loading_doses}.")
        if self.loading_doses > 0 and (
            self.loading_interval_days is None
            or not (
                MIN_LOADING_INTERVAL_DAYS <= self.loading_interval_days <= MAX_LOADING_INTERVAL_DAYS
            )
        ):
            raise ValueError(
                f"A loading phase needs loading_interval_days between {MIN_LOADING_INTERVAL_DAYS} "
                f"and {MAX_LOADING_INTERVAL_DAYS}, got {self.loading_interval_days}."
            )
        if self.basis not in ("last_dose", "fixed_anchor"):
            raise ValueError(f"basis must be 'last_dose' or 'fixed_anchor', got {self.basis!r}.")
        if self.basis == "fixed_anchor" and self.anchor_date is None:
            raise ValueError("A fixed_anchor schedule needs an anchor_date.")


@dataclass(frozen=True)
class ScheduleStatus:
    next_due: date | None
    overdue_days: int
    phase: Phase
    doses_given: int


def local_date(instant: datetime, tz_name: str) -> date:
    if instant.tzinfo is None or instant.utcoffset() is None:
        # A naive datetime has no instant: guessing the server's zone would shift doses by a day.
        raise ValueError("local_date needs an aware datetime, got a naive one.")
    try:
        zone = ZoneInfo(tz_name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"Unknown time zone {tz_name!r}.") from exc
    return instant.astimezone(zone).date()


def schedule_status(
    schedule: InjectionSchedule, given: Sequence[date], today: date
) -> ScheduleStatus:
    start = schedule.start_date
    doses = [d for d in given if start is None or d >= start]
    doses_given = len(doses)
    last = max(doses) if doses else None

    phase: Phase
    if last is None:
        phase = "not_started"
        next_due = _first_due(schedule)
    elif doses_given < schedule.loading_doses:
        phase = "loading"
        # Validation guarantees the interval whenever loading_doses > 0.
        assert schedule.loading_interval_days is not None
        next_due = last + timedelta(days=schedule.loading_interval_days)
    else:
        phase = "maintenance"
        next_due = _next_maintenance_due(schedule, last, doses_given)

    overdue_days = max(0, (today - next_due).days) if next_due is not None else 0
    return ScheduleStatus(
        next_due=next_due, overdue_days=overdue_days, phase=phase, doses_given=doses_given
    )


def _first_due(schedule: InjectionSchedule) -> date | None:
    if schedule.loading_doses > 0 or schedule.basis == "last_dose":
        return schedule.start_date
    anchor = _anchor(schedule)
    if schedule.start_date is None:
        return anchor
    offset = (schedule.start_date - anchor).days
    return _slot(schedule, -(-offset // schedule.maintenance_interval_days))  # ceiling division


def _next_maintenance_due(schedule: InjectionSchedule, last: date, doses_given: int) -> date:
    interval = schedule.maintenance_interval_days
    if schedule.basis == "last_dose":
        return last + timedelta(days=interval)
    offset = (last - _anchor(schedule)).days
    if doses_given == schedule.loading_doses:
        # The last dose closed the loading phase; it was timed by the loading interval, not the
        # grid, so it covers no maintenance slot.
        return _slot(schedule, offset // interval + 1)
    # Nearest slot with ties to the later one: floor((offset + interval / 2) / interval), kept in
    # integers so odd intervals round exactly.
    covered = (2 * offset + interval) // (2 * interval)
    return _slot(schedule, covered + 1)


def _anchor(schedule: InjectionSchedule) -> date:
    assert schedule.anchor_date is not None  # validation guarantees it for fixed_anchor
    return schedule.anchor_date


def _slot(schedule: InjectionSchedule, k: int) -> date:
    # Slots before the anchor are not due dates (k >= 0); they only serve to place early doses.
    return _anchor(schedule) + timedelta(days=max(k, 0) * schedule.maintenance_interval_days)
