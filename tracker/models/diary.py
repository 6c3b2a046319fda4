from django.db import models
from django.db.models import Q

from tracker.domain.symptoms import SEVERITY_MAX, SEVERITY_MIN, SYMPTOMS

from .base import OwnedModel


class SymptomEntry(OwnedModel):
    symptom = models.CharField(max_length=32, choices=list(SYMPTOMS.items()))
    severity = models.PositiveSmallIntegerField()
    recorded_at = models.DateTimeField()
    note = models.TextField(blank=True, max_length=1000)
    # Red-flag tags (tracker.domain.safety.RED_FLAG_TAGS) the person ticked for this entry.
    red_flags = models.JSONField(default=list, blank=True)

    occurred_field = "recorded_at"

    class Meta:
        verbose_name_plural = "symptom entries"
        constraints = [
            models.CheckConstraint(
                name="symptom_severity_range",
                condition=Q(severity__gte=SEVERITY_MIN, severity__lte=SEVERITY_MAX),
            ),
        ]
        indexes = [
            models.Index(fields=["owner", "recorded_at"], name="symptom_owner_time_idx"),
            models.Index(fields=["owner", "updated_at"], name="symptom_owner_updated_idx"),
        ]
