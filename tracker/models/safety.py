from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .base import OwnedModel
from .diary import SymptomEntry


class Alert(OwnedModel):
    """A red-flag message shown to the person (and later to linked caregivers): recorded so
    it is never shown once and lost."""

    LEVELS = [("prompt", _("Seek advice promptly")), ("urgent", _("Seek advice urgently"))]

    symptom_entry = models.ForeignKey(SymptomEntry, on_delete=models.CASCADE, related_name="alerts")
    rule = models.CharField(max_length=48)
    level = models.CharField(max_length=8, choices=LEVELS)
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    occurred_field = "created_at"

    class Meta:
        constraints = [
            # One alert per rule per entry: re-assessing an edited entry never duplicates.
            models.UniqueConstraint(
                fields=["symptom_entry", "rule"],
                condition=Q(deleted_at__isnull=True),
                name="alert_one_per_entry_rule",
            ),
        ]
        indexes = [
            # Open alerts on the dashboard and in caregiver summaries.
            models.Index(fields=["owner", "created_at"], name="alert_owner_time_idx"),
            models.Index(fields=["owner", "updated_at"], name="alert_owner_updated_idx"),
        ]
