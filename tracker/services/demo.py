"""Made-up history for one person, for demos and benchmarks (`manage.py seed_demo`,
`manage.py ensure_demo_account`).

The person is a vegan in later life who eats fortified foods, takes a daily oral supplement,
has hydroxocobalamin injections every 8 weeks from a clinician, keeps a symptom diary three
times a week and has blood tests every quarter. Every value is made up; plans and notes say so.

Rows are built in memory and written with ``bulk_create``, bypassing the per-row services, so
this module computes each snapshot exactly as those services do: the intake's B12 with
``b12_for_grams`` (tracker/services/intakes.py), the dose's B12 as ``record_supplement_dose``
does (the supplement's dose when taken, 0 otherwise), the lab's canonical value with
``to_canonical`` quantised like tracker/services/labs.py.

Red flags: tracker/services has no bulk assessment (``record_alerts`` queries per entry), so the
diary keeps severities below the thresholds of tracker/domain/safety.py — nerve symptoms never
reach "severe", and symptoms under the rise rule stay within a band narrower than its points —
and the pure rules are still applied to every entry in memory; any finding becomes an Alert, as
``record_symptom`` would have stored it.

Running again for a person who has records refuses and stores nothing, unless ``--replace``:
that hard-deletes the person's records of the kinds seeded here (a demo account needs no sync
tombstones) and seeds them again.
"""

import random
import secrets
from bisect import bisect_left
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db import models, transaction

from tracker.domain.safety import RISE_WINDOW, assess_entry
from tracker.domain.units import LAB_TESTS, normalize_unit, to_canonical
from tracker.models import (
    Alert,
    DietType,
    DoseStatus,
    Food,
    FoodIntake,
    Injection,
    InjectionPlan,
    LabResult,
    Meal,
    ReferenceStandard,
    Supplement,
    SupplementDose,
    SymptomEntry,
    User,
)
from tracker.models.injections import GivenBy, InjectionSite
from tracker.models.labs import INJECTION_LOOKBACK_DAYS
from tracker.models.supplements import DoseSource
from tracker.services.foods_custom import add_custom_food
from tracker.services.injections import add_injection_plan
from tracker.services.intakes import b12_for_grams, grams_for_portions
from tracker.services.labs import CANONICAL_PLACES
from tracker.services.supplements import add_supplement

DEFAULT_DAYS = 90
MIN_DAYS = 7  # room for the last injection to lie inside the history
MAX_DAYS = 3650
DEFAULT_SEED = 12
DEFAULT_TIMEZONE = "Europe/London"
BATCH_SIZE = 500  # rows per INSERT; Django lowers it further where SQLite needs it
UG = Decimal("0.001")  # SupplementDose.b12_ug: decimal_places=3
DEMO_NOTE = "Demo data: made up for trying the app, not a real record."

SUPPLEMENT: dict[str, Any] = {
    "name": "Vitamin B12 50 µg tablets (demo)",
    "form": "cyanocobalamin",
    "route": "oral",
    "dose_ug": Decimal(50),
}
SUPPLEMENT_TIME = 8 * 60  # local minutes after midnight the daily dose is scheduled for

# Hydroxocobalamin 1 mg IM every 8 weeks: one of the published UK maintenance intervals
# (DOMAIN.md §3), entered here as a clinician's plan would be.
MAINTENANCE_INTERVAL_DAYS = 56
PLAN: dict[str, Any] = {
    "product": "Hydroxocobalamin 1 mg/1 mL injection (demo)",
    "dose_ug": Decimal(1000),
    "dose_unit": "mg",
    "route": "im",
    "maintenance_interval_days": MAINTENANCE_INTERVAL_DAYS,
    "schedule_basis": "last_dose",
}
SITE_ROTATION = (
    InjectionSite.LEFT_DELTOID,
    InjectionSite.RIGHT_DELTOID,
    InjectionSite.LEFT_GLUTEAL,
    InjectionSite.RIGHT_GLUTEAL,
)
AMPOULES_PER_BOX = 5  # a new lot number every box

LAB_INTERVAL_DAYS = 91  # quarterly
LABS = (("Demo GP surgery lab", "pmol/L"), ("Demo hospital lab", "pg/mL"))
PMOL_PER_PG = LAB_TESTS["serum_b12"].factors["pg/mL"]
# The labs' own ranges for the demo results (labs differ; DOMAIN.md §4). The serum B12 range is
# one range written in both units (180–914 pg/mL × 0.7378 ≈ 133–674 pmol/L); MMA's is the
# IOM/Mayo normal range; the holoTC range is illustrative only.
REFERENCE_RANGES = {
    ("serum_b12", "pg/mL"): (Decimal(180), Decimal(914)),
    ("serum_b12", "pmol/L"): (Decimal(133), Decimal(674)),
    ("mma", "nmol/L"): (Decimal(73), Decimal(271)),
    ("holotc", "pmol/L"): (Decimal(25), Decimal(165)),
}

DIARY_WEEKDAYS = frozenset({0, 2, 5})  # Monday, Wednesday, Saturday evenings


@dataclass(frozen=True)
class DemoFood:
    catalogue_names: tuple[str, ...]  # exact USDA names, in order of preference
    label_name: str  # the person's own label food when the catalogue has none of them
    b12_ug_per_100g: str
    portion_name: str
    portion_grams: str
    grams: tuple[int, int, int]  # (low, high, step) when logged in grams
    portions: tuple[str, ...] = ("1",)  # counts when logged in portions
    fortified: bool = True


# Vegan foods with B12; the label values repeat the USDA figures of the first catalogue name.
FOODS: dict[str, DemoFood] = {
    "soy_drink": DemoFood(
        ("Soy milk, sweetened, plain, refrigerated", "Soy milk, unsweetened"),
        "Fortified soya drink",
        "1.327",
        "glass",
        "250",
        (150, 300, 10),
    ),
    "oat_drink": DemoFood(
        ("Oat milk", "Oat milk, unsweetened, plain, refrigerated"),
        "Fortified oat drink",
        "0.5",
        "glass",
        "250",
        (150, 300, 10),
    ),
    "cereal": DemoFood(
        ("Cereals ready-to-eat, POST Bran Flakes", "Cereal, bran flakes, plain"),
        "Fortified bran flakes",
        "5",
        "bowl",
        "40",
        (30, 55, 5),
        ("1", "1.5"),
    ),
    "soy_yogurt": DemoFood(
        ("Yogurt, soy",), "Soya yoghurt, fortified", "0.28", "pot", "125", (100, 200, 25)
    ),
    "nutritional_yeast": DemoFood(
        ("NUTRITIONAL YEAST", "LARGE FLAKE NUTRITIONAL YEAST", "NUTRITIONAL YEAST FLAKES"),
        "Nutritional yeast flakes, fortified",
        "150",
        "tablespoon",
        "5",
        (3, 10, 1),
        ("1", "2"),
    ),
    "yeast_extract": DemoFood(
        ("Yeast extract spread",),
        "Yeast extract spread",
        "0.5",
        "on toast",
        "6",
        (4, 10, 1),
        ("1", "2"),
    ),
    "veggie_burger": DemoFood(
        ("Veggie burgers or soyburgers, unprepared", "Veggie burger patty, no bun"),
        "Veggie burger, fortified",
        "2.01",
        "burger",
        "70",
        (70, 140, 10),
        ("1", "2"),
    ),
    "veg_fillets": DemoFood(
        ("Vegetarian fillets",), "Vegetarian fillets", "4.2", "fillet", "85", (85, 170, 5)
    ),
    # Counts 0 toward the estimate (pseudo-B12): here so the demo shows that warning too.
    "spirulina": DemoFood(
        ("Seaweed, spirulina, dried",),
        "Spirulina powder",
        "0",
        "teaspoon",
        "3",
        (3, 6, 1),
        fortified=False,
    ),
}


@dataclass(frozen=True)
class MealPattern:
    meal: str
    logged: float  # chance the meal is logged on a given day
    window: tuple[int, int]  # local minutes after midnight
    # (weight, foods eaten together, note)
    options: tuple[tuple[int, tuple[str, ...], str], ...]
    weekend_delay: int = 0  # minutes later on Saturdays and Sundays


# About four entries a day on average (1.33 + 0.9 + 1.06 + 0.55 + 0.3 expected).
MEALS = (
    MealPattern(
        Meal.BREAKFAST,
        0.95,
        (6 * 60 + 45, 9 * 60),
        (
            (4, ("cereal", "soy_drink"), ""),
            (3, ("soy_yogurt",), ""),
            (3, ("oat_drink",), "Porridge"),
        ),
        weekend_delay=90,
    ),
    MealPattern(
        Meal.LUNCH,
        0.9,
        (12 * 60, 14 * 60),
        (
            (3, ("veggie_burger",), ""),
            (2, ("nutritional_yeast",), "On pasta"),
            (2, ("soy_yogurt",), ""),
            (1, ("yeast_extract",), "Sandwich"),
        ),
    ),
    MealPattern(
        Meal.DINNER,
        0.95,
        (18 * 60, 20 * 60 + 30),
        (
            (3, ("veg_fillets",), ""),
            (3, ("nutritional_yeast",), "Sprinkled on dinner"),
            (2, ("veggie_burger",), ""),
            (1, ("veg_fillets", "nutritional_yeast"), ""),
        ),
    ),
    MealPattern(
        Meal.SNACK,
        0.55,
        (15 * 60, 17 * 60),
        (
            (3, ("soy_drink",), "Latte"),
            (2, ("yeast_extract",), "Toast"),
            (2, ("oat_drink",), ""),
            (1, ("spirulina",), "Smoothie"),
        ),
    ),
    MealPattern(
        Meal.SNACK,
        0.3,
        (21 * 60, 22 * 60),
        ((1, ("soy_yogurt",), ""), (1, ("oat_drink",), "Hot drink")),
    ),
)


@dataclass(frozen=True)
class DiarySymptom:
    code: str
    chance: float  # of being noted on a diary evening
    severity: tuple[int, int]


# Severities stay below the red-flag rules (tracker/domain/safety.py): the nerve symptoms never
# reach SEVERE_FROM (7), and those under the 14-day rise rule (pins and needles, memory) stay
# within 1–3, so they can never rise by RISE_POINTS (3). Tiredness is noted every time and
# follows the injection cycle (see _tiredness).
DIARY_SYMPTOMS = (
    DiarySymptom("pins_and_needles", 0.35, (1, 3)),
    DiarySymptom("back_pain", 0.3, (2, 5)),
    DiarySymptom("memory_concentration", 0.15, (1, 3)),
    DiarySymptom("low_mood", 0.1, (1, 4)),
)
DIARY_NOTES = ("", "", "", "", "Busy day", "Slept badly", "Long walk today", "Good day")


@dataclass(frozen=True)
class SeedResult:
    days: int
    intakes: int
    doses: dict[str, int]
    injections: int
    symptom_entries: int
    lab_results: int
    alerts: int
    label_foods: int

    def describe(self) -> str:
        doses = ", ".join(f"{self.doses.get(status, 0)} {status}" for status in DoseStatus.values)
        return (
            f"{self.days} days: {_count(self.intakes, 'food entry', 'food entries')} "
            f"({_count(self.label_foods, 'label food')} created), "
            f"{_count(sum(self.doses.values()), 'supplement dose')} ({doses}), "
            f"{_count(self.injections, 'injection')}, "
            f"{_count(self.symptom_entries, 'diary entry', 'diary entries')} "
            f"({_count(self.alerts, 'red-flag alert')}), {_count(self.lab_results, 'lab result')}"
        )


def _count(number: int, noun: str, plural: str = "") -> str:
    return f"{number} {noun if number == 1 else plural or noun + 's'}"


# --- the person ---


def reference_standard_for(tz_name: str) -> str:
    if tz_name in {"Europe/London", "Europe/Belfast", "Europe/Guernsey", "Europe/Jersey"}:
        return ReferenceStandard.UK
    if tz_name.startswith("Europe/"):
        return ReferenceStandard.EU
    return ReferenceStandard.US


def create_demo_user(*, email: str, password: str, tz_name: str, now: datetime) -> User:
    return User.objects.create_user(
        email=email,
        password=password,
        profile={
            "timezone": tz_name,
            "diet_type": DietType.VEGAN,
            "birth_date": date(1961, 4, 17),
            "reference_standard": reference_standard_for(tz_name),
            "risk_factors": ["low_animal_source_diet"],
            # A demo account: the first-use disclaimer gate is passed for it.
            "disclaimer_accepted_at": now,
        },
    )


def generate_password() -> str:
    return secrets.token_urlsafe(12)


# --- existing records ---

# Child rows first: intakes and doses RESTRICT the deletion of their foods and supplements.
SEEDED_KINDS: tuple[type[models.Model], ...] = (
    Alert,
    SymptomEntry,
    FoodIntake,
    SupplementDose,
    Supplement,
    Injection,
    InjectionPlan,
    LabResult,
)


def has_history(*, user: User) -> bool:
    return any(kind._default_manager.filter(owner=user).exists() for kind in SEEDED_KINDS)


def delete_history(*, user: User) -> int:
    """Hard-deletes the person's rows of the seeded kinds and their label foods (a demo account
    needs no soft-delete tombstones); the account and profile stay."""
    deleted = 0
    with transaction.atomic():
        for kind in SEEDED_KINDS:
            deleted += kind._default_manager.filter(owner=user).delete()[0]
        deleted += Food.objects.filter(owner=user).delete()[0]
    return deleted


# --- foods ---


def pick_foods(*, user: User) -> tuple[dict[str, Food], int]:
    """A catalogue food per demo food when the USDA catalogue holds one of its names, else the
    person's own label food (reused by name, or created). Returns the foods and how many label
    foods were created."""
    names = {name for spec in FOODS.values() for name in spec.catalogue_names}
    by_name: dict[str, list[Food]] = defaultdict(list)
    for food in Food.objects.filter(owner__isnull=True, deleted_at__isnull=True, name__in=names):
        by_name[food.name].append(food)

    def closest_portion(spec: DemoFood, rows: list[Food]) -> Food:
        # USDA repeats a name with other portions (nutritional yeast: 1, 2 or 3 tablespoons):
        # the row whose portion is nearest the demo's, then a stable order, so the same
        # catalogue always gives the same pick.
        wanted = Decimal(spec.portion_grams)
        return min(
            rows,
            key=lambda f: (
                f.portion_grams is None,
                abs((f.portion_grams or wanted) - wanted),
                f.catalogue_key or "",
                str(f.pk),
            ),
        )

    own = {
        food.name: food
        for food in Food.objects.filter(
            owner=user, deleted_at__isnull=True, name__in=[s.label_name for s in FOODS.values()]
        ).order_by("created_at", "id")
    }
    picked: dict[str, Food] = {}
    created = 0
    for key, spec in FOODS.items():
        match = next(
            (closest_portion(spec, by_name[n]) for n in spec.catalogue_names if by_name.get(n)),
            None,
        )
        if match is None:
            match = own.get(spec.label_name)
        if match is None:
            match = add_custom_food(
                user=user,
                name=spec.label_name,
                b12_ug_per_100g=Decimal(spec.b12_ug_per_100g),
                serving_grams=Decimal(spec.portion_grams),
                portion_name=spec.portion_name,
                is_fortified=spec.fortified,
            )
            own[spec.label_name] = match
            created += 1
        picked[key] = match
    return picked, created


# --- the history ---


class _Seeder:
    """Builds the rows in memory; one instance per run, one RNG, so a seed gives one history."""

    def __init__(self, *, user: User, days: int, seed: int, now: datetime) -> None:
        self.user = user
        self.now = now
        self.rng = random.Random(seed)
        self.zone = ZoneInfo(user.profile.effective_timezone)
        self.today = user.profile.today(now)
        self.first_day = self.today - timedelta(days=days - 1)
        self.days = days

    def at(self, day: date, minutes: int) -> datetime:
        # Wall-clock times between 06:45 and 22:00, clear of the night-time DST changes.
        local = datetime.combine(day, clock(minutes // 60, minutes % 60), tzinfo=self.zone)
        return local.astimezone(UTC)

    def each_day(self) -> list[date]:
        return [self.first_day + timedelta(days=n) for n in range(self.days)]

    @staticmethod
    def weekday(day: date) -> date:
        # Clinics and labs are closed at the weekend: Saturday moves to Friday, Sunday to Monday.
        if day.weekday() == 5:
            return day - timedelta(days=1)
        if day.weekday() == 6:
            return day + timedelta(days=1)
        return day

    # Injections: counted back from the latest, so the plan is never overdue on seeding day.
    def injection_days(self) -> list[date]:
        rng = self.rng
        given: list[date] = []
        planned = self.today - timedelta(days=rng.randint(3, min(50, self.days - 1)))
        while planned >= self.first_day:
            day = self.weekday(planned)
            if self.first_day <= day < self.today:
                given.append(day)
            roll = rng.random()
            if roll < 0.55:
                jitter = 0
            elif roll < 0.8:
                jitter = rng.choice((-2, -1, 1, 2))
            else:
                jitter = rng.choice((-4, -3, 3, 4, 5, 6))
            planned -= timedelta(days=MAINTENANCE_INTERVAL_DAYS + jitter)
        return sorted(given)

    def injections(self, plan: InjectionPlan, days: list[date]) -> list[Injection]:
        rows = []
        offset = self.rng.randrange(len(SITE_ROTATION))
        lot = ""
        for index, day in enumerate(days):
            if index % AMPOULES_PER_BOX == 0:
                lot = f"HX{self.rng.randint(10000, 99999)}"
            rows.append(
                Injection(
                    owner=self.user,
                    plan=plan,
                    given_at=self.at(day, self.rng.randrange(9 * 60, 16 * 60 + 1, 10)),
                    dose_ug=plan.dose_ug,
                    site=SITE_ROTATION[(offset + index) % len(SITE_ROTATION)],
                    given_by=GivenBy.NURSE_OR_DOCTOR,
                    lot=lot,
                )
            )
        return rows

    def intakes(self, foods: dict[str, Food]) -> list[FoodIntake]:
        rng = self.rng
        rows = []
        for day in self.each_day():
            weekend = day.weekday() >= 5
            for pattern in MEALS:
                logged = rng.random() < pattern.logged
                low, high = pattern.window
                if weekend:
                    low, high = low + pattern.weekend_delay, high + pattern.weekend_delay
                minutes = rng.randint(low, high)
                _, keys, note = rng.choices(
                    pattern.options, weights=[option[0] for option in pattern.options]
                )[0]
                for position, key in enumerate(keys):
                    food = foods[key]
                    spec = FOODS[key]
                    # Every draw is made whatever the food, so the catalogue changes which
                    # foods are logged but not when, or the rest of the history.
                    by_portion = rng.random() < 0.4
                    count = Decimal(rng.choice(spec.portions))
                    grams = Decimal(rng.randrange(spec.grams[0], spec.grams[1] + 1, spec.grams[2]))
                    portions: Decimal | None = None
                    if by_portion and food.portion_grams is not None:
                        portions = count
                        grams = grams_for_portions(food=food, portions=portions)
                    eaten_at = self.at(day, minutes + position * rng.randint(0, 3))
                    if not logged or eaten_at > self.now:
                        continue
                    rows.append(
                        FoodIntake(
                            owner=self.user,
                            food=food,
                            grams=grams,
                            portions=portions,
                            eaten_at=eaten_at,
                            meal=pattern.meal,
                            note=note if position == 0 else "",
                            b12_ug=b12_for_grams(food=food, grams=grams),
                            food_is_pseudo_b12=food.is_pseudo_b12,
                        )
                    )
        return rows

    def doses(self, supplement: Supplement) -> list[SupplementDose]:
        rng = self.rng
        units = Decimal(1)
        # As record_supplement_dose snapshots it: the regimen's dose × units when taken, else 0.
        taken_ug = (supplement.dose_ug * units).quantize(UG, rounding=ROUND_HALF_UP)
        rows = []
        for day in self.each_day():
            scheduled_for = self.at(day, SUPPLEMENT_TIME)
            missed_chance = 0.12 if day.weekday() >= 5 else 0.05
            roll = rng.random()
            late_minutes = rng.randint(-20, 150)
            by_reminder = rng.random() < 0.6
            if roll < missed_chance:
                status, source = DoseStatus.MISSED, DoseSource.AUTO_MISSED
            elif roll < missed_chance + 0.06:
                status = DoseStatus.SKIPPED
                source = DoseSource.REMINDER if by_reminder else DoseSource.MANUAL
            else:
                status = DoseStatus.TAKEN
                source = DoseSource.REMINDER if by_reminder else DoseSource.MANUAL
            taken_at = (
                scheduled_for + timedelta(minutes=late_minutes)
                if status == DoseStatus.TAKEN
                else None
            )
            # Today's dose stays open unless it was taken already.
            if day == self.today and (taken_at is None or taken_at > self.now):
                continue
            rows.append(
                SupplementDose(
                    owner=self.user,
                    supplement=supplement,
                    status=status,
                    taken_at=taken_at,
                    scheduled_for=scheduled_for,
                    occurred_at=taken_at or scheduled_for,
                    units=units,
                    b12_ug=taken_ug if status == DoseStatus.TAKEN else Decimal(0),
                    route=supplement.route,
                    source=source,
                )
            )
        return rows

    def _tiredness(self, day: date, injection_days: list[date]) -> int:
        # A little more tired towards the end of each 8-week cycle, as people on injections
        # often describe; 1–6, never severe.
        interval = MAINTENANCE_INTERVAL_DAYS
        index = bisect_left(injection_days, day + timedelta(days=1)) - 1
        if index >= 0:
            since = (day - injection_days[index]).days
        elif injection_days:
            since = (day - (injection_days[0] - timedelta(days=interval))).days
        else:
            since = interval // 2
        base = 2 + 2 * min(since, interval) / interval
        return max(1, min(6, round(base + self.rng.choice((-1, 0, 0, 0, 1)))))

    def symptoms(self, injection_days: list[date]) -> list[SymptomEntry]:
        rng = self.rng
        rows = []
        for day in self.each_day():
            on_diary_day = day.weekday() in DIARY_WEEKDAYS
            writes = rng.random() < (0.92 if on_diary_day else 0.05)
            recorded_at = self.at(day, rng.randint(20 * 60 + 30, 22 * 60))
            noted = [("tiredness", self._tiredness(day, injection_days))]
            for symptom in DIARY_SYMPTOMS:
                if rng.random() < symptom.chance:
                    noted.append((symptom.code, rng.randint(*symptom.severity)))
            note = rng.choice(DIARY_NOTES)
            if not writes or recorded_at > self.now:
                continue
            for position, (code, severity) in enumerate(noted):
                rows.append(
                    SymptomEntry(
                        owner=self.user,
                        symptom=code,
                        severity=severity,
                        recorded_at=recorded_at + timedelta(minutes=position),
                        note=note if position == 0 else "",
                    )
                )
        return rows

    def lab_days(self, injection_days: list[date]) -> list[date]:
        rng = self.rng
        days = []
        planned = self.today - timedelta(days=rng.randint(7, 60))
        while planned >= self.first_day:
            day = self.weekday(planned)
            # Not within 14 days after an injection (that result reflects the injection, not
            # stores; DOMAIN.md §3): such a test moves to the nearer weekday just outside,
            # the day before the injection or the 15th day after it.
            index = bisect_left(injection_days, day + timedelta(days=1)) - 1
            if index >= 0 and (day - injection_days[index]).days <= INJECTION_LOOKBACK_DAYS:
                given = injection_days[index]
                before = given - timedelta(days=1)
                while before.weekday() >= 5:
                    before -= timedelta(days=1)
                after = given + timedelta(days=INJECTION_LOOKBACK_DAYS + 1)
                while after.weekday() >= 5:
                    after += timedelta(days=1)
                fits = [d for d in (before, after) if self.first_day <= d < self.today]
                day = min(fits, key=lambda d: abs((d - day).days), default=before)
            if self.first_day <= day < self.today:
                days.append(day)
            planned -= timedelta(days=LAB_INTERVAL_DAYS + rng.randint(-7, 7))
        return sorted(set(days))

    def lab(
        self,
        test: str,
        value: Decimal,
        unit: str,
        lab_name: str,
        sampled_at: datetime,
    ) -> LabResult:
        unit = normalize_unit(unit)
        reference = REFERENCE_RANGES[test, unit]
        return LabResult(
            owner=self.user,
            test=test,
            value=value,
            unit=unit,
            reference_low=reference[0],
            reference_high=reference[1],
            sampled_at=sampled_at,
            # As record_lab_result stores it.
            canonical_value=to_canonical(test, value, unit).quantize(CANONICAL_PLACES),
            canonical_unit=LAB_TESTS[test].canonical_unit,
            lab_name=lab_name,
        )

    def labs(self, injection_days: list[date]) -> list[LabResult]:
        rng = self.rng
        rows = []
        days = self.lab_days(injection_days)
        for position, day in enumerate(days):
            # Counted back from the latest: the GP's lab (pmol/L) and a hospital lab (pg/mL)
            # take turns; the hospital also measures MMA, and every fourth visit adds holoTC.
            visit = len(days) - 1 - position
            lab_name, unit = LABS[visit % len(LABS)]
            sampled_at = self.at(day, rng.randrange(8 * 60 + 30, 10 * 60 + 31, 5))
            index = bisect_left(injection_days, day + timedelta(days=1)) - 1
            since = (day - injection_days[index]).days if index >= 0 else 40
            # Higher in the weeks after an injection, within the lab's range.
            pg_per_ml = Decimal(rng.randint(380, 620) + max(0, 200 - 4 * since))
            value = pg_per_ml if unit == "pg/mL" else round(pg_per_ml * PMOL_PER_PG)
            rows.append(self.lab("serum_b12", Decimal(value), unit, lab_name, sampled_at))
            if unit == "pg/mL":
                mma = Decimal(rng.randint(110, 240))
                rows.append(self.lab("mma", mma, "nmol/L", lab_name, sampled_at))
            if visit % 4 == 2:
                holotc = Decimal(rng.randint(55, 120))
                rows.append(self.lab("holotc", holotc, "pmol/L", lab_name, sampled_at))
        return rows

    def start_instant(self) -> datetime:
        return self.at(self.first_day, 7 * 60)


def red_flag_alerts(*, user: User, entries: list[SymptomEntry]) -> list[Alert]:
    """The red-flag rules over a whole diary at once: each entry against the same symptom's
    entries of the 14 days before it, which is what record_alerts finds for entries logged in
    time order (and none carries tags)."""
    by_symptom: dict[str, list[SymptomEntry]] = defaultdict(list)
    for entry in sorted(entries, key=lambda e: e.recorded_at):
        by_symptom[entry.symptom].append(entry)
    alerts = []
    for same in by_symptom.values():
        first = 0
        for index, entry in enumerate(same):
            while same[first].recorded_at < entry.recorded_at - RISE_WINDOW:
                first += 1
            findings = assess_entry(
                symptom=entry.symptom,
                severity=entry.severity,
                tags=entry.red_flags,
                recorded_at=entry.recorded_at,
                earlier=[(e.recorded_at, e.severity) for e in same[first:index]],
            )
            alerts += [
                Alert(owner=user, symptom_entry=entry, rule=f.rule, level=f.level) for f in findings
            ]
    return alerts


def seed_history(*, user: User, days: int, seed: int, now: datetime) -> SeedResult:
    """``days`` days of history ending on the person's today (nothing after ``now``)."""
    if not MIN_DAYS <= days <= MAX_DAYS:
        raise ValueError(f"days must be between {MIN_DAYS} and {MAX_DAYS}")
    seeder = _Seeder(user=user, days=days, seed=seed, now=now)
    with transaction.atomic():
        foods, label_foods = pick_foods(user=user)
        supplement = add_supplement(user=user, active=True, note=DEMO_NOTE, **SUPPLEMENT)
        injection_days = seeder.injection_days()
        plan = add_injection_plan(
            user=user,
            start_date=injection_days[0] if injection_days else seeder.first_day,
            prescriber_note=DEMO_NOTE,
            **PLAN,
        )
        # Regimen and plan were entered when the history starts (their lists sort by it).
        started = seeder.start_instant()
        Supplement.objects.filter(pk=supplement.pk).update(created_at=started)
        InjectionPlan.objects.filter(pk=plan.pk).update(created_at=started)

        intakes = seeder.intakes(foods)
        doses = seeder.doses(supplement)
        injections = seeder.injections(plan, injection_days)
        entries = seeder.symptoms(injection_days)
        labs = seeder.labs(injection_days)
        alerts = red_flag_alerts(user=user, entries=entries)
        FoodIntake.objects.bulk_create(intakes, batch_size=BATCH_SIZE)
        SupplementDose.objects.bulk_create(doses, batch_size=BATCH_SIZE)
        Injection.objects.bulk_create(injections, batch_size=BATCH_SIZE)
        SymptomEntry.objects.bulk_create(entries, batch_size=BATCH_SIZE)
        LabResult.objects.bulk_create(labs, batch_size=BATCH_SIZE)
        Alert.objects.bulk_create(alerts, batch_size=BATCH_SIZE)
    return SeedResult(
        days=days,
        intakes=len(intakes),
        doses=dict(Counter(dose.status for dose in doses)),
        injections=len(injections),
        symptom_entries=len(entries),
        lab_results=len(labs),
        alerts=len(alerts),
        label_foods=label_foods,
    )
