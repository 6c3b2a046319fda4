"""The project's URLs plus a bare JsonResponse view, as the baseline for API overhead."""

from django.http import HttpRequest, JsonResponse
from django.urls import path

from config.urls import urlpatterns as project_urlpatterns
from tracker.models import Profile

PROFILE_FIELDS = [
    "diet_type", "birth_date", "pregnancy_status", "timezone", "home_timezone",
    "reference_standard", "risk_factors", "quiet_hours_start", "quiet_hours_end",
    "notification_channels", "discreet_notifications", "disclaimer_accepted_at",
]  # fmt: skip


def bare_profile(request: HttpRequest, user_id: str) -> JsonResponse:
    profile = Profile.objects.select_related("user").get(user_id=user_id)
    body = {"id": str(profile.user.id), "email": profile.user.email}
    body.update({field: getattr(profile, field) for field in PROFILE_FIELDS})
    return JsonResponse(body)


urlpatterns = [path("bench/bare/<uuid:user_id>/", bare_profile), *project_urlpatterns]
