from datetime import datetime

from django.db import transaction

from tracker.models import Alert


def acknowledge_alert(*, alert: Alert, now: datetime) -> Alert:
    if alert.acknowledged_at is None:
        with transaction.atomic():
            alert.acknowledged_at = now
            alert.save(update_fields=["acknowledged_at", "updated_at"])
    return alert
