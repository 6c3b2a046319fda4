"""Serializers of the person-owned records: food intakes, supplements and doses, injection
plans and injections, symptom entries and lab results."""

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from tracker.api.fields import LoggedAtField
from tracker.api.resources import OwnedSerializer
from tracker.api.safety import AlertSerializer
from tracker.domain import limits
from tracker.domain.safety import RED_FLAG_TAGS
from tracker.domain.units import ALL_UNITS, LAB_TESTS, UnknownUnit, convert, normalize_unit
from tracker.models import (
    Food,
    FoodIntake,
    Injection,
    InjectionPlan,
    LabResult,
    Supplement,
    SupplementDose,
    SymptomEntry,
)
from tracker.models.injections import (
    MAX_LOADING_DOSES,
    MAX_LOADING_INTERVAL_DAYS,
    MAX_MAINTENANCE_DAYS,
    MIN_MAINTENANCE_DAYS,
)
from tracker.services.injections import dose_in_micrograms


def amount(max_value: Decimal, places: int = 3, **kwargs: Any) -> serializers.DecimalField:
    """A positive amount with exactly the precision of the column it is stored in."""
    return serializers.DecimalField(
        max_digits=12,
        decimal_places=places,
        min_value=Decimal(1).scaleb(-places),
        max_value=max_value,
        coerce_to_string=False,
        **kwargs,
    )


class UserScopedPrimaryKeyField(serializers.PrimaryKeyRelatedField):
    """A foreign key that must belong to the requesting person: another person's id gets the
    same "does not exist" message as an unknown one, so nothing leaks."""

    def __init__(self, model: Any, **kwargs: Any) -> None:
        self.model = model
        super().__init__(**kwargs)

    def get_queryset(self) -> Any:
        user = self.context["request"].user
        queryset = self.model.objects.for_user(user).alive()
        # An edit that resends the row's current reference stays valid even if that
        # supplement or plan has been deleted since (clients often PATCH whole objects).
        current = getattr(getattr(self.parent, "instance", None), f"{self.field_name}_id", None)
        if current is not None:
            queryset = queryset | self.model.objects.filter(pk=current, owner=user)
        return queryset


# --- food intakes ---


class FoodIntakeSerializer(OwnedSerializer):
    food = serializers.PrimaryKeyRelatedField(queryset=Food.objects.none())
    food_name = serializers.CharField(source="food.name", read_only=True)
    grams = amount(limits.MAX_FOOD_GRAMS, places=2, required=False)
    portions = amount(limits.MAX_PORTIONS, places=2, required=False, allow_null=True)
    eaten_at = LoggedAtField()
    b12_ug = serializers.DecimalField(
        max_digits=10,
        decimal_places=3,
        read_only=True,
        coerce_to_string=False,
        help_text="µg of B12 in this amount, fixed when logged (later catalogue changes do "
        "not rewrite it).",
    )

    class Meta:
        model = FoodIntake
        fields = [
            *OwnedSerializer.BOOKKEEPING,
            "food",
            "food_name",
            "grams",
            "portions",
            "eaten_at",
            "meal",
            "note",
            "b12_ug",
            "food_is_pseudo_b12",
        ]
        read_only_fields = ["food_is_pseudo_b12"]

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        # The catalogue plus the person's own label foods; another person's food "does not exist".
        request = self.context.get("request")
        if request is not None and request.user.is_authenticated:
            food_field = fields["food"]
            assert isinstance(food_field, serializers.PrimaryKeyRelatedField)
            foods = Food.objects.visible_to(request.user)
            if isinstance(self.instance, FoodIntake):
                # Resending the current food stays valid after it was retired from the catalogue.
                foods = foods | Food.objects.filter(pk=self.instance.food_id)
            food_field.queryset = foods
        return fields

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        creating = self.instance is None
        grams, portions = attrs.get("grams"), attrs.get("portions")
        if grams is not None and portions is not None:
            raise serializers.ValidationError(
                {"portions": [_("Give grams or portions, not both.")]}
            )
        if creating and grams is None and portions is None:
            raise serializers.ValidationError({"grams": [_("Give grams or portions.")]})
        food = attrs.get("food") or getattr(self.instance, "food", None)
        if portions is None and grams is None and self.instance is not None:
            portions = self.instance.portions  # a new food keeps the portion count
        if portions is not None and food is not None:
            if food.portion_grams is None:
                raise serializers.ValidationError(
                    {"portions": [_("This food has no standard portion: enter grams instead.")]}
                )
            if portions * food.portion_grams > limits.MAX_FOOD_GRAMS:
                raise serializers.ValidationError(
                    {"portions": [_("That many portions is implausibly much.")]}
                )
        return attrs


# --- supplements ---


class SupplementSerializer(OwnedSerializer):
    dose_ug = amount(limits.MAX_SUPPLEMENT_DOSE_UG, help_text="µg of B12 per unit (tablet, …).")

    class Meta:
        model = Supplement
        fields = [
            *OwnedSerializer.BOOKKEEPING,
            "name",
            "form",
            "route",
            "dose_ug",
            "active",
            "note",
        ]


class SupplementDoseSerializer(OwnedSerializer):
    supplement = UserScopedPrimaryKeyField(Supplement)
    taken_at = LoggedAtField(required=False, allow_null=True)
    scheduled_for = LoggedAtField(required=False, allow_null=True)
    units = amount(limits.MAX_DOSE_UNITS, places=2, required=False)
    b12_ug = serializers.DecimalField(
        max_digits=10,
        decimal_places=3,
        read_only=True,
        coerce_to_string=False,
        help_text="µg of B12 taken (0 unless taken), fixed when logged.",
    )

    class Meta:
        model = SupplementDose
        fields = [
            *OwnedSerializer.BOOKKEEPING,
            "supplement",
            "status",
            "taken_at",
            "scheduled_for",
            "occurred_at",
            "units",
            "b12_ug",
            "route",
            "source",
        ]
        read_only_fields = ["occurred_at", "route", "source"]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        status = attrs.get("status", getattr(self.instance, "status", None))
        taken_at = attrs.get("taken_at")
        if status != "taken" and taken_at is not None:
            raise serializers.ValidationError(
                {"taken_at": [_("Only a dose that was taken has a time taken.")]}
            )
        return attrs


# --- injection plans and injections ---


class InjectionPlanSerializer(OwnedSerializer):
    dose = amount(limits.MAX_INJECTION_DOSE_UG, help_text="The prescribed dose, in dose_unit.")
    dose_ug = serializers.DecimalField(
        max_digits=12, decimal_places=3, read_only=True, coerce_to_string=False
    )
    loading_doses = serializers.IntegerField(min_value=0, max_value=MAX_LOADING_DOSES, default=0)
    loading_interval_days = serializers.IntegerField(
        min_value=1, max_value=MAX_LOADING_INTERVAL_DAYS, required=False, allow_null=True
    )
    maintenance_interval_days = serializers.IntegerField(
        min_value=MIN_MAINTENANCE_DAYS, max_value=MAX_MAINTENANCE_DAYS
    )
    next_due = serializers.SerializerMethodField(
        help_text="Local date the next injection is due under this plan (null if unknown)."
    )
    overdue_days = serializers.SerializerMethodField()
    phase = serializers.SerializerMethodField()

    class Meta:
        model = InjectionPlan
        fields = [
            *OwnedSerializer.BOOKKEEPING,
            "product",
            "dose",
            "dose_unit",
            "dose_ug",
            "route",
            "loading_doses",
            "loading_interval_days",
            "maintenance_interval_days",
            "schedule_basis",
            "anchor_date",
            "start_date",
            "prescriber_note",
            "active",
            "next_due",
            "overdue_days",
            "phase",
        ]

    def _status(self, plan: InjectionPlan) -> Any:
        return self.context.get("schedule_status", {}).get(plan.pk)

    @extend_schema_field(serializers.DateField(allow_null=True))
    def get_next_due(self, plan: InjectionPlan) -> str | None:
        status = self._status(plan)
        return status.next_due.isoformat() if status and status.next_due else None

    @extend_schema_field(serializers.IntegerField())
    def get_overdue_days(self, plan: InjectionPlan) -> int:
        status = self._status(plan)
        return status.overdue_days if status else 0

    @extend_schema_field(serializers.ChoiceField(["not_started", "loading", "maintenance"]))
    def get_phase(self, plan: InjectionPlan) -> str:
        status = self._status(plan)
        return status.phase if status else "not_started"

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        def current(name: str) -> Any:
            return attrs.get(name, getattr(self.instance, name, None))

        if "dose" in attrs:
            dose_ug = dose_in_micrograms(attrs.pop("dose"), current("dose_unit") or "ug")
            if dose_ug > limits.MAX_INJECTION_DOSE_UG:
                raise serializers.ValidationError({"dose": [_("This dose is implausibly large.")]})
            attrs["dose_ug"] = dose_ug
        elif "dose_unit" in attrs and self.instance is not None:
            raise serializers.ValidationError(
                {"dose": [_("Give the dose again when changing its unit.")]}
            )
        if (current("loading_doses") or 0) > 0 and not current("loading_interval_days"):
            raise serializers.ValidationError(
                {"loading_interval_days": [_("Say how many days apart the loading doses are.")]}
            )
        if current("schedule_basis") == "fixed_anchor" and not current("anchor_date"):
            raise serializers.ValidationError(
                {"anchor_date": [_("A fixed schedule needs its anchor date.")]}
            )
        return attrs

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        if self.instance is not None and not isinstance(self.instance, list):
            fields["dose"].required = False
        return fields


class InjectionSerializer(OwnedSerializer):
    plan = UserScopedPrimaryKeyField(InjectionPlan, required=False, allow_null=True)
    given_at = LoggedAtField()
    dose_ug = amount(
        limits.MAX_INJECTION_DOSE_UG,
        required=False,
        help_text="µg given; defaults to the plan's dose.",
    )

    class Meta:
        model = Injection
        fields = [
            *OwnedSerializer.BOOKKEEPING,
            "plan",
            "given_at",
            "dose_ug",
            "site",
            "given_by",
            "lot",
            "note",
        ]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if self.instance is None and attrs.get("dose_ug") is None and attrs.get("plan") is None:
            raise serializers.ValidationError(
                {"dose_ug": [_("Give the dose, or choose the plan it belongs to.")]}
            )
        return attrs


# --- symptom diary ---


class SymptomEntrySerializer(OwnedSerializer):
    severity = serializers.IntegerField(
        min_value=0, max_value=10, help_text="0 none, 1–3 mild, 4–6 moderate, 7–10 severe."
    )
    recorded_at = LoggedAtField()
    red_flags = serializers.ListField(
        child=serializers.ChoiceField(choices=[(k, v[0]) for k, v in RED_FLAG_TAGS.items()]),
        required=False,
        max_length=len(RED_FLAG_TAGS),
        help_text="Warning signs that came with this symptom (see the app's list).",
    )
    alerts = serializers.SerializerMethodField(
        help_text="Messages to seek medical advice that this entry raised, if any."
    )

    class Meta:
        model = SymptomEntry
        fields = [
            *OwnedSerializer.BOOKKEEPING,
            "symptom",
            "severity",
            "recorded_at",
            "note",
            "red_flags",
            "alerts",
        ]

    def validate_red_flags(self, value: list[str]) -> list[str]:
        return list(dict.fromkeys(value))  # each tag once, in the order given

    @extend_schema_field(AlertSerializer(many=True))
    def get_alerts(self, entry: SymptomEntry) -> Any:
        alerts = [alert for alert in entry.alerts.all() if alert.deleted_at is None]
        return AlertSerializer(alerts, many=True).data


# --- lab results ---


def lab_number(**kwargs: Any) -> serializers.DecimalField:
    """A lab value as the columns hold it (14 digits, 4 places), never negative."""
    return serializers.DecimalField(
        max_digits=14, decimal_places=4, min_value=Decimal(0), coerce_to_string=False, **kwargs
    )


class LabResultSerializer(OwnedSerializer):
    value = lab_number()
    unit = serializers.CharField(
        max_length=16, help_text=f"One of the test's units: {', '.join(ALL_UNITS)}."
    )
    # The lab's own range, in the unit entered.
    reference_low = lab_number(required=False, allow_null=True)
    reference_high = lab_number(required=False, allow_null=True)
    sampled_at = LoggedAtField()
    canonical_value = serializers.DecimalField(
        max_digits=16, decimal_places=4, read_only=True, coerce_to_string=False
    )
    values_by_unit = serializers.SerializerMethodField(
        help_text="The value in every unit this test is reported in."
    )
    drawn_after_injection = serializers.SerializerMethodField(
        help_text="True when sampled within 14 days after an injection: serum B12 then "
        "reflects the injection, not body stores (Mayo Clinic Laboratories)."
    )

    class Meta:
        model = LabResult
        fields = [
            *OwnedSerializer.BOOKKEEPING,
            "test",
            "value",
            "unit",
            "reference_low",
            "reference_high",
            "sampled_at",
            "lab_name",
            "note",
            "canonical_value",
            "canonical_unit",
            "values_by_unit",
            "drawn_after_injection",
        ]
        read_only_fields = ["canonical_unit"]

    @extend_schema_field(serializers.DictField(child=serializers.FloatField()))
    def get_values_by_unit(self, result: LabResult) -> dict[str, float]:
        return {
            unit: float(round(convert(result.test, result.value, result.unit, unit), 2))
            for unit in LAB_TESTS[result.test].factors
        }

    @extend_schema_field(serializers.BooleanField())
    def get_drawn_after_injection(self, result: LabResult) -> bool:
        return bool(getattr(result, "drawn_after_injection", False))

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        def current(name: str) -> Any:
            return attrs.get(name, getattr(self.instance, name, None))

        test, unit, value = current("test"), current("unit"), current("value")
        if test and unit:
            spec = LAB_TESTS[test]
            normalized = normalize_unit(unit)
            if normalized not in spec.factors:
                raise serializers.ValidationError(
                    {"unit": [_("Use one of: %(units)s.") % {"units": ", ".join(spec.factors)}]}
                )
            attrs["unit"] = normalized
            if value is not None:
                try:
                    canonical = convert(test, value, normalized, spec.canonical_unit)
                except UnknownUnit:  # pragma: no cover — checked just above
                    raise serializers.ValidationError({"unit": [_("Unknown unit.")]}) from None
                if canonical > spec.max_canonical:
                    raise serializers.ValidationError(
                        {"value": [_("This value is implausibly large: check the unit.")]}
                    )
        low, high = current("reference_low"), current("reference_high")
        if low is not None and high is not None and low > high:
            raise serializers.ValidationError(
                {"reference_high": [_("The upper limit must not be below the lower limit.")]}
            )
        return attrs
