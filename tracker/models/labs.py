from datetime import timedelta
from typing import Self

from django.db import models
from django.db.models import DateTimeField, Exists, ExpressionWrapper, OuterRef, Q

from tracker.domain.units import LAB_TESTS

from .base import OwnedModel, OwnedQuerySet
from .injections import Injection

# Serum B12 drawn within this many days after an injection reflects the injection, not stores
# (Mayo Clinic Laboratories, DOMAIN.md §3).
INJECTION_LOOKBACK_DAYS = 14


class LabResultQuerySet(OwnedQuerySet):
    def with_injection_flag(self) -> Self:
        """Annotates ``drawn_after_injection``: sampled within INJECTION_LOOKBACK_DAYS after an
        injection (one EXISTS subquery, no extra query per row)."""
        window_start = ExpressionWrapper(
            OuterRef("sampled_at") - timedelta(days=INJECTION_LOOKBACK_DAYS),
            output_field=DateTimeField(),
        )
        recent_injection = Injection.objects.filter(
            owner=OuterRef("owner"),
            deleted_at__isnull=True,
            given_at__lte=OuterRef("sampled_at"),
            given_at__gte=window_start,
        )
        return self.annotate(drawn_after_injection=Exists(recent_injection))


class LabResult(OwnedModel):
    test = models.CharField(
        max_length=16, choices=[(code, spec.label) for code, spec in LAB_TESTS.items()]
    )
    value = models.DecimalField(max_digits=14, decimal_places=4)
    unit = models.CharField(max_length=16)
    # The lab's own reference range, in the unit entered: the lab's range wins over any other.
    reference_low = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    reference_high = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    sampled_at = models.DateTimeField()
    canonical_value = models.DecimalField(max_digits=16, decimal_places=4)
    canonical_unit = models.CharField(max_length=16)
    lab_name = models.CharField(max_length=120, blank=True)
    note = models.TextField(blank=True, max_length=1000)

    objects = LabResultQuerySet.as_manager()  # type: ignore[misc]

    occurred_field = "sampled_at"

    class Meta:
        constraints = [
            models.CheckConstraint(name="lab_value_not_negative", condition=Q(value__gte=0)),
            models.CheckConstraint(
                name="lab_range_ordered",
                condition=Q(reference_low__isnull=True)
                | Q(reference_high__isnull=True)
                | Q(reference_low__lte=models.F("reference_high")),
            ),
        ]
        indexes = [
            models.Index(fields=["owner", "sampled_at"], name="lab_owner_time_idx"),
            models.Index(fields=["owner", "updated_at"], name="lab_owner_updated_idx"),
        ]
