"""drf-spectacular extensions (imported in TrackerConfig.ready so they register)."""

from typing import Any

from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme
from drf_spectacular.openapi import AutoSchema


class JWTProfileScheme(SimpleJWTScheme):
    target_class = "tracker.auth.jwt.JWTProfileAuthentication"
    name = "jwtAuth"


class OwnedResourceSchema(AutoSchema):
    """Documents the idempotent create (201 for a new row, 200 for a replayed id) and the
    first-use disclaimer gate on writes (403 with code disclaimer_required)."""

    def get_response_serializers(self) -> Any:
        from tracker.api.serializers import DetailSerializer

        response = super().get_response_serializers()
        if isinstance(response, dict):
            return response
        action = getattr(self.view, "action", None)
        if self.method == "POST" and action == "create":
            return {200: response, 201: response, 403: DetailSerializer}
        if self.method == "PATCH":
            return {200: response, 403: DetailSerializer}
        return response
