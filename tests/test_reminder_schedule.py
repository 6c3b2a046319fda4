import dataclasses
import random
from datetime import UTC, date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from tracker.domain import reminders
from tracker.domain.reminders import (
    MAX_TIMES_PER_DAY,
    ReminderRule,
    defer_for_quiet_hours,
    in_quiet_hours,
    local_instant,
    next_injection_occurrence,
    next_occurrence,
    next_one_off,
    parse_times,
)

LONDON = "Europe/London"
NEW_YORK = "America/New_York"
SYDNEY = "Australia/Sydney"
KOLKATA = "Asia/Kolkata"
CHATHAM = "Pacific/Chatham"
SANTIAGO = "America/Santiago"


def d(iso: str) -> date:
    return date.fromisoformat(iso)


def t(iso: str) -> time:
    return time.fromisoformat(iso)


def utc(iso: str) -> datetime:
    return datetime.fromisoformat(iso).replace(tzinfo=UTC)


def wall(iso: str, tz_name: str) -> datetime:
    """An aware datetime from a local wall-clock time that exists and happens once."""
    return datetime.fromisoformat(iso).replace(tzinfo=ZoneInfo(tz_name))


def local_wall(instant: datetime, tz_name: str) -> str:
    return instant.astimezone(ZoneInfo(tz_name)).replace(tzinfo=None).isoformat(timespec="minutes")


def daily(*times: str, **kwargs: object) -> ReminderRule:
    return ReminderRule(times=tuple(t(x) for x in times), **kwargs)  # type: ignore[arg-type]


def occurrences(rule: ReminderRule, after: datetime, tz_name: str, count: int) -> list[str]:
    """The next ``count`` occurrences as local wall-clock strings, advancing as the caller does."""
    found = []
    for _ in range(count):
        nxt = next_occurrence(rule, after=after, tz_name=tz_name)
        assert nxt is not None
        found.append(local_wall(nxt, tz_name))
        after = nxt
    return found


# --- ReminderRule validation --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("times", "message"),
    [
        ((), "from 1 to 12 times a day"),
        (tuple(time(h) for h in range(13)), "from 1 to 12 times a day"),
        ((t("20:00"), t("08:00")), "sorted and each given once"),
        ((t("08:00"), t("08:00")), "sorted and each given once"),
        ([t("08:00")], "tuple of datetime.time"),
        (("08:00",), "tuple of datetime.time"),
        ((time(8, tzinfo=UTC),), "without a time zone"),
        ((time(8, 0, 30),), "whole minutes"),
        ((time(8, 0, 0, 1),), "whole minutes"),
    ],
)
def test_a_rule_with_invalid_times_is_rejected(times: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        ReminderRule(times=times)  # type: ignore[arg-type]


def test_a_rule_with_twelve_times_a_day_is_accepted() -> None:
    times = tuple(time(h * 2) for h in range(MAX_TIMES_PER_DAY))
    assert ReminderRule(times=times).times == times


@pytest.mark.parametrize(
    "weekdays",
    [frozenset({0}), frozenset({8}), frozenset({1, 9}), frozenset({True}), {1, 2}, (1, 2)],
)
def test_weekdays_outside_1_to_7_or_not_a_frozenset_are_rejected(weekdays: object) -> None:
    with pytest.raises(ValueError, match="ISO weekday numbers from 1"):
        daily("08:00", weekdays=weekdays)


@pytest.mark.parametrize("every_n_days", [0, -1, 367, 1000, True, 2.0, "2"])
def test_every_n_days_outside_1_to_366_is_rejected(every_n_days: object) -> None:
    with pytest.raises(ValueError, match="every_n_days must be a whole number from 1 to 366"):
        daily("08:00", every_n_days=every_n_days, start_date=d("2026-03-02"))


@pytest.mark.parametrize("every_n_days", [1, 2, 7, 365, 366])
def test_every_n_days_from_1_to_366_is_accepted(every_n_days: int) -> None:
    rule = daily("08:00", every_n_days=every_n_days, start_date=d("2026-03-02"))
    assert rule.every_n_days == every_n_days


def test_every_n_days_without_a_start_date_is_rejected() -> None:
    with pytest.raises(ValueError, match="needs a start date to count from"):
        daily("08:00", every_n_days=2)


def test_a_start_date_with_a_time_of_day_is_rejected() -> None:
    with pytest.raises(ValueError, match="calendar date"):
        daily("08:00", start_date=datetime(2026, 3, 2, tzinfo=UTC))


@pytest.mark.parametrize(
    ("every_n_days", "weekdays"), [(7, {2}), (14, {2, 3, 4, 5, 6, 7}), (364, {7})]
)
def test_a_rule_that_could_never_fire_is_rejected(every_n_days: int, weekdays: set[int]) -> None:
    # 2026-03-02 is a Monday; every multiple of 7 days from it is a Monday again.
    with pytest.raises(ValueError, match="never fire.*always falls on a Monday"):
        daily(
            "08:00",
            every_n_days=every_n_days,
            weekdays=frozenset(weekdays),
            start_date=d("2026-03-02"),
        )


@pytest.mark.parametrize(("every_n_days", "weekdays"), [(7, {1, 2}), (2, {7}), (366, {4})])
def test_a_rule_that_reaches_one_of_its_weekdays_is_accepted(
    every_n_days: int, weekdays: set[int]
) -> None:
    rule = daily(
        "08:00", every_n_days=every_n_days, weekdays=frozenset(weekdays), start_date=d("2026-03-02")
    )

    # Accepted because it fires: its next occurrence exists and falls on one of its weekdays.
    fired = next_occurrence(rule, after=utc("2026-03-01T00:00"), tz_name="UTC")
    assert fired is not None and fired.isoweekday() in weekdays


def test_a_rule_is_immutable() -> None:
    rule = daily("08:00")
    with pytest.raises(dataclasses.FrozenInstanceError):
        rule.every_n_days = 2  # type: ignore[misc]


# --- parse_times --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["08:00"], ("08:00",)),
        (["20:00", "08:00"], ("08:00", "20:00")),
        (["23:59", "00:00", "12:30"], ("00:00", "12:30", "23:59")),
        ([f"{2 * h:02d}:15" for h in range(12)], tuple(f"{2 * h:02d}:15" for h in range(12))),
    ],
)
def test_parse_times_returns_sorted_times(values: list[str], expected: tuple[str, ...]) -> None:
    assert parse_times(values) == tuple(t(x) for x in expected)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ("08:00", "must be a list"),
        (None, "must be a list"),
        (("08:00",), "must be a list"),
        ({"08:00"}, "must be a list"),
        ({"times": ["08:00"]}, "must be a list"),
        ([], "at least one"),
        ([f"{h:02d}:00" for h in range(13)], "at most 12"),
        ([8], "is not a time"),
        ([None], "is not a time"),
        ([t("08:00")], "is not a time"),
        (["8:00"], "24-hour"),
        (["24:00"], "24-hour"),
        (["12:60"], "24-hour"),
        (["08.00"], "24-hour"),
        (["0800"], "24-hour"),
        ([""], "24-hour"),
        ([" 08:00"], "24-hour"),
        (["08:00\n"], "24-hour"),
        (["8 am"], "24-hour"),
        (["٠٨:٠٠"], "24-hour"),  # Arabic-Indic digits are digits to Python, not to "HH:MM"
        (["08:00:00"], "has seconds"),
        (["08:00:30.5"], "has seconds"),
        (["08:00", "08:00"], "listed twice"),
        (["20:00", "08:00", "20:00"], "listed twice"),
    ],
)
def test_parse_times_rejects_anything_but_a_list_of_distinct_hh_mm(
    values: object, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        parse_times(values)


def test_parsed_times_make_a_valid_rule() -> None:
    assert ReminderRule(times=parse_times(["21:00", "07:30"])).times == (t("07:30"), t("21:00"))


# --- local_instant ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tz_name", "day", "at", "expected_utc", "expected_wall"),
    [
        (LONDON, "2026-01-15", "08:00", "2026-01-15T08:00", "2026-01-15T08:00"),
        (LONDON, "2026-07-15", "08:00", "2026-07-15T07:00", "2026-07-15T08:00"),
        # Spring forward: London skips 01:00–02:00 on 29 March 2026.
        (LONDON, "2026-03-29", "00:59", "2026-03-29T00:59", "2026-03-29T00:59"),
        (LONDON, "2026-03-29", "01:00", "2026-03-29T01:00", "2026-03-29T02:00"),
        (LONDON, "2026-03-29", "01:30", "2026-03-29T01:30", "2026-03-29T02:30"),
        (LONDON, "2026-03-29", "02:00", "2026-03-29T01:00", "2026-03-29T02:00"),
        # Fall back: 01:00–02:00 happens twice on 25 October 2026; the first is BST.
        (LONDON, "2026-10-25", "01:30", "2026-10-25T00:30", "2026-10-25T01:30"),
        (LONDON, "2026-10-25", "02:00", "2026-10-25T02:00", "2026-10-25T02:00"),
        (NEW_YORK, "2026-03-08", "02:30", "2026-03-08T07:30", "2026-03-08T03:30"),
        (NEW_YORK, "2026-11-01", "01:30", "2026-11-01T05:30", "2026-11-01T01:30"),
        # Southern hemisphere: Sydney springs forward in October and falls back in April.
        (SYDNEY, "2026-10-04", "02:30", "2026-10-03T16:30", "2026-10-04T03:30"),
        (SYDNEY, "2026-04-05", "02:30", "2026-04-04T15:30", "2026-04-05T02:30"),
        # No DST, a half-hour offset: the same days are ordinary.
        (KOLKATA, "2026-03-29", "01:30", "2026-03-28T20:00", "2026-03-29T01:30"),
        (KOLKATA, "2026-10-04", "02:30", "2026-10-03T21:00", "2026-10-04T02:30"),
        # Chatham (+12:45/+13:45) skips 02:45–03:45 in September and repeats it in April.
        (CHATHAM, "2026-09-27", "03:00", "2026-09-26T14:15", "2026-09-27T04:00"),
        (CHATHAM, "2026-04-05", "03:00", "2026-04-04T13:15", "2026-04-05T03:00"),
        # Lord Howe's DST is half an hour: 02:00–02:30 is skipped, 01:30–02:00 repeated.
        ("Australia/Lord_Howe", "2026-10-04", "02:15", "2026-10-03T15:45", "2026-10-04T02:45"),
        ("Australia/Lord_Howe", "2026-04-05", "01:45", "2026-04-04T14:45", "2026-04-05T01:45"),
        # Santiago springs forward at midnight (00:00 -04 becomes 01:00 -03) and falls back from
        # 24:00 to 23:00, repeating 23:00–24:00 on the Saturday.
        (SANTIAGO, "2026-09-06", "00:00", "2026-09-06T04:00", "2026-09-06T01:00"),
        (SANTIAGO, "2026-09-06", "00:59", "2026-09-06T04:59", "2026-09-06T01:59"),
        (SANTIAGO, "2026-09-06", "01:00", "2026-09-06T04:00", "2026-09-06T01:00"),
        (SANTIAGO, "2026-04-04", "23:30", "2026-04-05T02:30", "2026-04-04T23:30"),
        # Other zones whose midnight does not exist on the spring-forward day.
        ("Atlantic/Azores", "2026-03-29", "00:00", "2026-03-29T01:00", "2026-03-29T01:00"),
        ("Africa/Cairo", "2026-04-24", "00:00", "2026-04-23T22:00", "2026-04-24T01:00"),
        ("America/Havana", "2026-03-08", "00:30", "2026-03-08T05:30", "2026-03-08T01:30"),
        # Samoa skipped 30 December 2011 entirely (-10 to +14): a gap of a whole day.
        ("Pacific/Apia", "2011-12-30", "08:00", "2011-12-30T18:00", "2011-12-31T08:00"),
    ],
)
def test_local_instant_resolves_wall_clock_times_deterministically(
    tz_name: str, day: str, at: str, expected_utc: str, expected_wall: str
) -> None:
    instant = local_instant(d(day), t(at), tz_name)
    assert instant == utc(expected_utc)
    assert instant.tzinfo is UTC
    assert local_wall(instant, tz_name) == expected_wall


@pytest.mark.parametrize(
    ("tz_name", "day", "at", "gap_minutes"),
    [
        (LONDON, "2026-03-29", "01:30", 60),
        (NEW_YORK, "2026-03-08", "02:00", 60),
        (SYDNEY, "2026-10-04", "02:59", 60),
        (CHATHAM, "2026-09-27", "02:45", 60),
        ("Australia/Lord_Howe", "2026-10-04", "02:00", 30),
        (SANTIAGO, "2026-09-06", "00:00", 60),
        ("Pacific/Apia", "2011-12-30", "23:59", 24 * 60),
    ],
)
def test_a_time_that_does_not_exist_is_moved_forward_by_the_gap(
    tz_name: str, day: str, at: str, gap_minutes: int
) -> None:
    instant = local_instant(d(day), t(at), tz_name)
    naive = instant.astimezone(ZoneInfo(tz_name)).replace(tzinfo=None)
    assert naive - datetime.combine(d(day), t(at)) == timedelta(minutes=gap_minutes)


@pytest.mark.parametrize(
    ("tz_name", "day", "at"),
    [
        (LONDON, "2026-10-25", "01:00"),
        (LONDON, "2026-10-25", "01:59"),
        (NEW_YORK, "2026-11-01", "01:30"),
        (SYDNEY, "2026-04-05", "02:00"),
        (CHATHAM, "2026-04-05", "02:45"),
        (SANTIAGO, "2026-04-04", "23:00"),
    ],
)
def test_a_time_that_happens_twice_resolves_to_the_first(tz_name: str, day: str, at: str) -> None:
    zone = ZoneInfo(tz_name)
    first = datetime.combine(d(day), t(at), tzinfo=zone)
    second = first.replace(fold=1)
    assert first.utcoffset() != second.utcoffset()  # it really is ambiguous
    assert local_instant(d(day), t(at), tz_name) == first.astimezone(UTC)
    assert local_instant(d(day), t(at), tz_name) < second.astimezone(UTC)


def test_local_instant_ignores_a_fold_set_on_the_time() -> None:
    at = time(1, 30, fold=1)
    assert local_instant(d("2026-10-25"), at, LONDON) == utc("2026-10-25T00:30")


def test_local_instant_rejects_a_time_with_a_time_zone() -> None:
    with pytest.raises(ValueError, match="without a time zone"):
        local_instant(d("2026-01-15"), time(8, tzinfo=UTC), LONDON)


@pytest.mark.parametrize("zone", ["Mars/Olympus_Mons", "", "../etc/passwd", "Europe/"])
def test_local_instant_rejects_an_unknown_zone(zone: str) -> None:
    with pytest.raises(ValueError, match="Unknown time zone"):
        local_instant(d("2026-01-15"), t("08:00"), zone)


# --- next_occurrence: wall-clock times across DST -----------------------------------------------


@pytest.mark.parametrize(
    ("tz_name", "change_day"),
    [
        (LONDON, "2026-03-29"),
        (LONDON, "2026-10-25"),
        (NEW_YORK, "2026-03-08"),
        (NEW_YORK, "2026-11-01"),
        (SYDNEY, "2026-10-04"),
        (SYDNEY, "2026-04-05"),
        (CHATHAM, "2026-09-27"),
        (CHATHAM, "2026-04-05"),
        (SANTIAGO, "2026-09-06"),
        (SANTIAGO, "2026-04-05"),
        (KOLKATA, "2026-03-29"),
    ],
)
def test_0800_stays_0800_local_before_and_after_a_dst_change(tz_name: str, change_day: str) -> None:
    start = d(change_day) - timedelta(days=3)
    after = wall(f"{start.isoformat()}T12:00", tz_name)
    expected = [f"{start + timedelta(days=k)}T08:00" for k in range(1, 7)]
    assert occurrences(daily("08:00"), after, tz_name, 6) == expected


@pytest.mark.parametrize(
    ("tz_name", "before", "after"),
    [
        # The UTC instant of 08:00 moves by the offset change; the wall clock does not.
        (LONDON, "2026-03-28T08:00", "2026-03-29T07:00"),
        (LONDON, "2026-10-24T07:00", "2026-10-25T08:00"),
        (SYDNEY, "2026-10-02T22:00", "2026-10-03T21:00"),
        (CHATHAM, "2026-09-25T19:15", "2026-09-26T18:15"),
    ],
)
def test_the_utc_instant_of_0800_shifts_with_the_offset(
    tz_name: str, before: str, after: str
) -> None:
    first = next_occurrence(daily("08:00"), after=utc(before) - timedelta(hours=1), tz_name=tz_name)
    assert first == utc(before)
    assert next_occurrence(daily("08:00"), after=first, tz_name=tz_name) == utc(after)


def test_a_skipped_time_fires_once_moved_forward_by_the_gap() -> None:
    after = wall("2026-03-28T12:00", LONDON)
    assert occurrences(daily("01:30"), after, LONDON, 3) == [
        "2026-03-29T02:30",
        "2026-03-30T01:30",
        "2026-03-31T01:30",
    ]


def test_a_repeated_time_fires_only_the_first_time() -> None:
    after = wall("2026-10-24T12:00", LONDON)
    first = next_occurrence(daily("01:30"), after=after, tz_name=LONDON)
    assert first == utc("2026-10-25T00:30")  # 01:30 BST
    # Not 01:30 GMT an hour later, the same wall-clock time a second time.
    assert next_occurrence(daily("01:30"), after=first, tz_name=LONDON) == utc("2026-10-26T01:30")


def test_on_a_spring_forward_day_a_moved_time_can_fire_after_a_later_listed_time() -> None:
    # 01:30 becomes 02:30 BST, which comes after 02:15 BST.
    rule = daily("01:30", "02:15")
    after = wall("2026-03-28T12:00", LONDON)
    assert occurrences(rule, after, LONDON, 3) == [
        "2026-03-29T02:15",
        "2026-03-29T02:30",
        "2026-03-30T01:30",
    ]


def test_two_times_that_resolve_to_one_instant_fire_once() -> None:
    # 01:30 moved forward by the gap is 02:30 BST, which is also what 02:30 means.
    rule = daily("01:30", "02:30")
    after = wall("2026-03-28T12:00", LONDON)
    assert occurrences(rule, after, LONDON, 3) == [
        "2026-03-29T02:30",
        "2026-03-30T01:30",
        "2026-03-30T02:30",
    ]


def test_a_midnight_reminder_fires_at_0100_on_the_day_santiago_skips_midnight() -> None:
    after = wall("2026-09-05T00:00", SANTIAGO)
    assert occurrences(daily("00:00"), after, SANTIAGO, 2) == [
        "2026-09-06T01:00",
        "2026-09-07T00:00",
    ]
    assert next_occurrence(daily("00:00"), after=after, tz_name=SANTIAGO) == utc("2026-09-06T04:00")


def test_a_late_evening_reminder_fires_once_when_santiago_repeats_the_hour_before_midnight() -> (
    None
):
    after = wall("2026-04-04T12:00", SANTIAGO)
    first = next_occurrence(daily("23:30"), after=after, tz_name=SANTIAGO)
    assert first == utc("2026-04-05T02:30")  # 23:30 -03, the first of the two
    assert next_occurrence(daily("23:30"), after=first, tz_name=SANTIAGO) == utc("2026-04-06T03:30")


def test_the_day_samoa_skipped_fires_once_on_the_day_after() -> None:
    after = wall("2011-12-28T12:00", "Pacific/Apia")
    assert occurrences(daily("08:00"), after, "Pacific/Apia", 3) == [
        "2011-12-29T08:00",
        "2011-12-31T08:00",  # 30 December did not exist; its 08:00 is the 31st's
        "2012-01-01T08:00",
    ]


def test_a_time_moved_past_midnight_still_yields_to_an_earlier_time_of_the_next_day() -> None:
    # On 30 March 1919 Toronto jumped from 23:30 EST to 00:30 EDT, the only gap in the tz
    # database that crosses midnight and ends off the hour: 23:45 became 00:45 the next day,
    # after that day's own 00:40.
    rule = daily("00:40", "23:45")
    after = wall("1919-03-30T23:00", "America/Toronto")
    first = next_occurrence(rule, after=after, tz_name="America/Toronto")
    assert first == utc("1919-03-31T04:40")
    assert next_occurrence(rule, after=first, tz_name="America/Toronto") == utc("1919-03-31T04:45")


def test_a_fixed_offset_zone_has_no_dst_surprises() -> None:
    after = wall("2026-03-28T12:00", KOLKATA)
    assert next_occurrence(daily("01:30"), after=after, tz_name=KOLKATA) == utc("2026-03-28T20:00")


# --- next_occurrence: strictly after ------------------------------------------------------------


def test_an_occurrence_at_exactly_after_is_skipped() -> None:
    occurrence = wall("2026-05-10T08:00", LONDON)
    assert next_occurrence(daily("08:00"), after=occurrence, tz_name=LONDON) == wall(
        "2026-05-11T08:00", LONDON
    )


def test_an_occurrence_a_microsecond_after_after_is_returned() -> None:
    occurrence = wall("2026-05-10T08:00", LONDON)
    found = next_occurrence(
        daily("08:00"), after=occurrence - timedelta(microseconds=1), tz_name=LONDON
    )
    assert found == occurrence


def test_after_may_be_given_in_any_zone() -> None:
    after = datetime(2026, 5, 10, 3, 0, tzinfo=timezone(timedelta(hours=-4)))  # 08:00 in London
    assert next_occurrence(daily("08:00"), after=after, tz_name=LONDON) == utc("2026-05-11T07:00")


def test_several_times_a_day_fire_in_order() -> None:
    after = wall("2026-05-10T09:00", NEW_YORK)
    assert occurrences(daily("08:00", "13:00", "20:00"), after, NEW_YORK, 4) == [
        "2026-05-10T13:00",
        "2026-05-10T20:00",
        "2026-05-11T08:00",
        "2026-05-11T13:00",
    ]


def test_the_result_is_in_utc() -> None:
    found = next_occurrence(daily("08:00"), after=utc("2026-05-10T00:00"), tz_name=SYDNEY)
    assert found is not None
    assert found.tzinfo is UTC


def test_next_occurrence_rejects_a_naive_after() -> None:
    with pytest.raises(ValueError, match="after must be an aware datetime"):
        next_occurrence(daily("08:00"), after=datetime(2026, 5, 10), tz_name=LONDON)  # noqa: DTZ001


def test_next_occurrence_rejects_an_unknown_zone() -> None:
    with pytest.raises(ValueError, match="Unknown time zone"):
        next_occurrence(daily("08:00"), after=utc("2026-05-10T00:00"), tz_name="Moon/Tranquility")


# --- next_occurrence: calendar ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        # 2028 is a leap year: 26 Feb, 28 Feb, then 1 March (29 Feb is in between).
        ("2028-02-26", ["2028-02-26", "2028-02-28", "2028-03-01", "2028-03-03"]),
        ("2028-02-27", ["2028-02-27", "2028-02-29", "2028-03-02", "2028-03-04"]),
        # 2027 is not: 28 Feb, then 2 March.
        ("2027-02-26", ["2027-02-26", "2027-02-28", "2027-03-02", "2027-03-04"]),
    ],
)
def test_every_2_days_across_the_end_of_february(start: str, expected: list[str]) -> None:
    rule = daily("09:00", every_n_days=2, start_date=d(start))
    after = wall(f"{start}T00:00", LONDON)
    assert occurrences(rule, after, LONDON, 4) == [f"{x}T09:00" for x in expected]


def test_a_tuesday_rule_fires_on_29_february_2028() -> None:
    rule = daily("09:00", weekdays=frozenset({2}))
    after = wall("2028-02-23T12:00", LONDON)  # a Wednesday
    assert occurrences(rule, after, LONDON, 2) == ["2028-02-29T09:00", "2028-03-07T09:00"]


@pytest.mark.parametrize(
    ("rule", "after", "expected"),
    [
        (daily("08:00"), "2026-01-31T08:00", "2026-02-01T08:00"),
        (daily("08:00"), "2026-04-30T08:00", "2026-05-01T08:00"),
        (daily("08:00"), "2026-12-31T23:00", "2027-01-01T08:00"),
        (daily("08:00", weekdays=frozenset({6})), "2026-01-30T12:00", "2026-01-31T08:00"),
        (
            daily("08:00", every_n_days=30, start_date=d("2026-03-31")),
            "2026-04-01T00:00",
            "2026-04-30T08:00",
        ),
        (
            daily("08:00", every_n_days=31, start_date=d("2026-01-31")),
            "2026-02-01T00:00",
            "2026-03-03T08:00",
        ),
        (
            daily("08:00", every_n_days=1, start_date=d("2026-04-30")),
            "2026-04-30T08:00",
            "2026-05-01T08:00",
        ),
    ],
)
def test_month_ends_fall_out_of_plain_day_arithmetic(
    rule: ReminderRule, after: str, expected: str
) -> None:
    found = next_occurrence(rule, after=wall(after, LONDON), tz_name=LONDON)
    assert found is not None
    assert local_wall(found, LONDON) == expected


@pytest.mark.parametrize(
    ("after", "expected"),
    [
        ("2026-03-01T12:00", "2026-03-02"),  # before the start: the start date itself
        ("2026-03-02T07:59", "2026-03-02"),
        ("2026-03-02T08:00", "2026-03-05"),
        ("2026-03-04T23:59", "2026-03-05"),
        ("2026-03-10T12:00", "2026-03-11"),
        ("2026-03-11T08:00", "2026-03-14"),
        ("2026-12-31T12:00", "2027-01-02"),  # 306 days in: 2 Jan 2027 is start + 102 × 3
    ],
)
def test_every_3_days_counts_from_the_start_date(after: str, expected: str) -> None:
    rule = daily("08:00", every_n_days=3, start_date=d("2026-03-02"))
    found = next_occurrence(rule, after=wall(after, LONDON), tz_name=LONDON)
    assert found is not None
    assert local_wall(found, LONDON) == f"{expected}T08:00"


@pytest.mark.parametrize(
    ("after", "expected"),
    [
        ("2026-03-02T07:00", "2026-03-02T08:00"),  # Monday
        ("2026-03-02T08:00", "2026-03-04T08:00"),  # Wednesday
        ("2026-03-06T07:59", "2026-03-06T08:00"),  # Friday
        ("2026-03-06T08:00", "2026-03-09T08:00"),  # over the weekend to Monday
    ],
)
def test_weekdays_limit_the_days_a_rule_fires(after: str, expected: str) -> None:
    rule = daily("08:00", weekdays=frozenset({1, 3, 5}))
    found = next_occurrence(rule, after=wall(after, LONDON), tz_name=LONDON)
    assert found is not None
    assert local_wall(found, LONDON) == expected


def test_every_2_days_on_weekdays_only_needs_both_conditions() -> None:
    # Grid from Monday 2 March: 2, 4, 6, 8 (Sun), 10, 12, 14 (Sat), 16, 18, 20, 22 (Sun), 24.
    rule = daily(
        "08:00", every_n_days=2, weekdays=frozenset({1, 2, 3, 4, 5}), start_date=d("2026-03-02")
    )
    after = wall("2026-03-01T12:00", LONDON)
    days = [x[:10] for x in occurrences(rule, after, LONDON, 9)]
    assert days == [
        "2026-03-02",
        "2026-03-04",
        "2026-03-06",
        "2026-03-10",
        "2026-03-12",
        "2026-03-16",
        "2026-03-18",
        "2026-03-20",
        "2026-03-24",
    ]


def test_every_3_days_on_sundays_fires_every_3_weeks() -> None:
    rule = daily("10:00", every_n_days=3, weekdays=frozenset({7}), start_date=d("2026-03-02"))
    after = wall("2026-03-01T12:00", LONDON)
    assert [x[:10] for x in occurrences(rule, after, LONDON, 3)] == [
        "2026-03-08",
        "2026-03-29",  # also London's spring-forward day; 10:00 is unaffected
        "2026-04-19",
    ]


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        (daily("08:00", start_date=d("2026-06-01")), "2026-06-01T08:00"),
        (daily("08:00", "20:00", start_date=d("2026-06-01")), "2026-06-01T08:00"),
        (daily("08:00", weekdays=frozenset({3}), start_date=d("2026-06-01")), "2026-06-03T08:00"),
        (daily("08:00", every_n_days=10, start_date=d("2026-06-01")), "2026-06-01T08:00"),
    ],
)
def test_a_rule_starting_in_the_future_fires_first_on_or_after_its_start_date(
    rule: ReminderRule, expected: str
) -> None:
    found = next_occurrence(rule, after=wall("2026-03-01T12:00", LONDON), tz_name=LONDON)
    assert found is not None
    assert local_wall(found, LONDON) == expected


def test_the_start_date_is_a_local_date() -> None:
    # 31 May 20:00 UTC is already 06:00 on 1 June in Sydney: the rule fires an hour later.
    rule = daily("07:00", start_date=d("2026-06-01"))
    found = next_occurrence(rule, after=utc("2026-05-31T20:00"), tz_name=SYDNEY)
    assert found == utc("2026-05-31T21:00")


@pytest.mark.parametrize(
    ("after", "tz_name"),
    [
        ("1900-01-01T00:00", LONDON),  # local mean time era offsets do not matter
        ("1970-01-01T00:00", NEW_YORK),
        ("2025-06-01T00:00", CHATHAM),
    ],
)
def test_an_after_long_before_the_start_date_jumps_to_it(after: str, tz_name: str) -> None:
    rule = daily("08:00", every_n_days=5, start_date=d("2026-01-01"))
    found = next_occurrence(rule, after=utc(after), tz_name=tz_name)
    assert found is not None
    assert local_wall(found, tz_name) == "2026-01-01T08:00"


@pytest.mark.parametrize(
    ("every_n_days", "weekdays"),
    [
        (1, frozenset()),
        (366, frozenset()),
        (366, frozenset({3})),
        (5, frozenset({6})),
        (2, frozenset({7})),
    ],
)
def test_an_after_centuries_past_the_start_date_is_found_without_walking_every_day(
    every_n_days: int, weekdays: frozenset[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    resolved: list[date] = []
    real_instant = reminders._instant

    def counting_instant(day: date, at: time, zone: ZoneInfo) -> datetime:
        resolved.append(day)
        return real_instant(day, at, zone)

    monkeypatch.setattr(reminders, "_instant", counting_instant)
    start = d("2026-01-01")
    rule = daily("08:00", every_n_days=every_n_days, weekdays=weekdays, start_date=start)
    after = utc("2400-06-01T12:00")
    found = next_occurrence(rule, after=after, tz_name=NEW_YORK)

    assert found is not None
    assert found > after
    day = found.astimezone(ZoneInfo(NEW_YORK)).date()
    assert (day - start).days % every_n_days == 0
    assert not weekdays or day.isoweekday() in weekdays
    assert len(set(resolved)) <= 20  # a handful of dates, not 136,000
    # No grid day in between also satisfies the rule (reference computed the slow way).
    probe = day - timedelta(days=every_n_days)
    while probe.isoweekday() not in (weekdays or {probe.isoweekday()}):
        probe -= timedelta(days=every_n_days)
    assert real_instant(probe, t("08:00"), ZoneInfo(NEW_YORK)) <= after


def test_no_occurrence_past_the_last_representable_date_gives_none() -> None:
    # 23:30 on 31 December 9999 in New York is already the year 10000 in UTC.
    after = utc("9999-12-31T05:00")
    assert next_occurrence(daily("23:30"), after=after, tz_name=NEW_YORK) is None


# --- Quiet hours --------------------------------------------------------------------------------


NIGHT = {"start": t("22:00"), "end": t("07:00")}
LUNCH = {"start": t("12:00"), "end": t("14:00")}


@pytest.mark.parametrize(
    ("window", "local", "quiet", "deferred_to"),
    [
        (NIGHT, "2026-05-10T23:30", True, "2026-05-11T07:00"),
        (NIGHT, "2026-05-11T02:00", True, "2026-05-11T07:00"),
        (NIGHT, "2026-05-10T22:00", True, "2026-05-11T07:00"),
        (NIGHT, "2026-05-11T00:00", True, "2026-05-11T07:00"),
        (NIGHT, "2026-05-11T06:59", True, "2026-05-11T07:00"),
        (NIGHT, "2026-05-11T07:00", False, "2026-05-11T07:00"),
        (NIGHT, "2026-05-10T21:59", False, "2026-05-10T21:59"),
        (NIGHT, "2026-05-10T12:00", False, "2026-05-10T12:00"),
        (LUNCH, "2026-05-10T12:00", True, "2026-05-10T14:00"),
        (LUNCH, "2026-05-10T13:30", True, "2026-05-10T14:00"),
        (LUNCH, "2026-05-10T14:00", False, "2026-05-10T14:00"),
        (LUNCH, "2026-05-10T11:59", False, "2026-05-10T11:59"),
        (LUNCH, "2026-05-10T23:30", False, "2026-05-10T23:30"),
        # Month and year ends.
        (NIGHT, "2026-04-30T23:00", True, "2026-05-01T07:00"),
        (NIGHT, "2026-12-31T23:00", True, "2027-01-01T07:00"),
        (NIGHT, "2028-02-28T23:00", True, "2028-02-29T07:00"),
    ],
)
def test_quiet_hours_defer_to_the_end_of_the_window(
    window: dict[str, time], local: str, quiet: bool, deferred_to: str
) -> None:
    at = wall(local, LONDON)
    assert in_quiet_hours(at, tz_name=LONDON, **window) is quiet
    deferred = defer_for_quiet_hours(at, tz_name=LONDON, **window)
    assert local_wall(deferred, LONDON) == deferred_to
    if not quiet:
        assert deferred is at


def test_quiet_hours_at_the_last_second_of_the_window_are_still_quiet() -> None:
    at = wall("2026-05-11T06:59:59", LONDON)
    assert in_quiet_hours(at, tz_name=LONDON, **NIGHT)


@pytest.mark.parametrize(
    ("start", "end"),
    [(None, None), (t("22:00"), None), (None, t("07:00")), (t("22:00"), t("22:00"))],
)
def test_missing_or_empty_quiet_hours_never_defer(start: time | None, end: time | None) -> None:
    at = wall("2026-05-10T23:30", LONDON)
    assert not in_quiet_hours(at, tz_name=LONDON, start=start, end=end)
    assert defer_for_quiet_hours(at, tz_name=LONDON, start=start, end=end) is at


def test_quiet_hours_use_the_persons_zone_not_the_instants() -> None:
    at = utc("2026-01-01T17:00")  # 22:30 in Kolkata, 17:00 in London
    assert in_quiet_hours(at, tz_name=KOLKATA, **NIGHT)
    assert not in_quiet_hours(at, tz_name=LONDON, **NIGHT)
    assert defer_for_quiet_hours(at, tz_name=KOLKATA, **NIGHT) == utc("2026-01-02T01:30")


@pytest.mark.parametrize(
    ("tz_name", "at", "window", "expected_utc", "expected_wall"),
    [
        # The night London springs forward: 07:00 is BST, so an hour less of UTC.
        (LONDON, "2026-03-28T23:30", NIGHT, "2026-03-29T06:00", "2026-03-29T07:00"),
        # The night it falls back: 07:00 is GMT.
        (LONDON, "2026-10-24T23:30", NIGHT, "2026-10-25T07:00", "2026-10-25T07:00"),
        (SYDNEY, "2026-10-03T23:00", NIGHT, "2026-10-03T20:00", "2026-10-04T07:00"),
        (SYDNEY, "2026-04-04T23:00", NIGHT, "2026-04-04T21:00", "2026-04-05T07:00"),
        (NEW_YORK, "2026-03-08T01:30", NIGHT, "2026-03-08T11:00", "2026-03-08T07:00"),
        # An end that does not exist is moved forward by the gap, like any local time.
        (
            LONDON,
            "2026-03-29T00:30",
            {"start": t("22:00"), "end": t("01:30")},
            "2026-03-29T01:30",
            "2026-03-29T02:30",
        ),
        (
            SANTIAGO,
            "2026-09-05T23:00",
            {"start": t("22:00"), "end": t("00:00")},
            "2026-09-06T04:00",
            "2026-09-06T01:00",
        ),
        (
            CHATHAM,
            "2026-09-27T01:00",
            {"start": t("23:00"), "end": t("03:00")},
            "2026-09-26T14:15",
            "2026-09-27T04:00",
        ),
    ],
)
def test_quiet_hours_ending_on_a_dst_day_end_at_the_local_end_time(
    tz_name: str, at: str, window: dict[str, time], expected_utc: str, expected_wall: str
) -> None:
    deferred = defer_for_quiet_hours(wall(at, tz_name), tz_name=tz_name, **window)
    assert deferred == utc(expected_utc)
    assert local_wall(deferred, tz_name) == expected_wall


def test_quiet_hours_ending_in_a_repeated_hour_end_at_the_first_pass() -> None:
    window = {"start": t("22:00"), "end": t("01:30")}
    at = utc("2026-10-25T00:10")  # 01:10 BST, the first pass
    assert defer_for_quiet_hours(at, tz_name=LONDON, **window) == utc("2026-10-25T00:30")


def test_quiet_hours_ending_in_a_repeated_hour_never_defer_backwards() -> None:
    window = {"start": t("22:00"), "end": t("01:30")}
    at = utc("2026-10-25T01:10")  # 01:10 GMT, the second pass: 01:30 BST is already over
    assert in_quiet_hours(at, tz_name=LONDON, **window)
    assert defer_for_quiet_hours(at, tz_name=LONDON, **window) == utc("2026-10-25T01:30")


def test_a_deferred_reminder_is_out_of_quiet_hours() -> None:
    for minutes in range(0, 24 * 60, 7):
        at = utc("2026-03-28T12:00") + timedelta(minutes=minutes)
        deferred = defer_for_quiet_hours(at, tz_name=LONDON, **NIGHT)
        assert deferred >= at
        assert not in_quiet_hours(deferred, tz_name=LONDON, **NIGHT)


def test_quiet_hours_reject_a_naive_instant() -> None:
    with pytest.raises(ValueError, match="at must be an aware datetime"):
        in_quiet_hours(datetime(2026, 5, 10, 23), tz_name=LONDON, **NIGHT)  # noqa: DTZ001


# --- Injection reminders ------------------------------------------------------------------------


def injection_occurrences(after: datetime, count: int, **kwargs: object) -> list[str]:
    kwargs = {"times": (t("09:00"),), "tz_name": LONDON, **kwargs}
    found = []
    for _ in range(count):
        nxt = next_injection_occurrence(after=after, **kwargs)  # type: ignore[arg-type]
        if nxt is None:
            break
        found.append(local_wall(nxt, LONDON))
        after = nxt
    return found


def test_injection_reminders_give_a_heads_up_then_the_due_day_then_overdue_repeats() -> None:
    found = injection_occurrences(
        wall("2026-04-01T12:00", LONDON),
        5,
        next_due=d("2026-04-15"),
        heads_up_days=2,
        overdue_repeat_days=1,
    )
    assert found == [
        "2026-04-13T09:00",
        "2026-04-15T09:00",
        "2026-04-16T09:00",
        "2026-04-17T09:00",
        "2026-04-18T09:00",
    ]


def test_injection_reminders_without_a_heads_up_start_on_the_due_day() -> None:
    found = injection_occurrences(
        wall("2026-04-01T12:00", LONDON),
        3,
        next_due=d("2026-04-15"),
        heads_up_days=0,
        overdue_repeat_days=3,
    )
    assert found == ["2026-04-15T09:00", "2026-04-18T09:00", "2026-04-21T09:00"]


def test_injection_reminders_without_overdue_repeats_end_after_the_due_day() -> None:
    found = injection_occurrences(
        wall("2026-04-01T12:00", LONDON),
        5,
        next_due=d("2026-04-15"),
        heads_up_days=7,
        overdue_repeat_days=0,
        times=(t("09:00"), t("18:00")),
    )
    assert found == [
        "2026-04-08T09:00",
        "2026-04-08T18:00",
        "2026-04-15T09:00",
        "2026-04-15T18:00",
    ]


@pytest.mark.parametrize(
    ("after", "expected"),
    [
        ("2026-04-13T09:00", "2026-04-15T09:00"),  # just after the heads-up
        ("2026-04-14T12:00", "2026-04-15T09:00"),
        ("2026-04-15T08:59", "2026-04-15T09:00"),
        ("2026-04-15T09:00", "2026-04-22T09:00"),  # a week overdue
        ("2026-07-24T12:00", "2026-07-29T09:00"),  # 15 weeks overdue: due + 105 days
    ],
)
def test_injection_reminders_continue_from_wherever_after_falls(after: str, expected: str) -> None:
    found = next_injection_occurrence(
        next_due=d("2026-04-15"),
        heads_up_days=2,
        times=(t("09:00"),),
        overdue_repeat_days=7,
        after=wall(after, LONDON),
        tz_name=LONDON,
    )
    assert found is not None
    assert local_wall(found, LONDON) == expected


def test_injection_reminders_without_a_due_date_give_none() -> None:
    found = next_injection_occurrence(
        next_due=None,
        heads_up_days=2,
        times=(t("09:00"),),
        overdue_repeat_days=1,
        after=utc("2026-04-01T00:00"),
        tz_name=LONDON,
    )
    assert found is None


def test_an_injection_due_on_a_spring_forward_day_keeps_the_wall_clock() -> None:
    found = injection_occurrences(
        wall("2026-03-20T12:00", LONDON),
        3,
        next_due=d("2026-03-29"),
        heads_up_days=1,
        overdue_repeat_days=1,
        times=(t("01:30"),),
    )
    assert found == ["2026-03-28T01:30", "2026-03-29T02:30", "2026-03-30T01:30"]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"heads_up_days": -1}, "heads_up_days must be a whole number from 0 to 366"),
        ({"heads_up_days": 367}, "heads_up_days must be a whole number from 0 to 366"),
        ({"heads_up_days": True}, "heads_up_days must be a whole number"),
        ({"overdue_repeat_days": -7}, "overdue_repeat_days must be a whole number"),
        ({"overdue_repeat_days": 1.5}, "overdue_repeat_days must be a whole number"),
        ({"times": ()}, "from 1 to 12 times a day"),
        ({"times": (t("18:00"), t("09:00"))}, "sorted"),
        ({"after": datetime(2026, 4, 1)}, "after must be an aware datetime"),  # noqa: DTZ001
        ({"tz_name": "Nowhere/Special"}, "Unknown time zone"),
    ],
)
def test_injection_reminders_reject_invalid_input(kwargs: dict[str, object], message: str) -> None:
    arguments: dict[str, object] = {
        "next_due": d("2026-04-15"),
        "heads_up_days": 2,
        "times": (t("09:00"),),
        "overdue_repeat_days": 1,
        "after": utc("2026-04-01T00:00"),
        "tz_name": LONDON,
        **kwargs,
    }
    with pytest.raises(ValueError, match=message):
        next_injection_occurrence(**arguments)  # type: ignore[arg-type]


# --- One-off reminders --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("after", "expected"),
    [
        ("2026-01-01T00:00", "2026-05-10T08:00"),
        ("2026-05-10T07:59", "2026-05-10T08:00"),
        ("2026-05-10T08:00", "2026-05-10T18:00"),
        ("2026-05-10T17:59", "2026-05-10T18:00"),
        ("2026-05-10T18:00", None),
        ("2027-01-01T00:00", None),
    ],
)
def test_a_one_off_lab_recheck_fires_at_its_times_then_never(
    after: str, expected: str | None
) -> None:
    found = next_one_off(
        on=d("2026-05-10"),
        times=(t("08:00"), t("18:00")),
        after=wall(after, LONDON),
        tz_name=LONDON,
    )
    assert (local_wall(found, LONDON) if found else None) == expected


def test_a_one_off_at_a_midnight_that_does_not_exist_fires_at_0100() -> None:
    found = next_one_off(
        on=d("2026-09-06"), times=(t("00:00"),), after=utc("2026-09-01T00:00"), tz_name=SANTIAGO
    )
    assert found == utc("2026-09-06T04:00")


def test_a_one_off_rejects_invalid_times() -> None:
    with pytest.raises(ValueError, match="tuple of datetime.time"):
        next_one_off(
            on=d("2026-05-10"),
            times=["08:00"],  # type: ignore[arg-type]
            after=utc("2026-01-01T00:00"),
            tz_name=LONDON,
        )


# --- Invariants over many seeded random rules ---------------------------------------------------

PROPERTY_ZONES = [
    LONDON,
    NEW_YORK,
    SYDNEY,
    KOLKATA,
    CHATHAM,
    SANTIAGO,
    "Australia/Lord_Howe",
    "Atlantic/Azores",
    "Pacific/Apia",
    "UTC",
]
# Times around the usual change hours, midnight and Chatham's quarter hours, plus ordinary ones.
EDGE_TIMES = [
    "00:00",
    "00:30",
    "00:59",
    "01:00",
    "01:30",
    "01:59",
    "02:00",
    "02:15",
    "02:30",
    "02:45",
    "03:00",
    "03:30",
    "03:45",
    "23:00",
    "23:30",
    "23:59",
    "08:00",
    "20:00",
]


def _offset_changes(tz_name: str) -> list[datetime]:
    """UTC instants (to within 12 h) at which the zone's offset changes, 2010–2031."""
    zone = ZoneInfo(tz_name)
    changes = []
    instant = utc("2010-01-01T00:00")
    previous = instant.astimezone(zone).utcoffset()
    while instant < utc("2031-01-01T00:00"):
        instant += timedelta(hours=12)
        offset = instant.astimezone(zone).utcoffset()
        if offset != previous:
            changes.append(instant)
            previous = offset
    return changes


def _random_rule(rng: random.Random) -> ReminderRule | None:
    pool = [t(x) for x in EDGE_TIMES] + [time(rng.randrange(24), rng.randrange(60))]
    times = tuple(sorted(set(rng.sample(pool, k=rng.choice([1, 1, 2, 3, 5, 12])))))
    weekdays = (
        frozenset(rng.sample(range(1, 8), k=rng.randint(1, 7)))
        if rng.random() < 0.5
        else frozenset()
    )
    every_n_days = (
        rng.choice([1, 2, 3, 7, 14, 30, 31, 365, 366, rng.randint(1, 366)])
        if rng.random() < 0.5
        else None
    )
    start_date = (
        date(2020, 1, 1) + timedelta(days=rng.randrange(0, 4000))
        if every_n_days is not None or rng.random() < 0.3
        else None
    )
    try:
        return ReminderRule(times, weekdays, every_n_days, start_date)
    except ValueError as exc:
        assert "never fire" in str(exc)
        return None


def _fires_on(rule: ReminderRule, day: date) -> bool:
    """The rule's day condition written out plainly, as the reference for the brute force."""
    if rule.start_date is not None and day < rule.start_date:
        return False
    if rule.weekdays and day.isoweekday() not in rule.weekdays:
        return False
    if rule.every_n_days is not None:
        assert rule.start_date is not None
        return (day - rule.start_date).days % rule.every_n_days == 0
    return True


def test_random_rules_give_the_first_occurrence_strictly_after_in_every_zone() -> None:
    rng = random.Random(20260329)
    changes = {tz_name: _offset_changes(tz_name) for tz_name in PROPERTY_ZONES}
    checked = 0
    while checked < 1500:
        rule = _random_rule(rng)
        if rule is None:
            continue
        tz_name = rng.choice(PROPERTY_ZONES)
        zone = ZoneInfo(tz_name)
        if changes[tz_name] and rng.random() < 0.6:
            after = rng.choice(changes[tz_name]) + timedelta(minutes=rng.randrange(-2880, 2880))
        else:
            after = utc("2010-01-01T00:00") + timedelta(minutes=rng.randrange(0, 11_000_000))
        if rng.random() < 0.1:
            after = local_instant(after.date(), rng.choice(rule.times), tz_name)  # an occurrence
        found = next_occurrence(rule, after=after, tz_name=tz_name)
        context = (rule, tz_name, after, found)

        assert found is not None, context
        assert found.tzinfo is UTC, context
        assert found > after, context

        # It is one of the rule's (date, time) pairs: the wall time is a rule time, or one moved
        # forward by exactly the gap it fell into.
        local = found.astimezone(zone)
        matches = [
            (day, at)
            for day in (local.date() - timedelta(days=1), local.date())
            for at in rule.times
            if _fires_on(rule, day) and local_instant(day, at, tz_name) == found
        ]
        assert matches, context
        day, at = matches[-1]
        moved = local.replace(tzinfo=None) - datetime.combine(day, at)
        offset_after = local.utcoffset()
        offset_before = datetime.combine(day, at, tzinfo=zone).utcoffset()
        assert offset_after is not None and offset_before is not None
        assert moved in (timedelta(0), offset_after - offset_before), context
        assert moved >= timedelta(0), context

        # Nothing fires in between: brute force over every local date that could hold one.
        probe = after.astimezone(UTC).date() - timedelta(days=3)
        while probe <= local.date() + timedelta(days=1):
            if _fires_on(rule, probe):
                for at in rule.times:
                    instant = local_instant(probe, at, tz_name)
                    assert not after < instant < found, (*context, probe, at, instant)
            probe += timedelta(days=1)

        # Advancing from the occurrence just found never repeats it.
        following = next_occurrence(rule, after=found, tz_name=tz_name)
        assert following is not None and following > found, context
        checked += 1
