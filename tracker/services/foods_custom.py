from decimal import Decimal
from typing import Any
from uuid import UUID

from django.db import transaction

from tracker.domain.food_flags import is_pseudo_b12, normalize_search_name
from tracker.models import Food, User
from tracker.services.records import chosen_id

SEARCH_NAME_LENGTH = Food._meta.get_field("search_name").max_length


def add_custom_food(
    *,
    user: User,
    name: str,
    b12_ug_per_100g: Decimal,
    serving_grams: Decimal | None = None,
    portion_name: str = "",
    category: str = "",
    barcode: str = "",
    is_fortified: bool = False,
    client_id: UUID | None = None,
    **_ignored: Any,
) -> Food:
    with transaction.atomic():
        return Food.objects.create(
            owner=user,
            name=name.strip(),
            category=category,
            data_type="custom",
            b12_ug_per_100g=b12_ug_per_100g,
            portion_name=portion_name or ("serving" if serving_grams else ""),
            portion_grams=serving_grams,
            is_fortified=is_fortified,
            is_pseudo_b12=is_pseudo_b12(name, category),
            barcode=barcode,
            source=Food.SOURCE_LABEL,
            # Normalising can lengthen a name ("ß" becomes "ss"): keep within the column.
            search_name=normalize_search_name(name)[:SEARCH_NAME_LENGTH],
            **chosen_id(client_id),
        )
