from axes.handlers.proxy import AxesProxyHandler
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.tokens import RefreshToken
from rest_framework_simplejwt.views import TokenObtainPairView, TokenRefreshView

from tracker.api.serializers import (
    DetailSerializer,
    LogoutSerializer,
    RegisterResponseSerializer,
    RegisterSerializer,
)
from tracker.auth.jwt import RevocationAwareRefreshSerializer
from tracker.auth.lockout import lockout_response
from tracker.services.accounts import register_user


class RegisterView(GenericAPIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []
    serializer_class = RegisterSerializer
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "register"

    @extend_schema(responses={201: RegisterResponseSerializer, 400: None})
    def post(self, request: Request, *args: object, **kwargs: object) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = register_user(now=timezone.now(), **serializer.validated_data)
        refresh = RefreshToken.for_user(user)
        body = RegisterResponseSerializer(user.profile).data
        body["tokens"] = {"access": str(refresh.access_token), "refresh": str(refresh)}
        return Response(body, status=status.HTTP_201_CREATED)


class TokenObtainView(TokenObtainPairView):
    """Email and password → an access and a refresh token.

    Locked for the cool-off period after repeated failures for the same email and address,
    even when the right password follows (django-axes); answered as JSON 429.
    """

    authentication_classes = ()
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth"

    @extend_schema(
        responses={
            200: TokenObtainPairView.serializer_class,
            401: DetailSerializer,
            429: DetailSerializer,
        }
    )
    def post(self, request: Request, *args: object, **kwargs: object) -> Response:
        credentials = {"email": request.data.get("email")} if isinstance(request.data, dict) else {}
        django_request = request._request
        if AxesProxyHandler.is_locked(django_request, credentials):
            return lockout_response(django_request)  # type: ignore[return-value]
        response = super().post(request, *args, **kwargs)
        # The axes backend flags the DRF request when this very attempt hit the limit.
        if getattr(request, "axes_locked_out", False):
            return lockout_response(django_request)  # type: ignore[return-value]
        return response


class TokenRefreshRotateView(TokenRefreshView):
    """A refresh token → a new access token and a new refresh token; the old one is revoked."""

    authentication_classes = ()
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth"
    serializer_class = RevocationAwareRefreshSerializer

    @extend_schema(
        responses={200: RevocationAwareRefreshSerializer, 401: DetailSerializer, 429: None}
    )
    def post(self, request: Request, *args: object, **kwargs: object) -> Response:
        return super().post(request, *args, **kwargs)


class LogoutView(GenericAPIView):
    """Revoke a refresh token (blacklist it). The access token expires on its own within minutes."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    serializer_class = LogoutSerializer
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth"

    @extend_schema(responses={204: None, 400: None})
    def post(self, request: Request, *args: object, **kwargs: object) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            RefreshToken(serializer.validated_data["refresh"]).blacklist()
        except TokenError:
            return Response(
                {"refresh": [_("This token is invalid, expired or already revoked.")]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        return Response(status=status.HTTP_204_NO_CONTENT)
