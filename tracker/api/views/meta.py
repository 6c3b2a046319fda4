from django.conf import settings
from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from tracker.api.serializers import MetaSerializer


class MetaView(APIView):
    """The API version and the oldest mobile app version this server still supports."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(responses=MetaSerializer)
    def get(self, request: Request, *args: object, **kwargs: object) -> Response:
        return Response(
            {
                "api_version": settings.API_VERSION,
                "minimum_app_version": settings.MINIMUM_APP_VERSION,
            }
        )
