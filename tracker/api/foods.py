from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from tracker.api.fields import JsonTypesMixin
from tracker.domain import limits
from tracker.models import Food


class FoodSerializer(serializers.ModelSerializer):
    b12_ug_per_100g = serializers.DecimalField(
        max_digits=10, decimal_places=3, coerce_to_string=False
    )
    portion_grams = serializers.DecimalField(
        max_digits=8, decimal_places=2, coerce_to_string=False, allow_null=True
    )
    is_custom = serializers.SerializerMethodField()

    class Meta:
        model = Food
        fields = [
            "id",
            "name",
            "category",
            "data_type",
            "b12_ug_per_100g",
            "portion_name",
            "portion_grams",
            "is_fortified",
            "is_pseudo_b12",
            "barcode",
            "source",
            "source_version",
            "is_custom",
        ]
        read_only_fields = fields

    def get_is_custom(self, food: Food) -> bool:
        return food.owner_id is not None


# One object with a results list, not a list: many=False stops the schema's list heuristic.
@extend_schema_serializer(many=False)
class FoodListSerializer(serializers.Serializer):
    """Search results, best match first (not paginated: ranked, bounded by `limit`)."""

    results = FoodSerializer(many=True)


class CustomFoodSerializer(JsonTypesMixin, serializers.Serializer):
    """A food from a product label, visible only to the person who adds it. Give B12 per
    serving with the serving's weight, or per 100 g."""

    id = serializers.UUIDField(required=False)
    name = serializers.CharField(max_length=255)
    category = serializers.CharField(max_length=128, required=False, allow_blank=True)
    b12_ug_per_serving = serializers.DecimalField(
        max_digits=12,
        decimal_places=3,
        min_value=Decimal(0),
        max_value=limits.MAX_SUPPLEMENT_DOSE_UG,
        required=False,
    )
    serving_grams = serializers.DecimalField(
        max_digits=8,
        decimal_places=2,
        min_value=Decimal("0.1"),
        max_value=limits.MAX_SERVING_GRAMS,
        required=False,
    )
    b12_ug_per_100g = serializers.DecimalField(
        max_digits=12,
        decimal_places=3,
        min_value=Decimal(0),
        max_value=limits.MAX_B12_UG_PER_100G,
        required=False,
    )
    portion_name = serializers.CharField(max_length=64, required=False, allow_blank=True)
    barcode = serializers.RegexField(
        r"^\d{8,14}$",
        required=False,
        allow_blank=True,
        error_messages={"invalid": _("A barcode is 8 to 14 digits (EAN/UPC).")},
    )
    is_fortified = serializers.BooleanField(required=False, default=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        per_serving = attrs.get("b12_ug_per_serving")
        serving = attrs.get("serving_grams")
        per_100g = attrs.get("b12_ug_per_100g")
        if per_100g is not None and per_serving is not None:
            raise serializers.ValidationError(
                {"b12_ug_per_100g": [_("Give B12 per serving or per 100 g, not both.")]}
            )
        if per_serving is not None and serving is None:
            raise serializers.ValidationError(
                {"serving_grams": [_("Give the serving's weight in grams (on the label).")]}
            )
        if per_100g is None and per_serving is None:
            raise serializers.ValidationError(
                {"b12_ug_per_serving": [_("Give B12 per serving (with its grams) or per 100 g.")]}
            )
        if per_serving is not None:
            per_100g = (per_serving * 100 / serving).quantize(
                Decimal("0.001"), rounding=ROUND_HALF_UP
            )
            if per_100g > limits.MAX_B12_UG_PER_100G:
                raise serializers.ValidationError(
                    {"b12_ug_per_serving": [_("This is implausibly much for the serving size.")]}
                )
            attrs["b12_ug_per_100g"] = per_100g
        attrs.pop("b12_ug_per_serving", None)
        return attrs
