"""When a reminder fires, computed in the person's time zone (DESIGN.md invariant 5).

A reminder is a set of local wall-clock times on the local dates its rule allows. Everything here
is computed on local calendar dates (stepping ``date`` by whole days, never adding 24 h to an
instant) and each (date, time) pair is turned into an instant only at the end, so "08:00 stays
08:00 local" on both sides of a DST change, and month ends and leap days need no special case.
Results are aware datetimes in UTC, ready to store as the next fire time.

Rules:
- ``next_occurrence`` and its siblings return the first occurrence *strictly after* ``after``.
  The caller advances a reminder by passing the occurrence that just fired, which therefore never
  comes back.
- A rule fires on a local date when every condition it sets holds: the ISO weekday is in
  ``weekdays`` (empty means every day), the date is a whole multiple of ``every_n_days`` from
  ``start_date``, and the date is not before ``start_date``. Weekdays and every_n_days combine:
  every 2 days from a Monday, on weekdays only, skips the Saturdays and Sundays of the grid.
- A local time that does not exist (the clock springs forward over it) is moved forward by the
  length of the gap: 01:30 on the day London skips 01:00–02:00 fires at 02:30 BST, and 00:00 on
  the day Santiago skips midnight fires at 01:00. A local time that happens twice (the clock falls
  back) fires the first time. This is Python's ``fold=0`` (PEP 495), applied deliberately.
- Quiet hours are a local wall-clock window ``[start, end)`` that spans midnight when start > end;
  ``defer_for_quiet_hours`` moves an instant inside the window to the window's end.

Decisions where the rules leave room:
- Two (date, time) pairs that resolve to one instant fire once: 01:30 and 02:30 on London's
  spring-forward day are both 02:30 BST, and Samoa's skipped 30 December 2011 lands on the 31st.
- A rule that can never fire is rejected, not left to loop: every 7 (14, …) days from a Monday is
  always a Monday, so combined with weekdays that exclude Monday it is a ValueError.
- Quiet hours ending at a time that happens twice end at the first one, unless ``at`` is already
  past it (inside the repeated hour); then they end at the second, so a deferral never moves a
  reminder backwards.
- ``overdue_repeat_days`` = 0 means no repeats after the due day, like ``heads_up_days`` = 0.
- Times are whole minutes: the dispatcher runs every minute and the API accepts "HH:MM".
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# Input sanity ranges, not advice. Twelve a day is one every two waking hours, far more than any
# supplement regimen; 366 days lets "once a year" work in a leap year.
MAX_TIMES_PER_DAY = 12
MAX_EVERY_N_DAYS = 366
MAX_INJECTION_OFFSET_DAYS = 366

# How far past the first local date that has an occurrence we keep looking. A time moved forward
# by a gap can land on the next date, after an earlier time of that date (Toronto, 30 March 1919:
# 23:45 became 00:45, after the 31st's own 00:40); the largest gap in the tz database is a whole
# day (Samoa 2011, Kwajalein 1993), so two dates are plenty.
_LOOKAHEAD_DAYS = 2
# Local dates differ from the UTC date by at most a day (offsets stay within about ±16 h, the
# extremes being 19th-century local mean time), and a time moved forward by a gap can come from
# the day before that. Starting the scan two UTC days back covers both.
_LOOKBEHIND_DAYS = 2

_HH_MM = re.compile(r"([01][0-9]|2[0-3]):([0-5][0-9])")
_HH_MM_SS = re.compile(r"[0-9]{1,2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?")
_WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class ReminderRule:
    times: tuple[time, ...]  # local wall-clock times, sorted, distinct, 1..MAX_TIMES_PER_DAY
    weekdays: frozenset[int] = frozenset()  # ISO weekdays 1..7 (Monday 1); empty = every day
    every_n_days: int | None = None  # 1..MAX_EVERY_N_DAYS, counted from start_date (required then)
    start_date: date | None = None  # first local date the rule may fire on

    def __post_init__(self) -> None:
        # Validating on construction means no code path can loop over a rule that never fires.
        _check_times(self.times)
        if not isinstance(self.weekdays, frozenset) or not all(
            _is_int(day) and 1 <= day <= 7 for day in self.weekdays
        ):
            raise ValueError(
                "weekdays must be a set of ISO weekday numbers from 1 (Monday) to 7 (Sunday)."
            )
        if self.start_date is not None and (
            isinstance(self.start_date, datetime) or not isinstance(self.start_date, date)
        ):
            raise ValueError("start_date must be a calendar date, not a date and time.")
        n = self.every_n_days
        if n is None:
            return
        if not _is_int(n) or not 1 <= n <= MAX_EVERY_N_DAYS:
            raise ValueError(
                f"every_n_days must be a whole number from 1 to {MAX_EVERY_N_DAYS}, got {n!r}."
            )
        if self.start_date is None:
            raise ValueError("A rule that repeats every few days needs a start date to count from.")
        first = self.start_date.isoweekday()
        reachable = {(first - 1 + k * n) % 7 + 1 for k in range(7)}
        if self.weekdays and not self.weekdays & reachable:
            raise ValueError(
                f"This rule would never fire: every {n} days from {self.start_date.isoformat()} "
                f"always falls on a {_WEEKDAY_NAMES[first - 1]}, which is not one of its weekdays."
            )


def parse_times(values: object) -> tuple[time, ...]:
    if not isinstance(values, list):
        raise ValueError('Reminder times must be a list of times such as ["08:00", "20:00"].')
    if not values:
        raise ValueError("Add at least one reminder time.")
    if len(values) > MAX_TIMES_PER_DAY:
        raise ValueError(f"Use at most {MAX_TIMES_PER_DAY} reminder times a day.")
    parsed: list[time] = []
    for value in values:
        if not isinstance(value, str):
            raise ValueError(f'{value!r} is not a time. Write times as "HH:MM", e.g. "08:00".')
        match = _HH_MM.fullmatch(value)
        if match is None:
            if _HH_MM_SS.fullmatch(value):
                raise ValueError(f'"{value}" has seconds. Write times as "HH:MM", e.g. "08:00".')
            raise ValueError(
                f'"{value}" is not a time. Write times in 24-hour "HH:MM", from "00:00" to "23:59".'
            )
        at = time(int(match[1]), int(match[2]))
        if at in parsed:
            raise ValueError(f'"{value}" is listed twice. Give each reminder time once.')
        parsed.append(at)
    return tuple(sorted(parsed))


def local_instant(day: date, at: time, tz_name: str) -> datetime:
    """The UTC instant of a local wall-clock time. Deterministic at DST changes: a time that
    does not exist (spring forward) is moved forward by the gap (01:30 on a day London skips
    01:00–02:00 becomes 02:30 BST); a time that happens twice (fall back) is the first one."""
    if at.tzinfo is not None:
        raise ValueError("local_instant needs a wall-clock time without a time zone.")
    return _instant(day, at, _zone(tz_name))


def next_occurrence(rule: ReminderRule, *, after: datetime, tz_name: str) -> datetime | None:
    """The first occurrence strictly after ``after`` (aware), as an aware UTC datetime.

    None only when it would fall past the year 9999 ``datetime`` can hold."""
    zone = _zone(tz_name)
    first = _scan_start(after)
    if rule.start_date is not None:
        first = max(first, rule.start_date)
    return _first_after(_rule_days(rule, first), rule.times, after, zone)


def in_quiet_hours(at: datetime, *, tz_name: str, start: time | None, end: time | None) -> bool:
    _require_aware(at, "at")
    if any(bound is not None and bound.tzinfo is not None for bound in (start, end)):
        raise ValueError("Quiet hours are local wall-clock times, without a time zone.")
    if start is None or end is None or start == end:
        return False
    wall = at.astimezone(_zone(tz_name)).time()
    if start < end:
        return start <= wall < end
    return wall >= start or wall < end  # spans midnight


def defer_for_quiet_hours(
    at: datetime, *, tz_name: str, start: time | None, end: time | None
) -> datetime:
    """If the local time of ``at`` falls in [start, end) — a window that may span midnight when
    start > end (22:00–07:00) — the instant the window ends (local ``end`` on the right day,
    resolved with local_instant); otherwise ``at`` unchanged. start == end or None: no quiet
    hours."""
    if not in_quiet_hours(at, tz_name=tz_name, start=start, end=end):
        return at
    assert start is not None and end is not None  # in_quiet_hours is False without both
    zone = _zone(tz_name)
    local = at.astimezone(zone)
    end_day = local.date()
    if start > end and local.time() >= start:
        end_day += timedelta(days=1)  # 23:30 in 22:00–07:00 ends at 07:00 tomorrow
    ends = _instant(end_day, end, zone)
    if ends <= at:
        # ``at`` is in the second pass of a repeated hour and ``end`` is later in that hour: the
        # first pass of ``end`` is already over, so the window ends at the second.
        ends = datetime.combine(end_day, end, tzinfo=zone).replace(fold=1).astimezone(UTC)
    return ends


def next_injection_occurrence(
    *,
    next_due: date | None,
    heads_up_days: int,
    times: tuple[time, ...],
    overdue_repeat_days: int,
    after: datetime,
    tz_name: str,
) -> datetime | None:
    """Injection reminders from the plan's next due date: a heads-up ``heads_up_days`` before
    (0 = none) at ``times``, on the due day at ``times``, then every ``overdue_repeat_days``
    after it at ``times`` while overdue (0 = no repeats; the caller recomputes next_due when an
    injection is recorded, which ends the overdue repeats). None when next_due is None. First
    occurrence strictly after ``after``."""
    _check_times(times)
    for name, days in (
        ("heads_up_days", heads_up_days),
        ("overdue_repeat_days", overdue_repeat_days),
    ):
        if not _is_int(days) or not 0 <= days <= MAX_INJECTION_OFFSET_DAYS:
            raise ValueError(
                f"{name} must be a whole number from 0 to {MAX_INJECTION_OFFSET_DAYS}, "
                f"got {days!r}."
            )
    zone = _zone(tz_name)
    first = _scan_start(after)
    if next_due is None:
        return None
    return _first_after(
        _injection_days(next_due, heads_up_days, overdue_repeat_days, first), times, after, zone
    )


def next_one_off(
    *, on: date, times: tuple[time, ...], after: datetime, tz_name: str
) -> datetime | None:
    """A one-off date (lab re-check) at ``times``; None once all have passed."""
    _check_times(times)
    zone = _zone(tz_name)
    _require_aware(after, "after")
    return _first_after(iter([on]), times, after, zone)


# --- Internals ----------------------------------------------------------------------------------


def _rule_days(rule: ReminderRule, first: date) -> Iterator[date]:
    step = rule.every_n_days or 1
    day = first
    try:
        if rule.every_n_days is not None:
            assert rule.start_date is not None  # validation requires it with every_n_days
            # Jump straight to the first date of the grid on or after ``first`` (ceiling
            # division), however far ``after`` is from the start date.
            behind = (first - rule.start_date).days
            day = rule.start_date + timedelta(days=-(-behind // step) * step)
        while True:
            # Validation guarantees a matching weekday within 7 steps of the grid.
            if not rule.weekdays or day.isoweekday() in rule.weekdays:
                yield day
            day += timedelta(days=step)
    except OverflowError:
        return  # past date.max


def _injection_days(
    next_due: date, heads_up_days: int, repeat_days: int, first: date
) -> Iterator[date]:
    try:
        if heads_up_days:
            heads_up = next_due - timedelta(days=heads_up_days)
            if heads_up >= first:
                yield heads_up
        if next_due >= first:
            yield next_due
        if not repeat_days:
            return
        behind = max(1, -(-(first - next_due).days // repeat_days))
        day = next_due + timedelta(days=behind * repeat_days)
        while True:
            yield day
            day += timedelta(days=repeat_days)
    except OverflowError:
        return


def _first_after(
    days: Iterator[date], times: tuple[time, ...], after: datetime, zone: ZoneInfo
) -> datetime | None:
    best: datetime | None = None
    horizon: date | None = None
    for day in days:
        if horizon is not None and day > horizon:
            break
        for at in times:
            try:
                instant = _instant(day, at, zone)
            except OverflowError:
                continue  # the last hours before date.max in a zone west of UTC
            if instant > after and (best is None or instant < best):
                best = instant
        if best is not None and horizon is None:
            # Times are not in instant order on a spring-forward date (01:30 moved to 02:30 BST
            # is later than 02:15 BST), nor across dates, so look a little further for earlier.
            horizon = day + timedelta(days=_LOOKAHEAD_DAYS)
    return best


def _scan_start(after: datetime) -> date:
    _require_aware(after, "after")
    try:
        return after.astimezone(UTC).date() - timedelta(days=_LOOKBEHIND_DAYS)
    except OverflowError:
        return date.min


def _instant(day: date, at: time, zone: ZoneInfo) -> datetime:
    # fold=0 is PEP 495's "earlier offset" choice: the first of a repeated time, and a skipped
    # time read with the offset before the gap, i.e. moved forward by the gap. Reset it so a
    # caller's time(…, fold=1) cannot pick the second.
    return datetime.combine(day, at.replace(fold=0), tzinfo=zone).astimezone(UTC)


def _check_times(times: object) -> None:
    if not isinstance(times, tuple) or not all(isinstance(at, time) for at in times):
        raise ValueError("times must be a tuple of datetime.time values.")
    if not 1 <= len(times) <= MAX_TIMES_PER_DAY:
        raise ValueError(f"A reminder needs from 1 to {MAX_TIMES_PER_DAY} times a day.")
    if any(at.tzinfo is not None for at in times):
        raise ValueError("Reminder times are local wall-clock times, without a time zone.")
    if any(at.second or at.microsecond for at in times):
        raise ValueError("Reminder times are whole minutes, without seconds.")
    if any(a >= b for a, b in pairwise(times)):
        raise ValueError("Reminder times must be sorted and each given once.")


def _zone(tz_name: str) -> ZoneInfo:
    try:
        return ZoneInfo(tz_name)
    except (ZoneInfoNotFoundError, ValueError, TypeError) as exc:
        raise ValueError(f"Unknown time zone {tz_name!r}.") from exc


def _require_aware(instant: datetime, name: str) -> None:
    if not isinstance(instant, datetime) or instant.utcoffset() is None:
        # A naive datetime has no instant: guessing the server's zone would shift reminders.
        raise ValueError(f"{name} must be an aware datetime, got {instant!r}.")


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
