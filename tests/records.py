"""Per-resource specs for the shared behaviour tests of the owned resources."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

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
from tracker.models.base import OwnedModel


@dataclass
class Resource:
    url: str
    model: type[OwnedModel]
    payload: Callable[[User], dict[str, Any]]  # a valid create body
    row: Callable[[User, datetime], OwnedModel]  # a stored row at a given instant
    patch: dict[str, Any]


def _supplement(user: User, at: datetime | None = None) -> Supplement:
    return Supplement.objects.create(
        owner=user, name="B12 1000", form="cyanocobalamin", route="oral", dose_ug=Decimal(1000)
    )


def _plan(user: User, at: datetime | None = None) -> InjectionPlan:
    return InjectionPlan.objects.create(
        owner=user,
        product="Hydroxocobalamin 1 mg/mL",
        dose_ug=Decimal(1000),
        dose_unit="mg",
        route="im",
        maintenance_interval_days=90,
    )


def _food() -> Any:
    from tracker.models import Food

    food = Food.objects.filter(name="Fortified soy drink").first()
    return food or make_food()


def _iso(at: datetime) -> str:
    return at.isoformat()


RESOURCES: dict[str, Resource] = {
    "food-intakes": Resource(
        url="/api/v1/food-intakes/",
        model=FoodIntake,
        payload=lambda user: {
            "food": str(_food().id),
            "grams": "250",
            "eaten_at": _iso(timezone.now() - timedelta(hours=1)),
            "meal": "breakfast",
        },
        row=lambda user, at: FoodIntake.objects.create(
            owner=user,
            food=_food(),
            grams=Decimal(100),
            eaten_at=at,
            meal="lunch",
            b12_ug=Decimal("0.38"),
        ),  # fmt: skip
        patch={"note": "with oats"},
    ),
    "supplements": Resource(
        url="/api/v1/supplements/",
        model=Supplement,
        payload=lambda user: {
            "name": "Methyl B12 sublingual",
            "form": "methylcobalamin",
            "route": "sublingual",
            "dose_ug": "1000",
        },
        row=lambda user, at: _supplement(user),
        patch={"active": False},
    ),
    "supplement-doses": Resource(
        url="/api/v1/supplement-doses/",
        model=SupplementDose,
        payload=lambda user: {"supplement": str(_supplement(user).id), "status": "taken"},
        row=lambda user, at: SupplementDose.objects.create(
            owner=user,
            supplement=_supplement(user),
            status="taken",
            taken_at=at,
            occurred_at=at,
            b12_ug=Decimal(1000),
            route="oral",
        ),  # fmt: skip
        patch={"units": "2"},
    ),
    "injection-plans": Resource(
        url="/api/v1/injection-plans/",
        model=InjectionPlan,
        payload=lambda user: {
            "product": "Hydroxocobalamin 1 mg/mL",
            "dose": "1",
            "dose_unit": "mg",
            "route": "im",
            "maintenance_interval_days": 90,
        },
        row=lambda user, at: _plan(user),
        patch={"prescriber_note": "Dr. Patel, surgery"},
    ),
    "injections": Resource(
        url="/api/v1/injections/",
        model=Injection,
        payload=lambda user: {
            "plan": str(_plan(user).id),
            "given_at": _iso(timezone.now() - timedelta(days=1)),
            "site": "left_deltoid",
        },
        row=lambda user, at: Injection.objects.create(
            owner=user, given_at=at, dose_ug=Decimal(1000), site="right_deltoid"
        ),
        patch={"lot": "A123"},
    ),
    "symptom-entries": Resource(
        url="/api/v1/symptom-entries/",
        model=SymptomEntry,
        payload=lambda user: {
            "symptom": "pins_and_needles",
            "severity": 4,
            "recorded_at": _iso(timezone.now()),
        },
        row=lambda user, at: SymptomEntry.objects.create(
            owner=user, symptom="tiredness", severity=3, recorded_at=at
        ),
        patch={"severity": 5},
    ),
    "lab-results": Resource(
        url="/api/v1/lab-results/",
        model=LabResult,
        payload=lambda user: {
            "test": "serum_b12",
            "value": "300",
            "unit": "pg/mL",
            "sampled_at": _iso(timezone.now() - timedelta(days=3)),
        },
        row=lambda user, at: LabResult.objects.create(
            owner=user,
            test="holotc",
            value=Decimal(60),
            unit="pmol/L",
            sampled_at=at,
            canonical_value=Decimal(60),
            canonical_unit="pmol/L",
        ),  # fmt: skip
        patch={"lab_name": "City lab"},
    ),
}
