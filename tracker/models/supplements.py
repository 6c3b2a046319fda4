from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .base import OwnedModel


class CobalaminForm(models.TextChoices):
    CYANOCOBALAMIN = "cyanocobalamin", _("Cyanocobalamin")
    METHYLCOBALAMIN = "methylcobalamin", _("Methylcobalamin")
    HYDROXOCOBALAMIN = "hydroxocobalamin", _("Hydroxocobalamin")
    ADENOSYLCOBALAMIN = "adenosylcobalamin", _("Adenosylcobalamin")


class SupplementRoute(models.TextChoices):
    ORAL = "oral", _("Tablet or capsule (swallowed)")
    SUBLINGUAL = "sublingual", _("Under the tongue")
    CHEWABLE = "chewable", _("Chewable")
    SPRAY = "spray", _("Oral spray")
    NASAL = "nasal", _("Nasal spray")


class Supplement(OwnedModel):
    """A supplement the person takes (the regimen), as written on its label."""

    name = models.CharField(max_length=120)
    form = models.CharField(max_length=24, choices=CobalaminForm.choices)
    route = models.CharField(max_length=16, choices=SupplementRoute.choices)
    dose_ug = models.DecimalField(max_digits=10, decimal_places=3)
    active = models.BooleanField(default=True)
    note = models.TextField(blank=True, max_length=1000)

    occurred_field = "created_at"

    class Meta:
        constraints = [
            models.CheckConstraint(name="supplement_dose_positive", condition=Q(dose_ug__gt=0)),
        ]
        indexes = [
            models.Index(fields=["owner", "created_at"], name="supplement_owner_time_idx"),
            models.Index(fields=["owner", "updated_at"], name="supplement_owner_updated_idx"),
        ]

    def __str__(self) -> str:
        return self.name


class DoseStatus(models.TextChoices):
    TAKEN = "taken", _("Taken")
    SKIPPED = "skipped", _("Skipped")
    MISSED = "missed", _("Missed")


class DoseSource(models.TextChoices):
    MANUAL = "manual", _("Logged by the person")
    REMINDER = "reminder", _("From a reminder")
    AUTO_MISSED = "auto_missed", _("Marked missed automatically")


class SupplementDose(OwnedModel):
    # RESTRICT, not PROTECT: history keeps its regimen, yet account erasure can cascade.
    supplement = models.ForeignKey(Supplement, on_delete=models.RESTRICT, related_name="+")
    status = models.CharField(max_length=8, choices=DoseStatus.choices)
    taken_at = models.DateTimeField(null=True, blank=True)
    scheduled_for = models.DateTimeField(null=True, blank=True)
    # taken_at, else scheduled_for: what lists, ?from=&to= and days are computed on.
    occurred_at = models.DateTimeField()
    units = models.DecimalField(max_digits=6, decimal_places=2, default=1)
    # Snapshots at log time (0 unless taken): later regimen edits never rewrite history.
    b12_ug = models.DecimalField(max_digits=10, decimal_places=3)
    route = models.CharField(max_length=16, choices=SupplementRoute.choices)
    source = models.CharField(max_length=12, choices=DoseSource.choices, default="manual")

    occurred_field = "occurred_at"

    class Meta:
        constraints = [
            models.CheckConstraint(name="dose_units_positive", condition=Q(units__gt=0)),
            models.CheckConstraint(name="dose_b12_not_negative", condition=Q(b12_ug__gte=0)),
            models.CheckConstraint(
                name="dose_taken_has_time", condition=~Q(status="taken") | Q(taken_at__isnull=False)
            ),
            # One record per scheduled occurrence (reminder actions rely on it).
            models.UniqueConstraint(
                fields=["supplement", "scheduled_for"],
                condition=Q(scheduled_for__isnull=False, deleted_at__isnull=True),
                name="dose_one_per_scheduled_occurrence",
            ),
        ]
        indexes = [
            models.Index(fields=["owner", "occurred_at"], name="dose_owner_time_idx"),
            models.Index(fields=["owner", "updated_at"], name="dose_owner_updated_idx"),
        ]
