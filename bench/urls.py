"""The project's URLs plus a bare JsonResponse view, as the baseline for API overhead."""

from django.http import HttpRequest, JsonResponse
from django.urls import path

from config.urls import urlpatterns as project_urlpatterns
from tracker.models import Profile
from tracker.services.accounts import EDITABLE_PROFILE_FIELDS

PROFILE_FIELDS = [*EDITABLE_PROFILE_FIELDS, "disclaimer_accepted_at"]


def bare_profile(request: HttpRequest, user_id: str) -> JsonResponse:
    profile = Profile.objects.select_related("user").get(user_id=user_id)
    body = {"id": str(profile.user.id), "email": profile.user.email}
    body.update({field: getattr(profile, field) for field in PROFILE_FIELDS})
    return JsonResponse(body)


urlpatterns = [path("bench/bare/<uuid:user_id>/", bare_profile), *project_urlpatterns]
