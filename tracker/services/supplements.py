from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from tracker.models import DoseStatus, Supplement, SupplementDose, User
from tracker.services.records import chosen_id

UG = Decimal("0.001")


def add_supplement(*, user: User, client_id: UUID | None = None, **fields: Any) -> Supplement:
    with transaction.atomic():
        return Supplement.objects.create(owner=user, **fields, **chosen_id(client_id))


def _dose_snapshot(*, supplement: Supplement, status: str, units: Decimal) -> Decimal:
    if status != DoseStatus.TAKEN:
        return Decimal(0)
    return (supplement.dose_ug * units).quantize(UG, rounding=ROUND_HALF_UP)


def _save_dose(dose: SupplementDose) -> SupplementDose:
    try:
        with transaction.atomic():
            dose.save()
    except IntegrityError as exc:
        if "dose_one_per_scheduled_occurrence" in str(exc) or "scheduled_for" in str(exc):
            raise ValidationError(
                {"scheduled_for": [_("A dose for this scheduled time is already recorded.")]}
            ) from None
        raise
    return dose


def record_supplement_dose(
    *,
    user: User,
    supplement: Supplement,
    status: str,
    now: datetime,
    taken_at: datetime | None = None,
    scheduled_for: datetime | None = None,
    units: Decimal = Decimal(1),
    source: str = "manual",
    client_id: UUID | None = None,
) -> SupplementDose:
    if status == DoseStatus.TAKEN and taken_at is None:
        taken_at = now  # "I took it" from a phone means now
    dose = SupplementDose(
        owner=user,
        supplement=supplement,
        status=status,
        taken_at=taken_at,
        scheduled_for=scheduled_for,
        occurred_at=taken_at or scheduled_for or now,
        units=units,
        b12_ug=_dose_snapshot(supplement=supplement, status=status, units=units),
        route=supplement.route,
        source=source,
        **chosen_id(client_id),
    )
    return _save_dose(dose)


def update_supplement_dose(
    *, dose: SupplementDose, changes: dict[str, Any], now: datetime
) -> SupplementDose:
    # Clients often PATCH whole objects: only values that really differ count as changes.
    changed = {field: value for field, value in changes.items() if getattr(dose, field) != value}
    supplement = changed.pop("supplement", dose.supplement)
    old_units, was_taken = dose.units, dose.status == DoseStatus.TAKEN
    for field, value in changed.items():
        setattr(dose, field, value)
    if dose.status == DoseStatus.TAKEN and dose.taken_at is None:
        dose.taken_at = now
    if dose.status != DoseStatus.TAKEN:
        dose.taken_at = None
    dose.occurred_at = dose.taken_at or dose.scheduled_for or dose.occurred_at
    if supplement.pk != dose.supplement_id or (not was_taken and "status" in changed):
        # Another supplement, or newly taken: snapshot the regimen as it is now.
        dose.supplement = supplement
        dose.route = supplement.route
        dose.b12_ug = _dose_snapshot(supplement=supplement, status=dose.status, units=dose.units)
    elif dose.status != DoseStatus.TAKEN:
        dose.b12_ug = Decimal(0)
    elif "units" in changed:
        # Same dose, other count: scale the logged snapshot; a regimen edit since logging
        # still does not rewrite it.
        dose.b12_ug = (dose.b12_ug * dose.units / old_units).quantize(UG, rounding=ROUND_HALF_UP)
    return _save_dose(dose)
