from typing import Any
from uuid import UUID

from django.db import transaction

from tracker.models import SymptomEntry, User


def record_symptom(*, user: User, client_id: UUID | None = None, **fields: Any) -> SymptomEntry:
    extra = {"id": client_id} if client_id else {}
    with transaction.atomic():
        return SymptomEntry.objects.create(owner=user, **fields, **extra)
