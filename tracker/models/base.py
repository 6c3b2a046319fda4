import uuid
from datetime import datetime
from typing import Any, Self

from django.conf import settings
from django.db import models


class TimestampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class OwnedQuerySet(models.QuerySet):
    def for_user(self, user: Any) -> Self:
        return self.filter(owner=user)

    def alive(self) -> Self:
        return self.filter(deleted_at__isnull=True)

    def updated_since(self, instant: datetime) -> Self:
        # Includes soft-deleted rows: a syncing client must learn about deletions too.
        return self.filter(updated_at__gt=instant)


class OwnedModel(TimestampedModel):
    """A row that belongs to one person, synced to their devices.

    The id may be chosen by the client (a UUID), which makes creates idempotent. Rows are
    soft-deleted (``deleted_at``) so other devices learn of the deletion; history is never
    destroyed by clean-up jobs.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", editable=False
    )
    deleted_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = OwnedQuerySet.as_manager()

    # The instant a row is "about" (eaten, taken, given, recorded, sampled): what ?from=&to=
    # filter on and lists are ordered by. Set by each subclass.
    occurred_field: str = ""

    class Meta:
        abstract = True
