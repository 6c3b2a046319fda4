"""Push registrations of the signed-in person: phones (FCM, APNs) and browsers (Web Push).

The three kinds live in three django-push-notifications models with integer keys, so a
device's id here is ``"<type>:<pk>"`` (``"fcm:12"``, ``"apns:3"``, ``"webpush:7"``).

A token or endpoint is unique: registering a known one updates that row (keys, name,
active again) and answers 200; a new one answers 201. If another account had it (a shared
phone that changed account), the row moves to the current person, with its old name dropped.
DELETE turns the registration off (it stops receiving pushes) and answers 204.
"""

import base64
import binascii
import re
from typing import Any, cast
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from django.core.validators import URLValidator
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_serializer
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from tracker.api.fields import JsonTypesMixin
from tracker.api.throttles import CreateQuotaThrottle
from tracker.models import User
from tracker.services.devices import BROWSERS, DEVICE_MODELS, register_device

DEVICE_ID_PATTERN = r"(?:fcm|apns|webpush):[0-9]{1,18}"
_BASE64URL = re.compile(r"^[A-Za-z0-9_-]+={0,2}$")
_HEX = re.compile(r"^[0-9a-fA-F]+$")
_LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def _base64url(value: str) -> bytes | None:
    if not _BASE64URL.match(value):
        return None
    try:
        return base64.urlsafe_b64decode(value.rstrip("=") + "=" * (-len(value.rstrip("=")) % 4))
    except (binascii.Error, ValueError):
        return None


class DeviceRegistrationSerializer(JsonTypesMixin, serializers.Serializer):
    type = serializers.ChoiceField(choices=list(DEVICE_MODELS))
    registration_id = serializers.CharField(
        max_length=4096,
        help_text="The FCM token, the APNs device token (hex), or the Web Push endpoint URL.",
    )
    name = serializers.CharField(max_length=255, required=False, allow_blank=True)
    p256dh = serializers.CharField(
        max_length=88, required=False, help_text="Web Push only: the subscription's key, base64url."
    )
    auth = serializers.CharField(
        max_length=24, required=False, help_text="Web Push only: the auth secret, base64url."
    )
    browser = serializers.ChoiceField(
        choices=BROWSERS, required=False, help_text="Web Push only; CHROME when not given."
    )

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("browser"), str):
            data = {**data, "browser": data["browser"].upper()}
        return super().to_internal_value(data)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        kind = attrs["type"]
        token = attrs["registration_id"]
        errors: dict[str, list[str]] = {}
        if kind == "webpush":
            errors.update(self._webpush_errors(attrs))
        else:
            for key in ("p256dh", "auth", "browser"):
                if key in attrs:
                    errors[key] = [_("Only Web Push subscriptions have this field.")]
            if any(ch.isspace() for ch in token):
                errors["registration_id"] = [_("A device token has no spaces.")]
            elif kind == "apns" and (len(token) > 200 or not _HEX.match(token)):
                errors["registration_id"] = [_("An APNs device token is hexadecimal, at most 200.")]
        if errors:
            raise serializers.ValidationError(errors)
        return attrs

    def _webpush_errors(self, attrs: dict[str, Any]) -> dict[str, list[str]]:
        errors: dict[str, list[str]] = {}
        endpoint = attrs["registration_id"]
        try:
            URLValidator(schemes=["https", "http"])(endpoint)
        except Exception:
            errors["registration_id"] = [_("Enter the subscription's endpoint URL.")]
        else:
            parts = urlsplit(endpoint)
            # Push services are https; plain http only for a local test service in development.
            local_dev = not settings.IS_PRODUCTION and parts.hostname in _LOOPBACK
            if parts.scheme != "https" and not local_dev:
                errors["registration_id"] = [_("A push endpoint must use https.")]
        for key in ("p256dh", "auth"):
            if not attrs.get(key):
                errors[key] = [_("Web Push subscriptions need this key.")]
        if attrs.get("p256dh"):
            raw = _base64url(attrs["p256dh"])
            try:
                if raw is None:
                    raise ValueError
                ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw)
            except ValueError:
                errors["p256dh"] = [_("Enter the subscription's P-256 public key (base64url).")]
        if attrs.get("auth"):
            raw = _base64url(attrs["auth"])
            if raw is None or len(raw) != 16:
                errors["auth"] = [_("Enter the subscription's 16-byte auth secret (base64url).")]
        return errors


class DeviceSerializer(serializers.Serializer):
    id = serializers.CharField(help_text='"<type>:<number>", e.g. "fcm:12".')
    type = serializers.ChoiceField(choices=list(DEVICE_MODELS))
    registration_id = serializers.CharField()
    name = serializers.CharField(allow_null=True)
    browser = serializers.CharField(allow_null=True, help_text="Web Push only.")
    active = serializers.BooleanField()
    created_at = serializers.DateTimeField(allow_null=True)


# One object with a results list, not a list: many=False stops the schema's list heuristic.
@extend_schema_serializer(many=False)
class DeviceListSerializer(serializers.Serializer):
    results = DeviceSerializer(many=True)


class VapidKeySerializer(serializers.Serializer):
    public_key = serializers.CharField(
        allow_null=True,
        help_text="The applicationServerKey for pushManager.subscribe (base64url); "
        "null when Web Push is not configured on this server.",
    )


def device_data(kind: str, row: Any) -> dict[str, Any]:
    return {
        "id": f"{kind}:{row.pk}",
        "type": kind,
        "registration_id": row.registration_id,
        "name": row.name,
        "browser": getattr(row, "browser", None),
        "active": row.active,
        "created_at": row.date_created,
    }


DEVICE_ID_PARAMETER = OpenApiParameter(
    "id",
    str,
    OpenApiParameter.PATH,
    pattern=f"^{DEVICE_ID_PATTERN}$",
    description='The device\'s id: "<type>:<number>", e.g. "webpush:7".',
)


class DeviceViewSet(viewsets.ViewSet):
    """Push registrations (FCM, APNs, Web Push) of the signed-in person."""

    lookup_field = "id"
    lookup_value_regex = DEVICE_ID_PATTERN
    throttle_classes = [CreateQuotaThrottle]  # registrations (create) only

    @property
    def user(self) -> User:
        return cast(User, self.request.user)

    def _own(self, device_id: str) -> tuple[str, Any]:
        kind, _sep, pk = device_id.partition(":")
        model: Any = DEVICE_MODELS.get(kind)
        row = None
        if model is not None and pk.isdigit():
            row = model.objects.filter(pk=int(pk), user=self.user, active=True).first()
        if row is None:
            raise Http404
        return kind, row

    @extend_schema(responses=DeviceListSerializer)
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Your active registrations, all kinds, oldest first."""
        devices = [
            device_data(kind, row)
            for kind, model in DEVICE_MODELS.items()
            for row in cast(Any, model).objects.filter(user=self.user, active=True).order_by("pk")
        ]
        return Response({"results": DeviceSerializer(devices, many=True).data})

    @extend_schema(
        request=DeviceRegistrationSerializer,
        responses={200: DeviceSerializer, 201: DeviceSerializer},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Register a phone or browser; 201 when new, 200 when the token was known."""
        serializer = DeviceRegistrationSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        result = register_device(
            user=self.user,
            kind=data.pop("type"),
            registration_id=data.pop("registration_id"),
            **data,
        )
        body = DeviceSerializer(device_data(result.kind, result.row)).data
        return Response(
            body, status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK
        )

    @extend_schema(parameters=[DEVICE_ID_PARAMETER], responses=DeviceSerializer)
    def retrieve(self, request: Request, id: str, *args: Any, **kwargs: Any) -> Response:
        kind, row = self._own(id)
        return Response(DeviceSerializer(device_data(kind, row)).data)

    @extend_schema(parameters=[DEVICE_ID_PARAMETER], responses={204: None})
    def destroy(self, request: Request, id: str, *args: Any, **kwargs: Any) -> Response:
        """Turn the registration off: it receives no more pushes."""
        _kind, row = self._own(id)
        type(row).objects.filter(pk=row.pk).update(active=False)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(responses=VapidKeySerializer)
    @action(detail=False, methods=["get"], url_path="vapid-public-key")
    def vapid_public_key(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """The server's VAPID public key, for the browser's pushManager.subscribe call."""
        configured = settings.VAPID_PUBLIC_KEY and settings.VAPID_PRIVATE_KEY
        return Response({"public_key": settings.VAPID_PUBLIC_KEY if configured else None})
