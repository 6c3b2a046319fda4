"""The absorbed-B12 ESTIMATE: how much of a day's logged B12 the body may take up.

This is a model, not a measurement, and is always labelled "estimate" (../shared/DOMAIN.md §2).

Sources:
- Food, per meal: Doets et al., Ann Nutr Metab 2013;62:311 — ln(A) = 0.7694·ln(D) − 0.9614, A and
  D in µg per meal [P]; used here in the equivalent form A = 0.3824·D^0.7694 [D]. It gives 0.38 µg
  of 1 µg, 0.75 of 2.4 and 2.25 of 10.
- Supplements, per dose: min(0.5·dose, 1.5) + 0.01·dose µg [D] — our combination of two facts:
  intrinsic-factor uptake saturates at about 1.5–2 µg per meal or dose (Watanabe 2007, Exp Biol
  Med 232:1266; IOM DRI 1998 p. 309) and about 1 % of any oral dose is absorbed passively, even
  without intrinsic factor (IOM p. 308; Berlin 1968). Doses are computed one by one and summed
  (IOM, Heyssel 1966). IOM: https://www.ncbi.nlm.nih.gov/books/NBK114302/
- Absorption-impairing profile (autoimmune gastritis/pernicious anaemia, gastrectomy, ileal
  resection): the intrinsic-factor term is 0 and only the 1 % passive term remains [D]. We apply
  that to food as well as to doses: 1 % of the meal's B12 replaces the Doets formula, which
  describes absorption with working intrinsic factor.
- Algae/spirulina "B12" is mostly inactive pseudo-B12 (Watanabe 2007): such foods count 0.
- Nasal sprays: no verified absorption figure, so the dose is recorded and not estimated.

Limits, to say wherever the number is shown:
- The food formula was fitted on food doses of about 0.5–38 µg per meal; outside that range
  (for example 70 µg in a portion of beef liver) it is an extrapolation.
- The dose formula overstates the 5–25 µg range a little (DOMAIN §2): Adams 1971 via IOM found
  about 20 % of 5 µg and just over 5 % of 25 µg absorbed, where the formula gives 1.55 and 1.75 µg.
- Meals are grouped by the meal the person chose (breakfast, lunch, dinner, snack) on the same
  local day, not by clock time: several snacks in a day count as one meal (understates), a
  "breakfast" and a "lunch" eaten an hour apart as two (overstates).
- Every dose counts on its own, as IOM describes for doses 4–6 hours apart, even when doses are
  taken closer together or with a meal (overstates).
- Food type matters (egg < 9 %, fish 42 %, chicken 61–66 %, Watanabe 2007) and is not modelled.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from django.utils.translation import gettext_lazy as _

# Shown wherever the absorbed number is (API, pages, the report): what it is, and its limits.
ESTIMATE_NOTE = _(
    "Absorbed B12 is an estimate from published absorption studies, not a measurement: food by "
    "meal (Doets 2013), supplements dose by dose (uptake saturates at about 1.5 µg, plus about "
    "1 % passively; IOM 1998). Injections are shown as events, not as daily intake. Nasal "
    "sprays and algae \u201cB12\u201d are not counted as absorbed."
)
ESTIMATE_SOURCES = (
    (
        "Doets et al., Ann Nutr Metab 2013;62:311",
        "https://karger.com/anm/article-abstract/62/4/311/40316/Systematic-Review-on-Daily-Vitamin-B12-Losses-and",
    ),
    (
        "IOM Dietary Reference Intakes (1998), ch. 9",
        "https://www.ncbi.nlm.nih.gov/books/NBK114302/",
    ),
)

MEALS = ("breakfast", "lunch", "dinner", "snack")
# Sublingual ≈ oral (Sharabi 2003, DOMAIN §8), and DOMAIN §2 gives chewables the oral formula.
# Oral sprays have no figure of their own; treating them like sublingual doses is our assumption.
ORAL_ROUTES = ("oral", "sublingual", "chewable", "spray")
# No verified absorption figure: recorded as intake, not estimated.
NOT_ESTIMATED_ROUTES = ("nasal",)
ROUTES = ORAL_ROUTES + NOT_ESTIMATED_ROUTES

# Doets 2013: A = e^−0.9614 · D^0.7694 = 0.3824 · D^0.7694 (µg per meal).
DOETS_FACTOR = Decimal("0.3824")
DOETS_EXPONENT = Decimal("0.7694")
_DOETS_FACTOR_F = float(DOETS_FACTOR)
_DOETS_EXPONENT_F = float(DOETS_EXPONENT)
# Intrinsic-factor pathway: about half of a small dose, saturating at about 1.5 µg per meal or
# dose (Watanabe 2007; IOM p. 309). The lower end of the 1.5–2 µg range is used.
INTRINSIC_FACTOR_SHARE = Decimal("0.5")
INTRINSIC_FACTOR_CAP_UG = Decimal("1.5")
# Passive diffusion: about 1 % of any dose (IOM p. 308; Berlin 1968).
PASSIVE_SHARE = Decimal("0.01")

_ZERO = Decimal(0)
_PLACES = Decimal("0.001")


@dataclass(frozen=True)
class FoodEntry:
    eaten_at: datetime  # aware
    b12_ug: Decimal
    meal: str
    pseudo_b12: bool = False  # algae/spirulina "B12": counted 0

    def __post_init__(self) -> None:
        _check_entry(self.eaten_at, self.b12_ug)
        if self.meal not in MEALS:
            raise ValueError(f"Unknown meal: {self.meal!r}")


@dataclass(frozen=True)
class DoseEntry:
    taken_at: datetime  # aware
    b12_ug: Decimal
    route: str

    def __post_init__(self) -> None:
        _check_entry(self.taken_at, self.b12_ug)
        if self.route not in ROUTES:
            raise ValueError(f"Unknown or unsupported route: {self.route!r}")


@dataclass(frozen=True)
class DayEstimate:
    intake_ug: Decimal  # everything logged that day, as logged (pseudo-B12 and nasal included)
    absorbed_ug: Decimal  # the estimate
    not_estimated_ug: Decimal  # nasal doses: no verified absorption figure
    pseudo_b12_ug: Decimal  # algae "B12": logged, counted 0


def _check_entry(at: datetime, b12_ug: Decimal) -> None:
    # A naive time has no local day; a negative amount is a bug upstream, not an intake.
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("The time must be timezone-aware.")
    if b12_ug < 0:
        raise ValueError("The B12 amount cannot be negative.")


def _round(value: Decimal) -> Decimal:
    return value.quantize(_PLACES, rounding=ROUND_HALF_UP)


def _food_absorbed(meal_b12_ug: Decimal, *, impaired: bool) -> Decimal:
    if meal_b12_ug <= 0:
        return _ZERO
    if impaired:
        return PASSIVE_SHARE * meal_b12_ug
    # A fractional power of a Decimal costs about 75 µs, float about 1 µs: trends over two years
    # apply this some 3,000 times a request. Rounded to 0.001 µg in the end, the results are
    # the same (tests/test_absorption.py checks against the Decimal form).
    return Decimal(repr(_DOETS_FACTOR_F * float(meal_b12_ug) ** _DOETS_EXPONENT_F))


def _dose_absorbed(dose_ug: Decimal, *, impaired: bool) -> Decimal:
    if dose_ug <= 0:
        return _ZERO
    passive = PASSIVE_SHARE * dose_ug
    if impaired:
        return passive
    return min(INTRINSIC_FACTOR_SHARE * dose_ug, INTRINSIC_FACTOR_CAP_UG) + passive


def food_absorbed_ug(meal_b12_ug: Decimal) -> Decimal:
    """Doets 2013 for one meal's summed B12, rounded to 0.001 µg."""
    return _round(_food_absorbed(meal_b12_ug, impaired=False))


def dose_absorbed_ug(dose_ug: Decimal, *, impaired: bool) -> Decimal:
    """One oral-type dose, rounded to 0.001 µg."""
    return _round(_dose_absorbed(dose_ug, impaired=impaired))


@dataclass(frozen=True)
class DoseGroup:
    """Identical doses taken on one day (what a database GROUP BY returns)."""

    b12_ug: Decimal
    route: str
    count: int


def day_estimate(
    *,
    meal_sums_ug: Iterable[Decimal],
    pseudo_b12_ug: Decimal,
    doses: Iterable[DoseGroup],
    impaired: bool,
) -> DayEstimate:
    """One local day from its meals' summed B12 (pseudo-B12 foods left out of the sums) and its
    doses grouped by amount and route. The one place the day's arithmetic is done: the per-entry
    ``daily_absorbed`` and the database-aggregated reads (dashboard, trends, reports) both call
    it. Summed unrounded and rounded once, to 0.001 µg, at the end."""
    intake = absorbed = not_estimated = _ZERO
    for meal_b12_ug in meal_sums_ug:
        intake += meal_b12_ug
        # Absorption saturates per meal, so the formula applies to each meal's sum.
        absorbed += _food_absorbed(meal_b12_ug, impaired=impaired)
    intake += pseudo_b12_ug
    for group in doses:
        if group.route not in ROUTES:
            raise ValueError(f"Unknown or unsupported route: {group.route!r}")
        amount = group.b12_ug * group.count
        intake += amount
        if group.route in NOT_ESTIMATED_ROUTES:
            not_estimated += amount
        else:
            absorbed += _dose_absorbed(group.b12_ug, impaired=impaired) * group.count
    return DayEstimate(
        intake_ug=_round(intake),
        absorbed_ug=_round(absorbed),
        not_estimated_ug=_round(not_estimated),
        pseudo_b12_ug=_round(pseudo_b12_ug),
    )


def daily_absorbed(
    *, foods: Sequence[FoodEntry], doses: Sequence[DoseEntry], tz_name: str, impaired: bool
) -> dict[date, DayEstimate]:
    """Per local day in ``tz_name`` (only days with entries, in date order)."""
    zone = ZoneInfo(tz_name)
    meals: dict[date, dict[str, Decimal]] = {}
    pseudo: dict[date, Decimal] = {}
    day_doses: dict[date, list[DoseGroup]] = {}

    for food in foods:
        day = food.eaten_at.astimezone(zone).date()
        day_meals = meals.setdefault(day, {})
        if food.pseudo_b12:
            pseudo[day] = pseudo.get(day, _ZERO) + food.b12_ug
        else:
            day_meals[food.meal] = day_meals.get(food.meal, _ZERO) + food.b12_ug
    for dose in doses:
        day = dose.taken_at.astimezone(zone).date()
        day_doses.setdefault(day, []).append(DoseGroup(dose.b12_ug, dose.route, 1))

    days = sorted(set(meals) | set(day_doses))
    return {
        day: day_estimate(
            meal_sums_ug=meals.get(day, {}).values(),
            pseudo_b12_ug=pseudo.get(day, _ZERO),
            doses=day_doses.get(day, []),
            impaired=impaired,
        )
        for day in days
    }
