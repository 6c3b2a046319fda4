"""drf-spectacular extensions (imported in TrackerConfig.ready so they register)."""

from typing import Any

from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme
from drf_spectacular.openapi import AutoSchema


class JWTProfileScheme(SimpleJWTScheme):
    target_class = "tracker.auth.jwt.JWTProfileAuthentication"
    name = "jwtAuth"


class OwnedResourceSchema(AutoSchema):
    """Documents the idempotent create: 201 for a new row, 200 for a replayed id."""

    def get_response_serializers(self) -> Any:
        response = super().get_response_serializers()
        if self.method == "POST" and getattr(self.view, "action", None) == "create":
            if not isinstance(response, dict):
                return {200: response, 201: response}
        return response
