from datetime import UTC, date, datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pytest

from tracker.domain.absorption import (
    DayEstimate,
    DoseEntry,
    FoodEntry,
    daily_absorbed,
    dose_absorbed_ug,
    food_absorbed_ug,
)

LONDON = "Europe/London"
NEW_YORK = "America/New_York"
ZERO = Decimal("0.000")


def utc(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def food(at: datetime, ug: str, meal: str = "breakfast", *, pseudo: bool = False) -> FoodEntry:
    return FoodEntry(eaten_at=at, b12_ug=Decimal(ug), meal=meal, pseudo_b12=pseudo)


def dose(at: datetime, ug: str, route: str = "oral") -> DoseEntry:
    return DoseEntry(taken_at=at, b12_ug=Decimal(ug), route=route)


def one_day(*, foods=(), doses=(), tz_name="UTC", impaired=False) -> DayEstimate:
    days = daily_absorbed(foods=foods, doses=doses, tz_name=tz_name, impaired=impaired)
    assert len(days) == 1
    return next(iter(days.values()))


# --- Food: Doets 2013 -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("meal_ug", "absorbed_ug"),
    [("1", "0.38"), ("2.4", "0.75"), ("10", "2.25")],  # DOMAIN §2's worked examples
)
def test_food_formula_matches_the_worked_examples(meal_ug, absorbed_ug):
    assert abs(food_absorbed_ug(Decimal(meal_ug)) - Decimal(absorbed_ug)) <= Decimal("0.01")


@pytest.mark.parametrize(
    ("meal_ug", "absorbed_ug"),
    [("1", "0.382"), ("2.4", "0.750"), ("10", "2.249"), ("0.5", "0.224"), ("38", "6.281")],
)
def test_food_formula_is_rounded_to_three_places(meal_ug, absorbed_ug):
    assert food_absorbed_ug(Decimal(meal_ug)) == Decimal(absorbed_ug)


@pytest.mark.parametrize("meal_ug", ["0", "-1"])
def test_no_food_b12_absorbs_nothing(meal_ug):
    assert food_absorbed_ug(Decimal(meal_ug)) == ZERO


def test_the_absorbed_share_of_food_falls_as_the_meal_grows():
    shares = [food_absorbed_ug(Decimal(ug)) / Decimal(ug) for ug in ("1", "2.4", "10", "38")]
    assert shares == sorted(shares, reverse=True)


# --- Supplements: min(0.5·dose, 1.5) + 0.01·dose ----------------------------------------------


@pytest.mark.parametrize(
    ("dose_ug", "absorbed_ug", "impaired_ug"),
    [
        ("1", "0.51", "0.01"),
        ("2", "1.02", "0.02"),
        ("3", "1.53", "0.03"),  # the intrinsic-factor pathway just reaches its 1.5 µg cap
        ("10", "1.6", "0.1"),
        ("25", "1.75", "0.25"),
        ("100", "2.5", "1"),
        ("1000", "11.5", "10"),
        ("0", "0", "0"),
    ],
)
def test_dose_formula_with_and_without_intrinsic_factor(dose_ug, absorbed_ug, impaired_ug):
    assert dose_absorbed_ug(Decimal(dose_ug), impaired=False) == Decimal(absorbed_ug)
    assert dose_absorbed_ug(Decimal(dose_ug), impaired=True) == Decimal(impaired_ug)


def test_dose_results_carry_three_decimal_places():
    assert str(dose_absorbed_ug(Decimal(1000), impaired=False)) == "11.500"
    assert str(dose_absorbed_ug(Decimal("0.3333"), impaired=True)) == "0.003"


# --- One day ----------------------------------------------------------------------------------


def test_two_foods_in_the_same_meal_are_combined_before_the_formula():
    day = one_day(foods=[food(utc(2026, 6, 15, 8), "1"), food(utc(2026, 6, 15, 9), "1.4")])
    assert day.intake_ug == Decimal("2.400")
    assert day.absorbed_ug == food_absorbed_ug(Decimal("2.4"))


def test_foods_in_different_meals_are_separate_and_absorb_more_than_one_combined_meal():
    separate = one_day(
        foods=[food(utc(2026, 6, 15, 8), "1"), food(utc(2026, 6, 15, 12), "1.4", "lunch")]
    )
    combined = one_day(foods=[food(utc(2026, 6, 15, 8), "1"), food(utc(2026, 6, 15, 12), "1.4")])
    assert separate.absorbed_ug == Decimal("0.878")  # 0.3824 + 0.4954…, rounded once
    assert combined.absorbed_ug < separate.absorbed_ug  # saturation within a meal
    assert combined.intake_ug == separate.intake_ug


def test_each_meal_of_the_day_is_its_own_meal():
    meals = ["breakfast", "lunch", "dinner", "snack"]
    day = one_day(
        foods=[food(utc(2026, 6, 15, 7 + i), "2.4", meal) for i, meal in enumerate(meals)]
    )
    assert day.absorbed_ug == Decimal("3.000")  # 4 × 0.74998…, rounded once


def test_doses_are_computed_one_by_one_and_summed():
    day = one_day(doses=[dose(utc(2026, 6, 15, 8), "10"), dose(utc(2026, 6, 15, 20), "10")])
    assert day.absorbed_ug == Decimal("3.200")
    assert day.intake_ug == Decimal("20.000")


def test_food_and_doses_add_up_in_one_day():
    day = one_day(
        foods=[food(utc(2026, 6, 15, 8), "2.4")], doses=[dose(utc(2026, 6, 15, 8), "1000")]
    )
    assert day.intake_ug == Decimal("1002.400")
    assert day.absorbed_ug == Decimal("12.250")  # 0.74998… + 11.5
    assert day.not_estimated_ug == ZERO
    assert day.pseudo_b12_ug == ZERO


@pytest.mark.parametrize("route", ["sublingual", "chewable", "spray"])
def test_sublingual_chewable_and_spray_doses_use_the_oral_formula(route):
    oral = one_day(doses=[dose(utc(2026, 6, 15, 8), "250")])
    other = one_day(doses=[dose(utc(2026, 6, 15, 8), "250", route)])
    assert other == oral
    assert other.absorbed_ug == Decimal("4.000")


@pytest.mark.parametrize("impaired", [False, True])
def test_a_nasal_dose_is_recorded_but_not_estimated(impaired):
    day = one_day(
        doses=[dose(utc(2026, 6, 15, 8), "500", "nasal"), dose(utc(2026, 6, 15, 9), "10")],
        impaired=impaired,
    )
    assert day.intake_ug == Decimal("510.000")
    assert day.not_estimated_ug == Decimal("500.000")
    assert day.absorbed_ug == (Decimal("0.100") if impaired else Decimal("1.600"))


def test_pseudo_b12_is_reported_and_counted_zero():
    day = one_day(foods=[food(utc(2026, 6, 15, 8), "5", pseudo=True)])
    assert day == DayEstimate(
        intake_ug=Decimal("5.000"),
        absorbed_ug=ZERO,
        not_estimated_ug=ZERO,
        pseudo_b12_ug=Decimal("5.000"),
    )


def test_pseudo_b12_does_not_take_a_share_of_the_meal():
    day = one_day(
        foods=[food(utc(2026, 6, 15, 8), "1"), food(utc(2026, 6, 15, 8), "5", pseudo=True)]
    )
    assert day.absorbed_ug == Decimal("0.382")
    assert day.intake_ug == Decimal("6.000")
    assert day.pseudo_b12_ug == Decimal("5.000")


def test_impaired_absorption_keeps_only_the_one_percent_passive_term_for_food_and_doses():
    day = one_day(
        foods=[
            food(utc(2026, 6, 15, 8), "2.4"),
            food(utc(2026, 6, 15, 8), "7.6"),
            food(utc(2026, 6, 15, 8), "3", pseudo=True),
        ],
        doses=[dose(utc(2026, 6, 15, 9), "1000"), dose(utc(2026, 6, 15, 9), "5", "nasal")],
        impaired=True,
    )
    assert day.absorbed_ug == Decimal("10.100")  # 1 % of 10 µg food + 1 % of 1000 µg
    assert day.intake_ug == Decimal("1018.000")
    assert day.pseudo_b12_ug == Decimal("3.000")
    assert day.not_estimated_ug == Decimal("5.000")


# --- Local days -------------------------------------------------------------------------------


def test_meals_are_split_by_the_local_day_not_the_utc_day():
    # New York is UTC−4 in June: 01:00 UTC on the 16th is 21:00 on the 15th there.
    foods = [
        food(utc(2026, 6, 15, 23), "1", "dinner"),
        food(utc(2026, 6, 16, 1), "1.4", "dinner"),
        food(utc(2026, 6, 16, 4, 30), "1", "dinner"),  # 00:30 on the 16th in New York
    ]
    days = daily_absorbed(foods=foods, doses=[], tz_name=NEW_YORK, impaired=False)
    assert list(days) == [date(2026, 6, 15), date(2026, 6, 16)]
    assert days[date(2026, 6, 15)].absorbed_ug == food_absorbed_ug(Decimal("2.4"))
    assert days[date(2026, 6, 16)].absorbed_ug == Decimal("0.382")


def test_the_same_meal_either_side_of_local_midnight_is_two_meals():
    foods = [
        food(utc(2026, 6, 15, 23, 30), "1", "snack"),
        food(utc(2026, 6, 16, 0, 30), "1", "snack"),
    ]
    days = daily_absorbed(foods=foods, doses=[], tz_name="UTC", impaired=False)
    assert [day.absorbed_ug for day in days.values()] == [Decimal("0.382"), Decimal("0.382")]


def test_the_25_hour_day_when_london_clocks_go_back_is_one_local_day():
    # 2026-10-25: BST (UTC+1) ends at 02:00 local. 23:30 UTC on the 24th is 00:30 BST on the 25th;
    # 23:30 UTC on the 25th is 23:30 GMT on the 25th: 24 hours apart, the same local day.
    foods = [
        food(utc(2026, 10, 24, 22, 30), "1", "snack"),  # 23:30 BST on the 24th
        food(utc(2026, 10, 24, 23, 30), "1", "snack"),
        food(utc(2026, 10, 25, 23, 30), "1.4", "snack"),
        food(utc(2026, 10, 26, 0, 30), "1", "snack"),  # 00:30 GMT on the 26th
    ]
    days = daily_absorbed(foods=foods, doses=[], tz_name=LONDON, impaired=False)
    assert list(days) == [date(2026, 10, 24), date(2026, 10, 25), date(2026, 10, 26)]
    assert days[date(2026, 10, 25)].intake_ug == Decimal("2.400")
    assert days[date(2026, 10, 25)].absorbed_ug == food_absorbed_ug(Decimal("2.4"))
    assert days[date(2026, 10, 24)].absorbed_ug == Decimal("0.382")
    assert days[date(2026, 10, 26)].absorbed_ug == Decimal("0.382")


def test_the_23_hour_day_when_london_clocks_go_forward_ends_at_23_00_utc():
    # 2026-03-29: BST begins at 01:00 UTC, so local midnight of the 30th is 23:00 UTC on the 29th.
    doses = [dose(utc(2026, 3, 29, 0, 30), "1"), dose(utc(2026, 3, 29, 23, 30), "1")]
    days = daily_absorbed(foods=[], doses=doses, tz_name=LONDON, impaired=False)
    assert list(days) == [date(2026, 3, 29), date(2026, 3, 30)]


def test_times_given_in_any_offset_are_placed_in_the_persons_zone():
    tokyo = timezone(timedelta(hours=9))
    at = datetime(2026, 6, 16, 7, 0, tzinfo=tokyo)  # 22:00 UTC on the 15th, 23:00 in London
    days = daily_absorbed(
        foods=[food(at, "1")],
        doses=[dose(at.astimezone(ZoneInfo(LONDON)), "1")],
        tz_name=LONDON,
        impaired=False,
    )
    assert list(days) == [date(2026, 6, 15)]


def test_days_come_back_in_date_order_whatever_order_the_entries_came_in():
    foods = [food(utc(2026, 6, d, 8), "1") for d in (17, 15, 16)]
    doses = [dose(utc(2026, 6, 14, 8), "1")]
    days = daily_absorbed(foods=foods, doses=doses, tz_name="UTC", impaired=False)
    assert list(days) == [date(2026, 6, d) for d in (14, 15, 16, 17)]


# --- Empty, zero, rounding --------------------------------------------------------------------


def test_no_entries_give_no_days():
    assert daily_absorbed(foods=[], doses=[], tz_name=LONDON, impaired=False) == {}


def test_zero_amounts_give_a_day_of_zeros():
    day = one_day(foods=[food(utc(2026, 6, 15, 8), "0")], doses=[dose(utc(2026, 6, 15, 8), "0")])
    assert day == DayEstimate(ZERO, ZERO, ZERO, ZERO)


def test_totals_are_rounded_once_at_the_end_not_per_meal():
    # Each 1 µg meal absorbs 0.3824 µg: 0.765 for two, where rounding each first would give 0.764.
    day = one_day(foods=[food(utc(2026, 6, 15, 8), "1"), food(utc(2026, 6, 15, 12), "1", "lunch")])
    assert day.absorbed_ug == Decimal("0.765")


def test_rounding_is_half_up():
    day = one_day(doses=[dose(utc(2026, 6, 15, 8), "2.0005", "nasal")])
    assert day.intake_ug == Decimal("2.001")  # half-even would give 2.000
    assert day.not_estimated_ug == Decimal("2.001")


def test_every_total_has_three_decimal_places():
    day = one_day(foods=[food(utc(2026, 6, 15, 8), "3", pseudo=True)], doses=[])
    assert [str(v) for v in (day.intake_ug, day.absorbed_ug, day.pseudo_b12_ug)] == [
        "3.000",
        "0.000",
        "3.000",
    ]


# --- Invalid input ----------------------------------------------------------------------------


def test_a_naive_time_is_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        food(datetime(2026, 6, 15, 8), "1")  # noqa: DTZ001
    with pytest.raises(ValueError, match="timezone-aware"):
        dose(datetime(2026, 6, 15, 8), "1")  # noqa: DTZ001


def test_a_negative_amount_is_refused():
    with pytest.raises(ValueError, match="negative"):
        food(utc(2026, 6, 15, 8), "-1")
    with pytest.raises(ValueError, match="negative"):
        dose(utc(2026, 6, 15, 8), "-1")


def test_an_unknown_meal_is_refused():
    with pytest.raises(ValueError, match="meal"):
        food(utc(2026, 6, 15, 8), "1", "brunch")


@pytest.mark.parametrize("route", ["injection", "intramuscular", "ORAL", ""])
def test_routes_without_a_daily_estimate_are_refused(route):
    with pytest.raises(ValueError, match="route"):
        dose(utc(2026, 6, 15, 8), "1", route)


def test_an_unknown_time_zone_is_refused():
    with pytest.raises(ZoneInfoNotFoundError):
        daily_absorbed(foods=[], doses=[], tz_name="Mars/Olympus_Mons", impaired=False)


def test_the_fast_food_formula_rounds_like_the_exact_decimal_one():
    from tracker.domain.absorption import DOETS_EXPONENT, DOETS_FACTOR

    for thousandths in [*range(1, 5000, 7), *range(5000, 200_000, 997)]:
        dose = Decimal(thousandths) / 1000
        exact = (DOETS_FACTOR * dose**DOETS_EXPONENT).quantize(Decimal("0.001"), ROUND_HALF_UP)
        assert food_absorbed_ug(dose) == exact, dose
