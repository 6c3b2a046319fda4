from decimal import Decimal
from typing import Any
from uuid import UUID

from django.db import transaction

from tracker.models import Injection, InjectionPlan, User
from tracker.services.records import chosen_id

MICROGRAMS_PER_MILLIGRAM = Decimal(1000)


def dose_in_micrograms(dose: Decimal, unit: str) -> Decimal:
    return dose * MICROGRAMS_PER_MILLIGRAM if unit == "mg" else dose


def add_injection_plan(
    *, user: User, client_id: UUID | None = None, **fields: Any
) -> InjectionPlan:
    with transaction.atomic():
        return InjectionPlan.objects.create(owner=user, **fields, **chosen_id(client_id))


def record_injection(
    *, user: User, plan: InjectionPlan | None, client_id: UUID | None = None, **fields: Any
) -> Injection:
    if fields.get("dose_ug") is None and plan is not None:
        fields["dose_ug"] = plan.dose_ug  # the prescribed dose, unless the person says otherwise
    with transaction.atomic():
        return Injection.objects.create(owner=user, plan=plan, **fields, **chosen_id(client_id))
