"""The access log: one append-only row per read of someone else's health data (DESIGN
invariant 8). Rows name what was read ("summary", "symptom entries", "export (fhir)") and
through which channel — never a health value."""

from datetime import datetime
from typing import Any

from tracker.models import AccessLog


def record_access(*, actor: Any, patient: Any, what: str, channel: str, now: datetime) -> AccessLog:
    return AccessLog.objects.create(
        actor=actor,
        actor_label=getattr(actor, "email", "") or "",
        patient=patient,
        what=what[:80],
        channel=channel,
        at=now,
    )
