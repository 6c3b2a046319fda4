"""The project's URLs plus bare JsonResponse views, as the baselines for API overhead."""

from uuid import UUID

from django.http import HttpRequest, JsonResponse
from django.urls import path

from config.urls import urlpatterns as project_urlpatterns
from tracker.models import FoodIntake, Profile
from tracker.services.accounts import EDITABLE_PROFILE_FIELDS

PROFILE_FIELDS = [*EDITABLE_PROFILE_FIELDS, "disclaimer_accepted_at"]
BARE_PAGE_SIZE = 30


def bare_profile(request: HttpRequest, user_id: str) -> JsonResponse:
    profile = Profile.objects.select_related("user").get(user_id=user_id)
    body = {"id": str(profile.user.id), "email": profile.user.email}
    body.update({field: getattr(profile, field) for field in PROFILE_FIELDS})
    return JsonResponse(body)


def bare_food_intakes(request: HttpRequest, user_id: UUID) -> JsonResponse:
    """The rows of `GET /api/v1/food-intakes/?page_size=30` (newest first, not deleted, the same
    fields), without DRF: no authentication, permissions, serializer or pagination."""
    rows = (
        FoodIntake.objects.filter(owner_id=user_id, deleted_at__isnull=True)
        .select_related("food")
        .order_by("-eaten_at")[:BARE_PAGE_SIZE]
    )
    results = [
        {
            "id": row.pk,
            "created_at": row.created_at,
            "updated_at": row.updated_at,
            "deleted_at": row.deleted_at,
            "food": row.food_id,
            "food_name": row.food.name,
            "grams": row.grams,
            "portions": row.portions,
            "eaten_at": row.eaten_at,
            "meal": row.meal,
            "note": row.note,
            "b12_ug": row.b12_ug,
            "food_is_pseudo_b12": row.food_is_pseudo_b12,
        }
        for row in rows
    ]
    return JsonResponse({"results": results})


urlpatterns = [
    path("bench/bare/<uuid:user_id>/", bare_profile),
    path("bench/bare-food-intakes/<uuid:user_id>/", bare_food_intakes),
    *project_urlpatterns,
]
