from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tracker.models import Food, FoodIntake, User
from tracker.services.records import chosen_id

UG = Decimal("0.001")


def b12_for_grams(*, food: Food, grams: Decimal) -> Decimal:
    return (food.b12_ug_per_100g * grams / 100).quantize(UG, rounding=ROUND_HALF_UP)


def grams_for_portions(*, food: Food, portions: Decimal) -> Decimal:
    if food.portion_grams is None:
        raise ValidationError(
            {"portions": [_("This food has no standard portion: enter grams instead.")]}
        )
    return (food.portion_grams * portions).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def log_food_intake(
    *,
    user: User,
    food: Food,
    eaten_at: datetime,
    meal: str,
    grams: Decimal | None = None,
    portions: Decimal | None = None,
    note: str = "",
    client_id: UUID | None = None,
) -> FoodIntake:
    if portions is not None:
        grams = grams_for_portions(food=food, portions=portions)
    assert grams is not None, "the serializer requires grams or portions"
    with transaction.atomic():
        return FoodIntake.objects.create(
            owner=user,
            food=food,
            grams=grams,
            portions=portions,
            eaten_at=eaten_at,
            meal=meal,
            note=note,
            # The snapshot: what this food held when it was logged.
            b12_ug=b12_for_grams(food=food, grams=grams),
            food_is_pseudo_b12=food.is_pseudo_b12,
            **chosen_id(client_id),
        )


def update_food_intake(*, intake: FoodIntake, changes: dict[str, Any]) -> FoodIntake:
    food = changes.pop("food", intake.food)
    food_changed = food.pk != intake.food_id
    if "portions" in changes and changes["portions"] is not None:
        changes["grams"] = grams_for_portions(food=food, portions=changes["portions"])
    elif "grams" in changes:
        changes["portions"] = None
    elif food_changed and intake.portions is not None:
        changes["grams"] = grams_for_portions(food=food, portions=intake.portions)
    new_grams = changes.get("grams", intake.grams)
    if food_changed:
        intake.b12_ug = b12_for_grams(food=food, grams=new_grams)
        intake.food_is_pseudo_b12 = food.is_pseudo_b12
        intake.food = food
    elif new_grams != intake.grams:
        # Same food, other amount: scale the snapshot, so a catalogue change since logging
        # still does not rewrite this entry.
        intake.b12_ug = (intake.b12_ug * new_grams / intake.grams).quantize(
            UG, rounding=ROUND_HALF_UP
        )
    for field, value in changes.items():
        setattr(intake, field, value)
    with transaction.atomic():
        intake.save()
    return intake
