from datetime import datetime
from typing import Any
from uuid import UUID

from django.db import transaction

from tracker.models.base import OwnedModel


def chosen_id(client_id: UUID | None) -> dict[str, UUID]:
    """The primary key a client chose for a new row, if it chose one: creates sent again with
    the same id then find the stored row instead of adding a second (DESIGN invariant 2)."""
    return {"id": client_id} if client_id else {}


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
