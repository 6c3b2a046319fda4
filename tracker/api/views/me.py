from typing import Any, cast

from axes.handlers.proxy import AxesProxyHandler
from django.utils import timezone
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from tracker.api.serializers import AccountDeletionSerializer, DetailSerializer, MeSerializer
from tracker.auth.lockout import lockout_response
from tracker.models import Profile, User
from tracker.services.accounts import update_profile
from tracker.services.erasure import erase_account


class BodyOnDeleteSchema(AutoSchema):
    """drf-spectacular documents request bodies for PUT, PATCH and POST only; DELETE me/ takes
    the password in its body (HTTP allows a DELETE body, and every mobile HTTP client sends
    it), so the schema shows it there too."""

    def _get_request_body(self, direction: str = "request") -> Any:
        if self.method != "DELETE":
            return super()._get_request_body(direction)
        self.method = "POST"
        try:
            return super()._get_request_body(direction)
        finally:
            self.method = "DELETE"


@extend_schema_view(
    delete=extend_schema(
        request=AccountDeletionSerializer,
        responses={
            204: OpenApiResponse(description="The account and all its data are erased."),
            400: OpenApiResponse(description='{"password": ["…"]}: nothing was deleted.'),
            401: DetailSerializer,
            429: DetailSerializer,
        },
        description="Erase the account for good: every record, reminder, notification, "
        "device, care link, token and session of the person. Who read your data stays in "
        "the access log under a pseudonym. Download GET me/export/ first to keep a copy. "
        "Send the current password in the body.",
    )
)
class MeView(GenericAPIView):
    """The signed-in person's account and profile."""

    serializer_class = MeSerializer
    schema = BodyOnDeleteSchema()
    http_method_names = ["get", "patch", "delete", "head", "options"]

    def get_object(self) -> Profile:
        # JWTProfileAuthentication loaded the profile with the user; session auth (web, admin)
        # loads it here with one query.
        user = cast(User, self.request.user)  # IsAuthenticated ran first
        return user.profile

    def get(self, request: Request, *args: object, **kwargs: object) -> Response:
        return Response(self.get_serializer(self.get_object()).data)

    def patch(self, request: Request, *args: object, **kwargs: object) -> Response:
        profile = self.get_object()
        serializer = self.get_serializer(profile, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        changes = dict(serializer.validated_data)
        disclaimer_accepted = bool(changes.pop("disclaimer_accepted", False))
        profile = update_profile(
            profile=profile,
            changes=changes,
            disclaimer_accepted=disclaimer_accepted,
            now=timezone.now(),
        )
        return Response(self.get_serializer(profile).data)

    def delete(self, request: Request, *args: object, **kwargs: object) -> Response:
        user = cast(User, request.user)
        django_request = request._request
        # The same lockout as the token endpoint: a stolen token must not become a way to
        # guess the password.
        if AxesProxyHandler.is_locked(django_request, {"email": user.email}):
            return lockout_response(django_request)  # type: ignore[return-value]
        serializer = AccountDeletionSerializer(data=request.data, context={"request": request})
        valid = serializer.is_valid()
        if getattr(django_request, "axes_locked_out", False):
            return lockout_response(django_request)  # type: ignore[return-value]
        if not valid:
            return Response(serializer.errors, status=status.HTTP_400_BAD_REQUEST)
        erase_account(user=user, now=timezone.now())
        return Response(status=status.HTTP_204_NO_CONTENT)
