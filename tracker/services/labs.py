from decimal import Decimal
from typing import Any
from uuid import UUID

from django.db import transaction

from tracker.domain.units import LAB_TESTS, normalize_unit, to_canonical
from tracker.models import LabResult, User
from tracker.services.records import chosen_id

CANONICAL_PLACES = Decimal("0.0001")


def _canonical(test: str, value: Decimal, unit: str) -> tuple[Decimal, str]:
    canonical = to_canonical(test, value, unit).quantize(CANONICAL_PLACES)
    return canonical, LAB_TESTS[test].canonical_unit


def record_lab_result(
    *,
    user: User,
    test: str,
    value: Decimal,
    unit: str,
    client_id: UUID | None = None,
    **fields: Any,
) -> LabResult:
    unit = normalize_unit(unit)
    canonical_value, canonical_unit = _canonical(test, value, unit)
    with transaction.atomic():
        return LabResult.objects.create(
            owner=user,
            test=test,
            value=value,
            unit=unit,
            canonical_value=canonical_value,
            canonical_unit=canonical_unit,
            **fields,
            **chosen_id(client_id),
        )


def update_lab_result(*, result: LabResult, changes: dict[str, Any]) -> LabResult:
    for field, value in changes.items():
        setattr(result, field, value)
    result.unit = normalize_unit(result.unit)
    result.canonical_value, result.canonical_unit = _canonical(
        result.test, result.value, result.unit
    )
    with transaction.atomic():
        result.save()
    return result
