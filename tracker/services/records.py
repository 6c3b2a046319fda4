from datetime import datetime
from typing import Any

from django.db import transaction

from tracker.models.base import OwnedModel


def soft_delete(*, record: OwnedModel, now: datetime) -> None:
    # Kept, not destroyed: other devices sync the deletion, and history is never lost to a
    # clean-up job (DESIGN: "history rows are never destroyed").
    with transaction.atomic():
        record.deleted_at = now
        record.save(update_fields=["deleted_at", "updated_at"])


def apply_changes(*, record: OwnedModel, changes: dict[str, Any]) -> OwnedModel:
    for field, value in changes.items():
        setattr(record, field, value)
    record.save()
    return record
