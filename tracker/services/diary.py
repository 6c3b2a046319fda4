from datetime import datetime
from typing import Any
from uuid import UUID

from django.db import transaction

from tracker.domain.safety import RISE_WINDOW, assess_entry
from tracker.models import Alert, SymptomEntry, User
from tracker.services.records import chosen_id, soft_delete


def record_symptom(*, user: User, client_id: UUID | None = None, **fields: Any) -> SymptomEntry:
    with transaction.atomic():
        entry = SymptomEntry.objects.create(owner=user, **fields, **chosen_id(client_id))
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
    """Apply the red-flag rules to an entry, and to the same symptom's entries in the 14 days
    after it: a backfilled or lowered earlier score can make a later one a rise. Each alert is
    recorded once; alerts already shown are never withdrawn by an edit."""
    same_symptom = (
        SymptomEntry.objects.for_user(entry.owner)
        .alive()
        .filter(
            symptom=entry.symptom,
            recorded_at__gte=entry.recorded_at - RISE_WINDOW,
            recorded_at__lte=entry.recorded_at + RISE_WINDOW,
        )
        .exclude(pk=entry.pk)
    )
    neighbours = [*same_symptom, entry]
    alerts = []
    for subject in [entry] + [n for n in neighbours if n.recorded_at > entry.recorded_at]:
        findings = assess_entry(
            symptom=subject.symptom,
            severity=subject.severity,
            tags=subject.red_flags if subject is entry else [],
            recorded_at=subject.recorded_at,
            earlier=[(n.recorded_at, n.severity) for n in neighbours if n is not subject],
        )
        for finding in findings:
            alert, _ = Alert.objects.get_or_create(
                owner=entry.owner,
                symptom_entry=subject,
                rule=finding.rule,
                deleted_at=None,
                defaults={"level": finding.level},
            )
            alerts.append(alert)
    return alerts


def delete_symptom(*, entry: SymptomEntry, now: datetime) -> None:
    """A deleted diary entry takes its alerts with it (both soft-deleted, both kept)."""
    with transaction.atomic():
        Alert.objects.filter(symptom_entry=entry, deleted_at__isnull=True).update(
            deleted_at=now, updated_at=now
        )
        soft_delete(record=entry, now=now)
