import random
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from tracker.domain.absorption import (
    DoseEntry,
    DoseGroup,
    FoodEntry,
    daily_absorbed,
    day_estimate,
)
from tracker.domain.adherence import (
    NO_DOSES,
    Adherence,
    injection_timeliness,
    timeliness_summary,
)
from tracker.domain.schedules import InjectionSchedule


@pytest.mark.parametrize(
    ("taken", "skipped", "missed", "percent"),
    [
        (0, 0, 0, None),  # nothing scheduled: no percentage, not 0 % or 100 %
        (1, 0, 0, Decimal(100)),
        (0, 0, 1, Decimal(0)),
        (0, 1, 0, Decimal(0)),  # a skipped dose was not taken either
        (2, 1, 0, Decimal("66.7")),
        (1, 1, 1, Decimal("33.3")),
        (5, 1, 2, Decimal("62.5")),
        (29, 0, 1, Decimal("96.7")),
    ],
)
def test_adherence_is_taken_over_scheduled(taken, skipped, missed, percent):
    adherence = Adherence(taken=taken, skipped=skipped, missed=missed)

    assert adherence.scheduled == taken + skipped + missed
    assert adherence.percent == percent


def test_adherence_adds_up_and_refuses_negative_counts():
    total = sum([Adherence(1, 0, 1), Adherence(2, 1, 0)], NO_DOSES)

    assert total == Adherence(taken=3, skipped=1, missed=1)
    with pytest.raises(ValueError):
        Adherence(taken=-1, skipped=0, missed=0)


def test_injections_are_timed_against_the_due_date_before_each():
    schedule = InjectionSchedule(maintenance_interval_days=28)
    given = [date(2026, 10, 28), date(2026, 9, 1), date(2026, 9, 27)]  # any order

    timings = injection_timeliness(schedule, given)

    assert [(t.given_on, t.due_on, t.days_late) for t in timings] == [
        (date(2026, 9, 1), None, None),  # no start date: the first had no due date
        (date(2026, 9, 27), date(2026, 9, 29), -2),
        (date(2026, 10, 28), date(2026, 10, 25), 3),
    ]
    assert timeliness_summary(timings) == {
        "injections": 3,
        "on_time": 0,
        "early": 1,
        "late": 1,
        "max_days_late": 3,
    }


def test_a_start_date_makes_the_first_injection_due_then():
    schedule = InjectionSchedule(maintenance_interval_days=90, start_date=date(2026, 1, 5))

    timings = injection_timeliness(schedule, [date(2026, 1, 5), date(2026, 4, 6)])

    assert [t.days_late for t in timings] == [0, 1]


def test_loading_doses_are_timed_by_the_loading_interval():
    schedule = InjectionSchedule(
        maintenance_interval_days=60, loading_doses=3, loading_interval_days=2
    )
    start = date(2026, 3, 2)
    given = [start, start + timedelta(days=2), start + timedelta(days=5), date(2026, 5, 6)]

    assert [t.days_late for t in injection_timeliness(schedule, given)] == [None, 0, 1, 0]


def test_a_fixed_anchor_keeps_the_grid_whatever_the_early_or_late_doses():
    schedule = InjectionSchedule(
        maintenance_interval_days=30, basis="fixed_anchor", anchor_date=date(2026, 1, 1)
    )
    given = [date(2026, 1, 1), date(2026, 2, 3), date(2026, 3, 1)]

    assert [t.days_late for t in injection_timeliness(schedule, given)] == [0, 3, -1]


def test_grouped_doses_give_the_same_day_as_single_entries():
    """The aggregated reads (GROUP BY amount and route) and the per-entry function agree."""
    rng = random.Random(7)
    at = datetime(2026, 6, 1, 8, tzinfo=UTC)
    for _ in range(200):
        foods = [
            FoodEntry(at, Decimal(rng.randint(0, 500)) / 100, rng.choice(["breakfast", "lunch"]))
            for _ in range(rng.randint(0, 4))
        ]
        amounts = [Decimal(rng.choice([1, 5, 25, 250, 1000])) for _ in range(rng.randint(0, 3))]
        route = rng.choice(["oral", "sublingual", "nasal"])
        doses = [DoseEntry(at, amount, route) for amount in amounts]
        impaired = rng.random() < 0.3
        single = daily_absorbed(foods=foods, doses=doses, tz_name="UTC", impaired=impaired)
        meals: dict[str, Decimal] = {}
        for food in foods:
            meals[food.meal] = meals.get(food.meal, Decimal(0)) + food.b12_ug
        groups = [DoseGroup(a, route, amounts.count(a)) for a in set(amounts)]
        grouped = day_estimate(
            meal_sums_ug=meals.values(), pseudo_b12_ug=Decimal(0), doses=groups, impaired=impaired
        )
        if foods or doses:
            assert single[at.date()] == grouped
