from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .base import OwnedModel

# Input ranges only (the product records the clinician's plan; it never suggests one).
# Maintenance: weekly to yearly and beyond (DOMAIN.md §3: "7 to at least 365 days").
MIN_MAINTENANCE_DAYS = 7
MAX_MAINTENANCE_DAYS = 730
MAX_LOADING_DOSES = 60
MAX_LOADING_INTERVAL_DAYS = 31


class InjectionRoute(models.TextChoices):
    INTRAMUSCULAR = "im", _("Intramuscular")
    SUBCUTANEOUS = "sc", _("Subcutaneous")


class DoseUnit(models.TextChoices):
    MICROGRAM = "ug", _("µg")
    MILLIGRAM = "mg", _("mg")


class ScheduleBasis(models.TextChoices):
    LAST_DOSE = "last_dose", _("Counted from the last dose given")
    FIXED_ANCHOR = "fixed_anchor", _("Fixed dates counted from an anchor date")


class InjectionPlan(OwnedModel):
    """The injection schedule a clinician prescribed, as the person entered it."""

    product = models.CharField(max_length=120)
    dose_ug = models.DecimalField(max_digits=12, decimal_places=3)
    # The unit the person entered the dose in, for display; dose_ug is canonical.
    dose_unit = models.CharField(max_length=2, choices=DoseUnit.choices, default="ug")
    route = models.CharField(max_length=2, choices=InjectionRoute.choices)
    loading_doses = models.PositiveSmallIntegerField(default=0)
    loading_interval_days = models.PositiveSmallIntegerField(null=True, blank=True)
    maintenance_interval_days = models.PositiveSmallIntegerField()
    schedule_basis = models.CharField(
        max_length=16, choices=ScheduleBasis.choices, default=ScheduleBasis.LAST_DOSE
    )
    anchor_date = models.DateField(null=True, blank=True)
    start_date = models.DateField(null=True, blank=True)
    prescriber_note = models.TextField(blank=True, max_length=2000)
    active = models.BooleanField(default=True)

    occurred_field = "created_at"

    class Meta:
        constraints = [
            models.CheckConstraint(name="plan_dose_positive", condition=Q(dose_ug__gt=0)),
            models.CheckConstraint(
                name="plan_maintenance_range",
                condition=Q(
                    maintenance_interval_days__gte=MIN_MAINTENANCE_DAYS,
                    maintenance_interval_days__lte=MAX_MAINTENANCE_DAYS,
                ),
            ),
            models.CheckConstraint(
                name="plan_loading_needs_interval",
                condition=Q(loading_doses=0)
                | Q(
                    loading_interval_days__gte=1,
                    loading_interval_days__lte=MAX_LOADING_INTERVAL_DAYS,
                ),
            ),
            models.CheckConstraint(
                name="plan_anchor_needs_date",
                condition=~Q(schedule_basis="fixed_anchor") | Q(anchor_date__isnull=False),
            ),
        ]
        indexes = [
            models.Index(fields=["owner", "created_at"], name="plan_owner_time_idx"),
            models.Index(fields=["owner", "updated_at"], name="plan_owner_updated_idx"),
        ]

    def __str__(self) -> str:
        return self.product

    @property
    def dose(self) -> Decimal:
        """The dose in the unit the person entered it in."""
        return self.dose_ug / 1000 if self.dose_unit == DoseUnit.MILLIGRAM else self.dose_ug


class InjectionSite(models.TextChoices):
    LEFT_DELTOID = "left_deltoid", _("Left upper arm (deltoid)")
    RIGHT_DELTOID = "right_deltoid", _("Right upper arm (deltoid)")
    LEFT_THIGH = "left_thigh", _("Left thigh")
    RIGHT_THIGH = "right_thigh", _("Right thigh")
    LEFT_GLUTEAL = "left_gluteal", _("Left buttock (gluteal)")
    RIGHT_GLUTEAL = "right_gluteal", _("Right buttock (gluteal)")
    ABDOMEN = "abdomen", _("Abdomen")


class GivenBy(models.TextChoices):
    SELF = "self", _("Myself")
    NURSE_OR_DOCTOR = "clinician", _("A nurse or doctor")
    CAREGIVER = "caregiver", _("A family member or caregiver")
    OTHER = "other", _("Someone else")


class Injection(OwnedModel):
    # RESTRICT, not PROTECT: history keeps its plan, yet account erasure can cascade.
    plan = models.ForeignKey(
        InjectionPlan, on_delete=models.RESTRICT, null=True, blank=True, related_name="+"
    )
    given_at = models.DateTimeField()
    dose_ug = models.DecimalField(max_digits=12, decimal_places=3)
    site = models.CharField(max_length=16, choices=InjectionSite.choices, blank=True)
    given_by = models.CharField(max_length=12, choices=GivenBy.choices, default="clinician")
    lot = models.CharField(max_length=64, blank=True)
    note = models.TextField(blank=True, max_length=1000)

    occurred_field = "given_at"

    class Meta:
        constraints = [
            models.CheckConstraint(name="injection_dose_positive", condition=Q(dose_ug__gt=0)),
        ]
        indexes = [
            models.Index(fields=["owner", "given_at"], name="injection_owner_time_idx"),
            models.Index(fields=["owner", "updated_at"], name="injection_owner_updated_idx"),
        ]
