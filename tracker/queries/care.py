"""Which patients a caregiver may see: the one definition every caregiver path uses (the
caregiver admin, the summary API, missed-dose alerts)."""

from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet

from tracker.models import CareLink, User

VIEW_SUMMARY = "view_summary"
MISSED_DOSE_ALERTS = "missed_dose_alerts"
PERMISSIONS = (VIEW_SUMMARY, MISSED_DOSE_ALERTS)


def active_links(*, now: datetime) -> QuerySet[CareLink]:
    """Accepted, not revoked, not past their end date."""
    return CareLink.objects.filter(
        status="active",
        revoked_at__isnull=True,
        # A deactivated account shares nothing and is told nothing.
        patient__is_active=True,
        caregiver__is_active=True,
    ).filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))


def links_granting(permission: str, *, caregiver: Any, now: datetime) -> list[CareLink]:
    # Permissions are a short JSON list; filtering it in Python works the same on SQLite and
    # PostgreSQL (a caregiver has a handful of links).
    return [
        link
        for link in active_links(now=now).filter(caregiver=caregiver).select_related("patient")
        if permission in (link.permissions or [])
    ]


def visible_patients(caregiver: Any, *, now: datetime) -> QuerySet[User]:
    """The patients whose active, unexpired link grants this caregiver view_summary."""
    ids = [link.patient_id for link in links_granting(VIEW_SUMMARY, caregiver=caregiver, now=now)]
    return User.objects.filter(pk__in=ids).select_related("profile")
