import dataclasses
import random
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from tracker.domain.schedules import (
    InjectionSchedule,
    ScheduleStatus,
    local_date,
    schedule_status,
)


def d(iso: str) -> date:
    return date.fromisoformat(iso)


def days(n: int) -> timedelta:
    return timedelta(days=n)


def utc(iso: str) -> datetime:
    return datetime.fromisoformat(iso).replace(tzinfo=UTC)


# The UK hydroxocobalamin pattern without neurological involvement (DOMAIN.md §3): three times a
# week for two weeks, i.e. six loading doses every 2–3 days, then every three months.
def hydroxocobalamin(loading_interval_days: int, **kwargs: object) -> InjectionSchedule:
    return InjectionSchedule(
        maintenance_interval_days=90,
        loading_doses=6,
        loading_interval_days=loading_interval_days,
        **kwargs,  # type: ignore[arg-type]
    )


def anchored(interval: int, anchor: str, **kwargs: object) -> InjectionSchedule:
    return InjectionSchedule(
        maintenance_interval_days=interval,
        basis="fixed_anchor",
        anchor_date=d(anchor),
        **kwargs,  # type: ignore[arg-type]
    )


# --- Validation ---------------------------------------------------------------------------------


@pytest.mark.parametrize("interval", [-7, 0, 1, 6, 731, 1000])
def test_maintenance_interval_outside_7_to_730_days_is_rejected(interval: int) -> None:
    with pytest.raises(ValueError, match="maintenance_interval_days must be between 7 and 730"):
        InjectionSchedule(maintenance_interval_days=interval)


@pytest.mark.parametrize("interval", [7, 30, 90, 365, 730])
def test_maintenance_interval_from_7_to_730_days_is_accepted(interval: int) -> None:
    assert (
        InjectionSchedule(maintenance_interval_days=interval).maintenance_interval_days == interval
    )


def test_negative_loading_doses_are_rejected() -> None:
    with pytest.raises(ValueError, match="loading_doses must not be negative"):
        InjectionSchedule(maintenance_interval_days=90, loading_doses=-1)


@pytest.mark.parametrize("loading_interval", [None, -1, 0, 32, 90])
def test_loading_phase_without_a_1_to_31_day_interval_is_rejected(
    loading_interval: int | None,
) -> None:
    with pytest.raises(ValueError, match="loading_interval_days between 1 and 31"):
        InjectionSchedule(
            maintenance_interval_days=90, loading_doses=6, loading_interval_days=loading_interval
        )


@pytest.mark.parametrize("loading_interval", [1, 2, 3, 31])
def test_loading_phase_with_a_1_to_31_day_interval_is_accepted(loading_interval: int) -> None:
    schedule = InjectionSchedule(
        maintenance_interval_days=90, loading_doses=6, loading_interval_days=loading_interval
    )
    assert schedule.loading_interval_days == loading_interval


def test_loading_interval_is_ignored_when_there_is_no_loading_phase() -> None:
    schedule = InjectionSchedule(maintenance_interval_days=30, loading_interval_days=90)
    status = schedule_status(schedule, [d("2026-01-01")], today=d("2026-01-02"))
    assert status.next_due == d("2026-01-31")
    assert status.phase == "maintenance"


def test_fixed_anchor_without_an_anchor_date_is_rejected() -> None:
    with pytest.raises(ValueError, match="fixed_anchor schedule needs an anchor_date"):
        InjectionSchedule(maintenance_interval_days=90, basis="fixed_anchor")


def test_unknown_basis_is_rejected() -> None:
    with pytest.raises(ValueError, match="basis must be"):
        InjectionSchedule(maintenance_interval_days=90, basis="monthly")  # type: ignore[arg-type]


def test_anchor_date_is_ignored_under_the_last_dose_basis() -> None:
    schedule = InjectionSchedule(maintenance_interval_days=30, anchor_date=d("2026-01-10"))
    status = schedule_status(schedule, [d("2026-01-01")], today=d("2026-01-02"))
    assert status.next_due == d("2026-01-31")


def test_schedule_is_immutable() -> None:
    schedule = InjectionSchedule(maintenance_interval_days=90)
    with pytest.raises(dataclasses.FrozenInstanceError):
        schedule.maintenance_interval_days = 30  # type: ignore[misc]


# --- No doses yet -------------------------------------------------------------------------------


def test_no_doses_and_no_start_date_gives_no_due_date_and_no_overdue() -> None:
    status = schedule_status(
        InjectionSchedule(maintenance_interval_days=90), [], today=d("2026-05-01")
    )
    assert status == ScheduleStatus(
        next_due=None, overdue_days=0, phase="not_started", doses_given=0
    )


def test_no_doses_with_a_start_date_makes_the_first_dose_due_on_the_start_date() -> None:
    schedule = InjectionSchedule(maintenance_interval_days=90, start_date=d("2026-05-10"))
    status = schedule_status(schedule, [], today=d("2026-05-01"))
    assert status == ScheduleStatus(
        next_due=d("2026-05-10"), overdue_days=0, phase="not_started", doses_given=0
    )


def test_a_missed_first_dose_is_overdue_from_the_start_date() -> None:
    schedule = InjectionSchedule(maintenance_interval_days=90, start_date=d("2026-05-10"))
    assert schedule_status(schedule, [], today=d("2026-05-13")).overdue_days == 3


def test_no_loading_doses_yet_makes_the_first_one_due_on_the_start_date() -> None:
    schedule = hydroxocobalamin(2, start_date=d("2026-01-05"))
    status = schedule_status(schedule, [], today=d("2026-01-01"))
    assert status == ScheduleStatus(
        next_due=d("2026-01-05"), overdue_days=0, phase="not_started", doses_given=0
    )


def test_no_loading_doses_and_no_start_date_gives_no_due_date() -> None:
    status = schedule_status(hydroxocobalamin(2), [], today=d("2026-01-01"))
    assert status == ScheduleStatus(
        next_due=None, overdue_days=0, phase="not_started", doses_given=0
    )


def test_doses_before_the_start_date_count_as_no_doses() -> None:
    schedule = InjectionSchedule(maintenance_interval_days=90, start_date=d("2026-05-10"))
    status = schedule_status(schedule, [d("2026-05-01"), d("2026-05-09")], today=d("2026-05-11"))
    assert status == ScheduleStatus(
        next_due=d("2026-05-10"), overdue_days=1, phase="not_started", doses_given=0
    )


# --- Loading phase ------------------------------------------------------------------------------


@pytest.mark.parametrize("loading_interval", [2, 3])
def test_hydroxocobalamin_loading_then_every_90_days(loading_interval: int) -> None:
    schedule = hydroxocobalamin(loading_interval, start_date=d("2026-01-05"))
    given: list[date] = []
    for dose_number in range(1, 7):
        given.append(d("2026-01-05") + days((dose_number - 1) * loading_interval))
        status = schedule_status(schedule, given, today=given[-1])
        assert status.doses_given == dose_number
        if dose_number < 6:
            assert status.phase == "loading"
            assert status.next_due == given[-1] + days(loading_interval)
        else:
            assert status.phase == "maintenance"
            assert status.next_due == given[-1] + days(90)
        assert status.overdue_days == 0


def test_hydroxocobalamin_every_other_day_ends_loading_on_the_fifteenth_and_is_due_in_april() -> (
    None
):
    given = [d("2026-01-05") + days(2 * i) for i in range(6)]
    status = schedule_status(hydroxocobalamin(2), given, today=d("2026-01-16"))
    assert given[-1] == d("2026-01-15")
    assert status == ScheduleStatus(
        next_due=d("2026-04-15"), overdue_days=0, phase="maintenance", doses_given=6
    )


def test_loading_dose_counts_from_the_last_loading_dose_actually_given() -> None:
    # The third dose came two days late: the fourth is due three days after it, not on the plan.
    given = [d("2026-01-05"), d("2026-01-07"), d("2026-01-11")]
    status = schedule_status(hydroxocobalamin(3), given, today=d("2026-01-12"))
    assert status == ScheduleStatus(
        next_due=d("2026-01-14"), overdue_days=0, phase="loading", doses_given=3
    )


def test_a_missed_loading_dose_becomes_overdue() -> None:
    status = schedule_status(hydroxocobalamin(2), [d("2026-01-05")], today=d("2026-01-10"))
    assert status.next_due == d("2026-01-07")
    assert status.overdue_days == 3
    assert status.phase == "loading"


def test_last_loading_dose_given_late_pushes_maintenance_back() -> None:
    given = [d("2026-01-05") + days(2 * i) for i in range(5)] + [d("2026-01-20")]
    status = schedule_status(hydroxocobalamin(2), given, today=d("2026-01-20"))
    assert status.next_due == d("2026-01-20") + days(90)


def test_two_loading_injections_on_one_day_count_as_two_doses() -> None:
    schedule = InjectionSchedule(
        maintenance_interval_days=60, loading_doses=3, loading_interval_days=7
    )
    given = [d("2026-02-01"), d("2026-02-01")]
    status = schedule_status(schedule, given, today=d("2026-02-02"))
    assert status == ScheduleStatus(
        next_due=d("2026-02-08"), overdue_days=0, phase="loading", doses_given=2
    )


def test_duplicate_dose_can_complete_the_loading_phase() -> None:
    schedule = InjectionSchedule(
        maintenance_interval_days=60, loading_doses=3, loading_interval_days=7
    )
    given = [d("2026-02-01"), d("2026-02-08"), d("2026-02-08")]
    status = schedule_status(schedule, given, today=d("2026-02-09"))
    assert status == ScheduleStatus(
        next_due=d("2026-04-09"), overdue_days=0, phase="maintenance", doses_given=3
    )


def test_loading_phase_ignores_doses_before_the_start_date() -> None:
    schedule = hydroxocobalamin(2, start_date=d("2026-01-05"))
    given = [d("2025-12-01"), d("2026-01-03"), d("2026-01-05"), d("2026-01-07")]
    status = schedule_status(schedule, given, today=d("2026-01-08"))
    assert status == ScheduleStatus(
        next_due=d("2026-01-09"), overdue_days=0, phase="loading", doses_given=2
    )


def test_single_loading_dose_then_weekly() -> None:
    schedule = InjectionSchedule(
        maintenance_interval_days=7, loading_doses=1, loading_interval_days=1
    )
    status = schedule_status(schedule, [d("2026-03-02")], today=d("2026-03-02"))
    assert status.phase == "maintenance"
    assert status.next_due == d("2026-03-09")


def test_fda_daily_loading_then_monthly() -> None:
    # FDA label (DOMAIN.md §3): daily for about a week, then monthly: 7 doses a day apart, then 30.
    schedule = InjectionSchedule(
        maintenance_interval_days=30, loading_doses=7, loading_interval_days=1
    )
    given = [d("2026-06-01") + days(i) for i in range(7)]
    assert schedule_status(schedule, given[:3], today=d("2026-06-03")).next_due == d("2026-06-04")
    status = schedule_status(schedule, given, today=d("2026-06-07"))
    assert status.next_due == d("2026-07-07")
    assert status.phase == "maintenance"


# --- Maintenance from the last dose -------------------------------------------------------------


def test_maintenance_counts_from_the_last_dose_actually_given() -> None:
    schedule = InjectionSchedule(maintenance_interval_days=90)
    status = schedule_status(schedule, [d("2026-01-10"), d("2026-04-20")], today=d("2026-05-01"))
    assert status == ScheduleStatus(
        next_due=d("2026-07-19"), overdue_days=0, phase="maintenance", doses_given=2
    )


@pytest.mark.parametrize(
    ("dose", "next_due"),
    [
        ("2026-04-10", "2026-07-09"),  # on time (2026-01-10 + 90)
        ("2026-04-01", "2026-06-30"),  # nine days early
        ("2026-04-25", "2026-07-24"),  # fifteen days late
    ],
)
def test_early_and_late_doses_move_the_next_due_date_under_the_last_dose_basis(
    dose: str, next_due: str
) -> None:
    schedule = InjectionSchedule(maintenance_interval_days=90)
    status = schedule_status(schedule, [d("2026-01-10"), d(dose)], today=d(dose))
    assert status.next_due == d(next_due)


def test_weekly_interval() -> None:
    schedule = InjectionSchedule(maintenance_interval_days=7)
    status = schedule_status(schedule, [d("2026-12-28")], today=d("2026-12-28"))
    assert status.next_due == d("2027-01-04")


def test_yearly_interval() -> None:
    schedule = InjectionSchedule(maintenance_interval_days=365)
    assert schedule_status(schedule, [d("2026-06-01")], today=d("2026-06-01")).next_due == d(
        "2027-06-01"
    )


def test_730_day_interval() -> None:
    schedule = InjectionSchedule(maintenance_interval_days=730)
    assert schedule_status(schedule, [d("2026-06-01")], today=d("2026-06-01")).next_due == d(
        "2028-05-31"
    )


def test_unordered_dose_dates_use_the_latest() -> None:
    schedule = InjectionSchedule(maintenance_interval_days=30)
    given = [d("2026-03-01"), d("2026-05-01"), d("2026-01-01"), d("2026-04-01")]
    status = schedule_status(schedule, given, today=d("2026-05-02"))
    assert status.next_due == d("2026-05-31")
    assert status.doses_given == 4


def test_duplicate_dose_dates_count_as_doses_but_the_schedule_counts_from_the_date_once() -> None:
    schedule = InjectionSchedule(maintenance_interval_days=30)
    given = [d("2026-05-01"), d("2026-05-01"), d("2026-04-01")]
    status = schedule_status(schedule, given, today=d("2026-05-02"))
    assert status == ScheduleStatus(
        next_due=d("2026-05-31"), overdue_days=0, phase="maintenance", doses_given=3
    )


def test_doses_before_the_start_date_are_ignored() -> None:
    schedule = InjectionSchedule(maintenance_interval_days=30, start_date=d("2026-03-01"))
    given = [d("2026-02-27"), d("2026-03-01"), d("2026-02-01")]
    status = schedule_status(schedule, given, today=d("2026-03-02"))
    assert status.next_due == d("2026-03-31")
    assert status.doses_given == 1


def test_a_dose_on_the_start_date_counts() -> None:
    schedule = InjectionSchedule(maintenance_interval_days=30, start_date=d("2026-03-01"))
    status = schedule_status(schedule, [d("2026-03-01")], today=d("2026-03-01"))
    assert status.doses_given == 1
    assert status.phase == "maintenance"


def test_a_tuple_of_dose_dates_is_accepted() -> None:
    schedule = InjectionSchedule(maintenance_interval_days=30)
    status = schedule_status(schedule, (d("2026-01-01"), d("2026-02-01")), today=d("2026-02-01"))
    assert status.next_due == d("2026-03-03")


# --- Overdue ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "overdue"),
    [
        ("2026-01-30", 0),  # the day before
        ("2026-01-31", 0),  # the due day itself
        ("2026-02-01", 1),  # the day after
        ("2026-03-02", 30),
        ("2027-01-31", 365),
    ],
)
def test_overdue_days_count_from_the_day_after_the_due_date(today: str, overdue: int) -> None:
    schedule = InjectionSchedule(maintenance_interval_days=30)
    status = schedule_status(schedule, [d("2026-01-01")], today=d(today))
    assert status.next_due == d("2026-01-31")
    assert status.overdue_days == overdue


def test_today_before_the_last_recorded_dose_is_not_overdue() -> None:
    # A dose recorded ahead of "today" (e.g. a travelling clock) must not give a negative count.
    schedule = InjectionSchedule(maintenance_interval_days=30)
    status = schedule_status(schedule, [d("2026-01-01")], today=d("2025-12-01"))
    assert status.overdue_days == 0


# --- Month ends and leap days -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("dose", "interval", "next_due"),
    [
        ("2026-01-31", 30, "2026-03-02"),  # across a 28-day February
        ("2028-01-31", 30, "2028-03-01"),  # across a 29-day February
        ("2026-01-31", 28, "2026-02-28"),
        ("2028-01-31", 28, "2028-02-28"),
        ("2028-01-31", 29, "2028-02-29"),
        ("2026-03-31", 30, "2026-04-30"),
        ("2026-04-30", 31, "2026-05-31"),
        ("2026-12-31", 7, "2027-01-07"),  # year end
    ],
)
def test_month_ends_fall_out_of_plain_day_arithmetic(
    dose: str, interval: int, next_due: str
) -> None:
    schedule = InjectionSchedule(maintenance_interval_days=interval)
    assert schedule_status(schedule, [d(dose)], today=d(dose)).next_due == d(next_due)


@pytest.mark.parametrize(
    ("dose", "interval", "next_due"),
    [
        ("2028-02-29", 7, "2028-03-07"),  # from a leap day
        ("2028-02-22", 7, "2028-02-29"),  # onto a leap day
        ("2028-02-29", 365, "2029-02-28"),  # a year after a leap day
        ("2027-12-31", 60, "2028-02-29"),  # 2027 → 2028 onto the leap day
        ("2027-12-15", 90, "2028-03-14"),  # 2027 → 2028 across the leap day
        ("2027-03-01", 365, "2028-02-29"),  # 365 days across a leap year is not a calendar year
        ("2027-06-01", 365, "2028-05-31"),
        ("2026-06-01", 730, "2028-05-31"),
    ],
)
def test_leap_days_fall_out_of_plain_day_arithmetic(
    dose: str, interval: int, next_due: str
) -> None:
    schedule = InjectionSchedule(maintenance_interval_days=interval)
    assert schedule_status(schedule, [d(dose)], today=d(dose)).next_due == d(next_due)


def test_overdue_across_a_leap_day_counts_the_leap_day() -> None:
    schedule = InjectionSchedule(maintenance_interval_days=30)
    status = schedule_status(schedule, [d("2027-12-29")], today=d("2028-03-01"))
    assert status.next_due == d("2028-01-28")
    assert status.overdue_days == 33  # 3 days of January + 29 of February + 1


def test_fixed_anchor_grid_on_a_leap_day_steps_in_whole_days() -> None:
    schedule = anchored(365, "2028-02-29")
    assert schedule_status(schedule, [d("2028-02-29")], today=d("2028-03-01")).next_due == d(
        "2029-02-28"
    )
    # Four steps of 365 days from a leap day land on 2032-02-28, not the next leap day.
    status = schedule_status(schedule, [d("2031-02-28")], today=d("2031-03-01"))
    assert status.next_due == d("2032-02-28")


def test_fixed_anchor_monthly_from_january_31() -> None:
    schedule = anchored(30, "2026-01-31")
    status = schedule_status(schedule, [d("2026-01-31")], today=d("2026-02-01"))
    assert status.next_due == d("2026-03-02")


# --- Maintenance on a fixed anchor --------------------------------------------------------------

# Slots for anchored(90, "2026-01-01"): 2026-01-01, 04-01, 06-30, 09-28, 12-27.


def test_fixed_anchor_on_time_doses_follow_the_grid() -> None:
    schedule = anchored(90, "2026-01-01")
    given = [d("2026-01-01"), d("2026-04-01"), d("2026-06-30")]
    status = schedule_status(schedule, given, today=d("2026-07-01"))
    assert status == ScheduleStatus(
        next_due=d("2026-09-28"), overdue_days=0, phase="maintenance", doses_given=3
    )


@pytest.mark.parametrize(
    "dose",
    [
        "2026-03-20",  # twelve days early
        "2026-04-01",  # on the slot
        "2026-04-10",  # nine days late
        "2026-05-15",  # 44 days late, still nearer 04-01 than 06-30
    ],
)
def test_fixed_anchor_early_and_late_doses_do_not_shift_the_grid(dose: str) -> None:
    schedule = anchored(90, "2026-01-01")
    status = schedule_status(schedule, [d("2026-01-01"), d(dose)], today=d(dose))
    assert status.next_due == d("2026-06-30")


def test_fixed_anchor_a_dose_past_the_midpoint_covers_the_following_slot() -> None:
    schedule = anchored(90, "2026-01-01")
    # 2026-05-17 is 46 days after 04-01 and 44 before 06-30.
    status = schedule_status(schedule, [d("2026-05-17")], today=d("2026-05-17"))
    assert status.next_due == d("2026-09-28")


def test_fixed_anchor_a_dose_exactly_between_two_slots_covers_the_later_one() -> None:
    schedule = anchored(90, "2026-01-01")
    # 2026-05-16 is 45 days from both 04-01 and 06-30.
    status = schedule_status(schedule, [d("2026-05-16")], today=d("2026-05-16"))
    assert status.next_due == d("2026-09-28")


@pytest.mark.parametrize(
    ("offset", "next_due_offset"),
    [(44, 91), (45, 91), (46, 182)],  # 91 is odd, so no dose ties: 45 is nearer 0, 46 nearer 91
)
def test_fixed_anchor_odd_interval_rounds_to_the_nearer_slot(
    offset: int, next_due_offset: int
) -> None:
    anchor = d("2026-01-01")
    schedule = anchored(91, "2026-01-01")
    status = schedule_status(schedule, [anchor + days(offset)], today=anchor)
    assert status.next_due == anchor + days(next_due_offset)


def test_fixed_anchor_missed_slots_leave_the_first_missed_one_due_and_overdue() -> None:
    schedule = anchored(30, "2026-01-01")
    status = schedule_status(schedule, [d("2026-01-01")], today=d("2026-04-01"))
    assert status.next_due == d("2026-01-31")
    assert status.overdue_days == 60


def test_fixed_anchor_unordered_duplicate_doses_use_the_latest() -> None:
    schedule = anchored(90, "2026-01-01")
    given = [d("2026-04-02"), d("2026-01-01"), d("2026-04-02"), d("2025-12-30")]
    status = schedule_status(schedule, given, today=d("2026-04-03"))
    assert status.next_due == d("2026-06-30")
    assert status.doses_given == 4


def test_fixed_anchor_with_no_doses_and_no_start_date_is_due_on_the_anchor() -> None:
    status = schedule_status(anchored(90, "2026-01-01"), [], today=d("2026-01-05"))
    assert status == ScheduleStatus(
        next_due=d("2026-01-01"), overdue_days=4, phase="not_started", doses_given=0
    )


@pytest.mark.parametrize(
    ("start", "next_due"),
    [
        ("2025-11-01", "2026-01-01"),  # start before the anchor: no slot before it
        ("2026-01-01", "2026-01-01"),
        ("2026-01-02", "2026-04-01"),
        ("2026-04-01", "2026-04-01"),  # start on a slot
        ("2026-04-02", "2026-06-30"),
    ],
)
def test_fixed_anchor_with_no_doses_is_due_on_the_first_slot_from_the_start_date(
    start: str, next_due: str
) -> None:
    schedule = anchored(90, "2026-01-01", start_date=d(start))
    status = schedule_status(schedule, [], today=d("2025-10-01"))
    assert status.next_due == d(next_due)
    assert status.phase == "not_started"


def test_fixed_anchor_ignores_doses_before_the_start_date() -> None:
    schedule = anchored(90, "2026-01-01", start_date=d("2026-03-15"))
    status = schedule_status(schedule, [d("2026-01-01"), d("2026-03-01")], today=d("2026-03-20"))
    assert status == ScheduleStatus(
        next_due=d("2026-04-01"), overdue_days=0, phase="not_started", doses_given=0
    )


def test_fixed_anchor_in_the_future_with_no_doses_is_due_on_the_anchor() -> None:
    status = schedule_status(anchored(30, "2026-09-01"), [], today=d("2026-06-01"))
    assert status.next_due == d("2026-09-01")
    assert status.overdue_days == 0


def test_fixed_anchor_in_the_future_a_dose_long_before_it_leaves_the_anchor_due() -> None:
    # 2026-06-01 is nearer the virtual slot 2026-06-03 than the anchor, so it covers no real slot.
    schedule = anchored(30, "2026-09-01")
    status = schedule_status(schedule, [d("2026-06-01")], today=d("2026-06-02"))
    assert status.next_due == d("2026-09-01")
    assert status.phase == "maintenance"


def test_fixed_anchor_in_the_future_a_dose_just_before_it_covers_the_anchor() -> None:
    schedule = anchored(30, "2026-09-01")
    status = schedule_status(schedule, [d("2026-08-25")], today=d("2026-08-25"))
    assert status.next_due == d("2026-10-01")


# --- Loading then a fixed anchor ----------------------------------------------------------------


def test_fixed_anchor_loading_runs_from_the_start_date_and_the_last_dose() -> None:
    schedule = hydroxocobalamin(
        3, basis="fixed_anchor", anchor_date=d("2026-01-01"), start_date=d("2026-01-05")
    )
    assert schedule_status(schedule, [], today=d("2026-01-01")).next_due == d("2026-01-05")
    status = schedule_status(schedule, [d("2026-01-05"), d("2026-01-09")], today=d("2026-01-09"))
    assert status.next_due == d("2026-01-12")
    assert status.phase == "loading"


def test_fixed_anchor_loading_without_a_start_date_has_no_first_due_date() -> None:
    schedule = hydroxocobalamin(3, basis="fixed_anchor", anchor_date=d("2026-01-01"))
    assert schedule_status(schedule, [], today=d("2026-01-01")).next_due is None


def test_fixed_anchor_after_loading_is_due_on_the_first_slot_after_the_last_loading_dose() -> None:
    # The last loading dose (03-25) is nearer the 04-01 slot, but it was timed by the loading
    # interval, so 04-01 is still due.
    schedule = hydroxocobalamin(3, basis="fixed_anchor", anchor_date=d("2026-01-01"))
    given = [d("2026-03-10") + days(3 * i) for i in range(6)]
    status = schedule_status(schedule, given, today=d("2026-03-26"))
    assert given[-1] == d("2026-03-25")
    assert status == ScheduleStatus(
        next_due=d("2026-04-01"), overdue_days=0, phase="maintenance", doses_given=6
    )


def test_fixed_anchor_after_loading_ending_on_a_slot_is_due_on_the_next_slot() -> None:
    schedule = hydroxocobalamin(3, basis="fixed_anchor", anchor_date=d("2026-01-01"))
    given = [d("2026-04-01") - days(3 * i) for i in range(6)]
    status = schedule_status(schedule, given, today=d("2026-04-01"))
    assert status.next_due == d("2026-06-30")


def test_fixed_anchor_after_loading_ending_before_the_anchor_is_due_on_the_anchor() -> None:
    schedule = hydroxocobalamin(2, basis="fixed_anchor", anchor_date=d("2026-03-01"))
    given = [d("2026-01-05") + days(2 * i) for i in range(6)]
    status = schedule_status(schedule, given, today=d("2026-01-16"))
    assert status.next_due == d("2026-03-01")


def test_fixed_anchor_first_maintenance_dose_after_loading_covers_its_slot() -> None:
    schedule = hydroxocobalamin(3, basis="fixed_anchor", anchor_date=d("2026-01-01"))
    given = [d("2026-03-10") + days(3 * i) for i in range(6)] + [d("2026-04-05")]
    status = schedule_status(schedule, given, today=d("2026-04-05"))
    assert status.next_due == d("2026-06-30")
    assert status.doses_given == 7


# --- local_date ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("instant", "zone", "expected"),
    [
        # Europe/London springs forward at 01:00 UTC on 2026-03-29.
        ("2026-03-28T23:30", "Europe/London", "2026-03-28"),  # 23:30 GMT, the night before
        ("2026-03-29T00:30", "Europe/London", "2026-03-29"),  # 00:30 GMT, before the change
        ("2026-03-29T22:59", "Europe/London", "2026-03-29"),  # 23:59 BST
        ("2026-03-29T23:30", "Europe/London", "2026-03-30"),  # 00:30 BST
        # … and falls back at 01:00 UTC on 2026-10-25.
        ("2026-10-24T22:30", "Europe/London", "2026-10-24"),  # 23:30 BST, before the change
        ("2026-10-24T23:30", "Europe/London", "2026-10-25"),  # 00:30 BST
        ("2026-10-25T00:30", "Europe/London", "2026-10-25"),  # 01:30 BST, the repeated hour
        ("2026-10-25T01:30", "Europe/London", "2026-10-25"),  # 01:30 GMT, the repeated hour
        ("2026-10-25T23:30", "Europe/London", "2026-10-25"),  # 23:30 GMT, after the change
        # America/New_York springs forward at 07:00 UTC on 2026-03-08.
        ("2026-03-08T04:30", "America/New_York", "2026-03-07"),  # 23:30 EST, before the change
        ("2026-03-08T05:30", "America/New_York", "2026-03-08"),  # 00:30 EST
        ("2026-03-09T03:30", "America/New_York", "2026-03-08"),  # 23:30 EDT, after the change
        ("2026-03-09T04:30", "America/New_York", "2026-03-09"),  # 00:30 EDT
        # … and falls back at 06:00 UTC on 2026-11-01.
        ("2026-11-01T03:30", "America/New_York", "2026-10-31"),  # 23:30 EDT, before the change
        ("2026-11-01T04:30", "America/New_York", "2026-11-01"),  # 00:30 EDT
        ("2026-11-01T05:30", "America/New_York", "2026-11-01"),  # 01:30 EDT, the repeated hour
        ("2026-11-01T06:30", "America/New_York", "2026-11-01"),  # 01:30 EST, the repeated hour
        ("2026-11-02T04:30", "America/New_York", "2026-11-01"),  # 23:30 EST, after the change
        ("2026-11-02T05:00", "America/New_York", "2026-11-02"),  # 00:00 EST
        # Pacific/Kiritimati is UTC+14: from 10:00 UTC the local date is the next UTC day.
        ("2026-06-15T09:59", "Pacific/Kiritimati", "2026-06-15"),
        ("2026-06-15T10:00", "Pacific/Kiritimati", "2026-06-16"),
        ("2026-12-31T12:00", "Pacific/Kiritimati", "2027-01-01"),
        ("2028-02-28T10:00", "Pacific/Kiritimati", "2028-02-29"),
        ("2026-06-15T23:59", "UTC", "2026-06-15"),
    ],
)
def test_local_date_is_the_calendar_date_in_the_persons_zone(
    instant: str, zone: str, expected: str
) -> None:
    assert local_date(utc(instant), zone) == d(expected)


def test_local_date_converts_from_any_aware_offset() -> None:
    instant = datetime(2026, 3, 29, 5, 0, tzinfo=timezone(timedelta(hours=5, minutes=30)))
    assert local_date(instant, "Europe/London") == d("2026-03-28")  # 23:30 GMT


def test_local_date_rejects_a_naive_datetime() -> None:
    with pytest.raises(ValueError, match="aware datetime"):
        local_date(datetime(2026, 3, 29, 0, 30), "Europe/London")  # noqa: DTZ001


@pytest.mark.parametrize("zone", ["Mars/Olympus_Mons", "", "../etc/passwd", "Europe/"])
def test_local_date_rejects_an_unknown_zone(zone: str) -> None:
    with pytest.raises(ValueError, match="Unknown time zone"):
        local_date(utc("2026-03-29T00:30"), zone)


# --- Invariants over many seeded random plans ---------------------------------------------------


def _random_case(rng: random.Random) -> tuple[InjectionSchedule, list[date], date]:
    base = date(2026, 1, 1) + days(rng.randrange(-800, 800))
    interval = rng.choice(
        [7, 14, 28, 30, 31, 56, 60, 61, 90, 91, 180, 365, 730, rng.randint(7, 730)]
    )
    loading_doses = rng.choice([0, 0, 1, 3, 6, 7])
    basis = rng.choice(["last_dose", "fixed_anchor"])
    schedule = InjectionSchedule(
        maintenance_interval_days=interval,
        loading_doses=loading_doses,
        loading_interval_days=rng.randint(1, 31) if loading_doses else None,
        basis=basis,  # type: ignore[arg-type]
        anchor_date=base + days(rng.randrange(-400, 400)) if basis == "fixed_anchor" else None,
        start_date=base + days(rng.randrange(-100, 100)) if rng.random() < 0.5 else None,
    )
    given = [base + days(rng.randrange(-200, 1000)) for _ in range(rng.randrange(0, 12))]
    given += rng.sample(given, k=min(len(given), rng.randrange(0, 3)))  # some duplicates
    today = base + days(rng.randrange(-200, 1500))
    return schedule, given, today


def test_random_plans_keep_the_schedule_invariants() -> None:
    rng = random.Random(20260329)
    for _ in range(1000):
        schedule, given, today = _random_case(rng)
        status = schedule_status(schedule, given, today)
        counted = [g for g in given if schedule.start_date is None or g >= schedule.start_date]
        context = (schedule, sorted(given), today, status)

        assert status.doses_given == len(counted), context
        assert status.overdue_days >= 0, context
        if status.next_due is None:
            assert status.overdue_days == 0, context
        else:
            assert status.overdue_days == max(0, (today - status.next_due).days), context

        shuffled = list(given)
        rng.shuffle(shuffled)
        assert schedule_status(schedule, shuffled, today) == status, context

        if not counted:
            assert status.phase == "not_started", context
            continue
        last = max(counted)
        assert status.next_due is not None, context
        assert status.next_due > last, context
        if status.doses_given < schedule.loading_doses:
            assert status.phase == "loading", context
            assert schedule.loading_interval_days is not None
            assert status.next_due == last + days(schedule.loading_interval_days), context
            continue
        assert status.phase == "maintenance", context
        interval = schedule.maintenance_interval_days
        if schedule.basis == "last_dose":
            assert status.next_due == last + days(interval), context
        else:
            assert schedule.anchor_date is not None
            since_anchor = (status.next_due - schedule.anchor_date).days
            assert since_anchor >= 0, context
            assert since_anchor % interval == 0, context  # always on the grid
            if status.next_due != schedule.anchor_date:
                # The covered slot is at most half an interval from the last dose.
                assert (status.next_due - last).days <= interval + interval // 2, context
