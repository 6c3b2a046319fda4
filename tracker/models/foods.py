import uuid
from typing import Any, Self

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .base import OwnedModel, TimestampedModel


class FoodQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> Self:
        """The shared catalogue plus this person's own label foods (never someone else's)."""
        return self.filter(Q(owner__isnull=True) | Q(owner=user), deleted_at__isnull=True)


class Food(TimestampedModel):
    """A food from the USDA catalogue (no owner) or a person's own, entered from a label."""

    SOURCE_USDA = "usda_fdc"
    SOURCE_LABEL = "label"
    SOURCE_CHOICES = [
        (SOURCE_USDA, _("USDA FoodData Central")),
        (SOURCE_LABEL, _("Entered from a product label")),
    ]

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    name = models.CharField(max_length=255)
    category = models.CharField(max_length=128, blank=True)
    # USDA data type (branded_food, sr_legacy_food, survey_fndds_food, foundation_food, …)
    # or "custom" for label foods.
    data_type = models.CharField(max_length=32)
    b12_ug_per_100g = models.DecimalField(max_digits=10, decimal_places=3)
    portion_name = models.CharField(max_length=64, blank=True)
    portion_grams = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    # B12 added to a product that naturally has none (plant milks, cereals, yeast, analogues).
    is_fortified = models.BooleanField(default=False)
    # Algae "B12" (spirulina etc.) is mostly inactive analogues: counts 0 toward the estimate.
    is_pseudo_b12 = models.BooleanField(default=False)
    barcode = models.CharField(max_length=32, blank=True)
    source = models.CharField(max_length=16, choices=SOURCE_CHOICES)
    source_version = models.CharField(max_length=64, blank=True)
    # Natural key of a catalogue row, so a re-import updates instead of duplicating.
    catalogue_key = models.CharField(max_length=64, null=True, blank=True, unique=True)
    # Lower-cased, accent-free name for the search paths (see tracker.queries.foods).
    search_name = models.CharField(max_length=255, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = FoodQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="food_b12_not_negative", condition=Q(b12_ug_per_100g__gte=0)
            ),
            models.CheckConstraint(
                name="food_portion_positive",
                condition=Q(portion_grams__isnull=True) | Q(portion_grams__gt=0),
            ),
            # Catalogue rows belong to nobody; label foods always to someone.
            models.CheckConstraint(
                name="food_owner_matches_source",
                condition=(Q(source="usda_fdc", owner__isnull=True))
                | (Q(source="label", owner__isnull=False)),
            ),
        ]
        indexes = [
            # Barcode look-ups from the mobile scanner.
            models.Index(fields=["barcode"], name="food_barcode_idx", condition=~Q(barcode="")),
        ]

    def __str__(self) -> str:
        return self.name


class Meal(models.TextChoices):
    BREAKFAST = "breakfast", _("Breakfast")
    LUNCH = "lunch", _("Lunch")
    DINNER = "dinner", _("Dinner")
    SNACK = "snack", _("Snack")


class FoodIntake(OwnedModel):
    # RESTRICT: a logged food is never deleted on its own, but erasing an account removes the
    # person's label foods together with the intakes that use them.
    food = models.ForeignKey(Food, on_delete=models.RESTRICT, related_name="+")
    grams = models.DecimalField(max_digits=8, decimal_places=2)
    # What the person entered when they logged portions instead of grams (grams is derived).
    portions = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    eaten_at = models.DateTimeField()
    meal = models.CharField(max_length=16, choices=Meal.choices)
    note = models.TextField(blank=True, max_length=1000)
    # Snapshots at log time: later catalogue changes never rewrite history.
    b12_ug = models.DecimalField(max_digits=10, decimal_places=3)
    food_is_pseudo_b12 = models.BooleanField(default=False)

    occurred_field = "eaten_at"

    class Meta:
        constraints = [
            models.CheckConstraint(name="intake_grams_positive", condition=Q(grams__gt=0)),
            models.CheckConstraint(name="intake_b12_not_negative", condition=Q(b12_ug__gte=0)),
        ]
        indexes = [
            # Lists, ?from=&to= and daily totals: one person's rows by time.
            models.Index(fields=["owner", "eaten_at"], name="intake_owner_time_idx"),
            # ?updated_since= sync.
            models.Index(fields=["owner", "updated_at"], name="intake_owner_updated_idx"),
        ]
