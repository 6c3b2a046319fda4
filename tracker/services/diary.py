from typing import Any
from uuid import UUID

from django.db import transaction

from tracker.domain.safety import RISE_WINDOW, assess_entry
from tracker.models import Alert, SymptomEntry, User


def record_symptom(*, user: User, client_id: UUID | None = None, **fields: Any) -> SymptomEntry:
    extra = {"id": client_id} if client_id else {}
    with transaction.atomic():
        entry = SymptomEntry.objects.create(owner=user, **fields, **extra)
        record_alerts(entry=entry)
    return entry


def update_symptom(*, entry: SymptomEntry, changes: dict[str, Any]) -> SymptomEntry:
    for field, value in changes.items():
        setattr(entry, field, value)
    with transaction.atomic():
        entry.save()
        record_alerts(entry=entry)
    return entry


def record_alerts(*, entry: SymptomEntry) -> list[Alert]:
    """Apply the red-flag rules to an entry and record each alert once (an edit that raises
    the same flag again does not duplicate it; alerts already shown are never withdrawn)."""
    earlier = (
        SymptomEntry.objects.for_user(entry.owner)
        .alive()
        .filter(
            symptom=entry.symptom,
            recorded_at__gte=entry.recorded_at - RISE_WINDOW,
            recorded_at__lt=entry.recorded_at,
        )
        .exclude(pk=entry.pk)
        .values_list("recorded_at", "severity")
    )
    findings = assess_entry(
        symptom=entry.symptom,
        severity=entry.severity,
        tags=entry.red_flags,
        recorded_at=entry.recorded_at,
        earlier=list(earlier),
    )
    alerts = []
    for finding in findings:
        alert, _ = Alert.objects.get_or_create(
            owner=entry.owner,
            symptom_entry=entry,
            rule=finding.rule,
            deleted_at=None,
            defaults={"level": finding.level},
        )
        alerts.append(alert)
    return alerts
