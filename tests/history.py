"""Bulk history for query-budget tests: N days of food, doses, injections, diary and labs."""

from datetime import datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from tests.factories import make_food
from tracker.models import (
    FoodIntake,
    Injection,
    InjectionPlan,
    LabResult,
    Supplement,
    SupplementDose,
    SymptomEntry,
    User,
)

MEALS = (("breakfast", 8), ("lunch", 13), ("dinner", 19), ("snack", 16))


def add_history(user: User, *, days: int, end: datetime) -> None:
    """One row of every kind per day (four intakes), ending the local day of ``end``."""
    zone = ZoneInfo(user.profile.effective_timezone)
    last = end.astimezone(zone).date()
    food = make_food(name=f"History drink {user.pk}")
    supplement = Supplement.objects.create(
        owner=user, name="B12 50", form="cyanocobalamin", route="oral", dose_ug=Decimal(50)
    )
    plan = InjectionPlan.objects.create(
        owner=user, product="Hydroxo", dose_ug=1000, route="im", maintenance_interval_days=56
    )
    intakes: list[FoodIntake] = []
    doses: list[SupplementDose] = []
    injections: list[Injection] = []
    entries: list[SymptomEntry] = []
    labs: list[LabResult] = []
    for offset in range(days):
        day = last - timedelta(days=offset)
        for meal, hour in MEALS:
            at = datetime.combine(day, time(hour), tzinfo=zone)
            intakes.append(
                FoodIntake(
                    owner=user, food=food, grams=200, eaten_at=at, meal=meal, b12_ug=Decimal("0.76")
                )
            )
        scheduled = datetime.combine(day, time(9), tzinfo=zone)
        taken = offset % 5 != 3
        doses.append(
            SupplementDose(
                owner=user,
                supplement=supplement,
                status="taken" if taken else "missed",
                taken_at=scheduled if taken else None,
                scheduled_for=scheduled,
                occurred_at=scheduled,
                b12_ug=Decimal(50) if taken else Decimal(0),
                route="oral",
            )
        )
        if offset % 56 == 0:
            injections.append(
                Injection(
                    owner=user, plan=plan, given_at=scheduled, dose_ug=1000, site="left_deltoid"
                )
            )
        if offset % 3 == 0:
            entries.append(
                SymptomEntry(
                    owner=user, symptom="tiredness", severity=offset % 5, recorded_at=scheduled
                )
            )
        if offset % 90 == 0:
            labs.append(
                LabResult(
                    owner=user,
                    test="serum_b12",
                    value=Decimal(400),
                    unit="pg/mL",
                    reference_low=Decimal(200),
                    reference_high=Decimal(900),
                    sampled_at=scheduled,
                    canonical_value=Decimal("295.12"),
                    canonical_unit="pmol/L",
                )
            )
    FoodIntake.objects.bulk_create(intakes, batch_size=500)
    SupplementDose.objects.bulk_create(doses, batch_size=500)
    Injection.objects.bulk_create(injections, batch_size=500)
    SymptomEntry.objects.bulk_create(entries, batch_size=500)
    LabResult.objects.bulk_create(labs, batch_size=500)
