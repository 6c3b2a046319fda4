from decimal import Decimal
from typing import Any
from uuid import UUID

from django.db import transaction
from django.utils import timezone

from tracker.models import Injection, InjectionPlan, User
from tracker.services.records import apply_changes, chosen_id, soft_delete
from tracker.services.reminders import reschedule_injection_reminders

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
        injection = Injection.objects.create(
            owner=user, plan=plan, **fields, **chosen_id(client_id)
        )
        _follow_plan(user, injection.plan_id)
    return injection


def _follow_plan(user: User, *plan_ids: UUID | None) -> None:
    # An injection given, moved or deleted moves the plan's next due date: its reminders
    # (heads-up, due, overdue repeats) follow.
    for plan_id in {p for p in plan_ids if p is not None}:
        reschedule_injection_reminders(user=user, plan_id=plan_id, now=timezone.now())


def update_injection(*, injection: Injection, changes: dict[str, Any]) -> Injection:
    before = injection.plan_id
    with transaction.atomic():
        apply_changes(record=injection, changes=changes)
        _follow_plan(injection.owner, before, injection.plan_id)
    return injection


def delete_injection(*, injection: Injection) -> None:
    with transaction.atomic():
        soft_delete(record=injection, now=timezone.now())
        _follow_plan(injection.owner, injection.plan_id)


def update_injection_plan(*, plan: InjectionPlan, changes: dict[str, Any]) -> InjectionPlan:
    with transaction.atomic():
        apply_changes(record=plan, changes=changes)
        _follow_plan(plan.owner, plan.pk)
    return plan
