"""Thin Celery tasks: take ids or names, call a service."""

from celery import shared_task
from django.utils import timezone

from tracker.services.system import record_service_heartbeat


@shared_task(acks_late=True, reject_on_worker_lost=True)
def record_heartbeat(name: str) -> None:
    """Idempotent because it upserts one row per name: a re-delivery only moves ``seen_at``."""
    record_service_heartbeat(name=name, now=timezone.now())
