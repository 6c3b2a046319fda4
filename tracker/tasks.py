"""Thin Celery tasks: take ids or names, call a service."""

import time

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from tracker.services import notifications
from tracker.services.system import record_service_heartbeat


@shared_task(acks_late=True, reject_on_worker_lost=True)
def record_heartbeat(name: str) -> None:
    """Idempotent because it upserts one row per name: a re-delivery only moves ``seen_at``."""
    record_service_heartbeat(name=name, now=timezone.now())


# --- reminders and notifications (tracker.services.notifications) -------------------------


def enqueue_deliveries(ids: list[int]) -> None:
    deliver_notifications.delay(ids)


def _retry_later(delivery_id: int, seconds: float) -> None:
    # Never beyond the broker's visibility timeout (settings assert it): the sweeper covers
    # anything longer.
    countdown = min(seconds, settings.CELERY_MAX_COUNTDOWN_SECONDS)
    deliver_notifications.apply_async(([delivery_id],), countdown=countdown)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def dispatch_reminders() -> int:
    """Idempotent because each occurrence makes at most one notification (the unique
    (reminder, occurrence) key) and due reminders are claimed with row locks: a second run at
    the same time claims other rows or none, and a run killed mid-batch commits nothing."""
    result = notifications.dispatch_due(now_fn=timezone.now, enqueue=enqueue_deliveries)
    return result.notifications + result.refired


@shared_task(acks_late=True, reject_on_worker_lost=True)
def deliver_notifications(delivery_ids: list[int]) -> None:
    """Idempotent because each delivery is claimed (pending → sending) before it is sent: a
    repeated message finds it claimed or sent and does nothing."""
    # A slow channel (10 s timeouts) must not run the chunk past the task's time limit: what
    # is left after the budget goes back on the queue as a task of its own.
    deadline = time.monotonic() + settings.DELIVERY_TASK_BUDGET_SECONDS
    for index, delivery_id in enumerate(delivery_ids):
        if time.monotonic() > deadline:
            deliver_notifications.delay(delivery_ids[index:])
            return
        notifications.deliver(delivery_id=delivery_id, now=timezone.now(), retry=_retry_later)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def sweep_deliveries() -> int:
    """Idempotent because it only re-enqueues: delivering is guarded by the claim."""
    return notifications.sweep(now=timezone.now(), enqueue=enqueue_deliveries)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def mark_missed_doses() -> int:
    """Idempotent because one dose per scheduled occurrence is a database constraint and one
    caregiver alert per (caregiver, dose) another."""
    missed = notifications.mark_missed_doses(now=timezone.now())
    notifications.alert_caregivers(now=timezone.now(), enqueue=enqueue_deliveries)
    return missed
