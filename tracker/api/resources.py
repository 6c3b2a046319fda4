"""Shared behaviour of the person-owned resources (food intakes, supplements, doses, …).

- Every queryset starts from the requesting user: another person's id is a 404.
- Creates are idempotent by a client-sent UUID ``id``: a replay answers 200 with the stored
  object and stores nothing.
- DELETE soft-deletes (``deleted_at``); ``?updated_since=`` returns deleted rows too, so other
  devices can sync the deletion.
- ``?from=&to=`` are dates in the person's own time zone, inclusive.
"""

import uuid
from datetime import date, datetime, timedelta
from typing import Any, cast

from django.db import IntegrityError, transaction
from django.db.models import Model, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from tracker.api.fields import JsonTypesMixin
from tracker.api.permissions import DisclaimerAccepted
from tracker.api.schema import OwnedResourceSchema
from tracker.api.throttles import CreateQuotaThrottle
from tracker.domain.timezones import local_day_bounds
from tracker.models import User
from tracker.models.base import OwnedModel
from tracker.services.records import soft_delete


def client_sent_id(request: Request) -> uuid.UUID | None:
    """The UUID a client chose for the object it creates, if any."""
    raw = request.data.get("id") if isinstance(request.data, dict) else None
    if raw is None or raw == "":
        return None
    if not isinstance(raw, str):
        raise ValidationError({"id": [_("Must be a valid UUID.")]})
    try:
        return uuid.UUID(raw)
    except ValueError:
        raise ValidationError({"id": [_("Must be a valid UUID.")]}) from None


def replayed_row(model: Any, own_rows: Any, client_id: uuid.UUID) -> Any:
    """The person's stored row for a replayed create, or None for a new id. Someone else's
    row with that id refuses the create (the id is taken) without showing anything of it."""
    row = own_rows.filter(pk=client_id).first()
    if row is None and model.objects.filter(pk=client_id).exists():
        raise ValidationError({"id": [_("This id is already in use.")]})
    return row


class OwnedSerializer(JsonTypesMixin, serializers.ModelSerializer):
    """Base for owned resources: client-chosen id on create, read-only bookkeeping fields."""

    id = serializers.UUIDField(
        required=False,
        help_text="Optional on create: a UUID chosen by the client makes the create idempotent.",
    )
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)
    deleted_at = serializers.DateTimeField(
        read_only=True,
        allow_null=True,  # null on every row that is not deleted
        help_text="Set on deleted rows, which only ?updated_since= returns.",
    )

    BOOKKEEPING = ["id", "created_at", "updated_at", "deleted_at"]

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        # An object's id never changes: an edit (PATCH, partial) ignores any id it is sent,
        # and the schema's PATCH bodies (drf-spectacular sets partial) do not offer one.
        editing = self.instance is not None and not isinstance(self.instance, list | QuerySet)
        if editing or self.partial:
            fields["id"].read_only = True
        return fields

    @property
    def user(self) -> User:
        return cast(User, self.context["request"].user)


# Filters outside these years are typos, and at the calendar's edges a day more (or a UTC
# offset) would overflow datetime.
FILTER_YEARS = range(1900, 2201)


def parse_date_param(request: Request, name: str) -> date | None:
    raw = request.query_params.get(name)
    if not raw:
        return None
    try:
        parsed = date.fromisoformat(raw)
    except ValueError:
        raise ValidationError({name: [_("Enter a date as YYYY-MM-DD.")]}) from None
    if parsed.year not in FILTER_YEARS:
        raise ValidationError({name: [_("Enter a date between 1900 and 2200.")]})
    return parsed


TIME_FILTER_PARAMETERS = [
    OpenApiParameter(
        "from", OpenApiTypes.DATE, description="First local date (in your time zone), inclusive."
    ),
    OpenApiParameter(
        "to", OpenApiTypes.DATE, description="Last local date (in your time zone), inclusive."
    ),
    OpenApiParameter(
        "updated_since",
        OpenApiTypes.DATETIME,
        description="Only rows changed after this instant, deleted ones included (for sync); "
        "ordered by updated_at, oldest first.",
    ),
]


@extend_schema_view(list=extend_schema(parameters=TIME_FILTER_PARAMETERS))
class OwnedReadOnlyViewSet(
    mixins.RetrieveModelMixin, mixins.ListModelMixin, viewsets.GenericViewSet
):
    """Reads of a person's own rows: scoping, local-date filters, sync, ordering."""

    model: type[OwnedModel]
    select_related: tuple[str, ...] = ()
    schema = OwnedResourceSchema()

    @property
    def user(self) -> User:
        return cast(User, self.request.user)

    # --- reads ---

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):  # drf-spectacular inspecting the view
            return self.model.objects.none()
        queryset = self.owned_rows()
        if self.action != "list":
            return queryset.alive()
        return self.filter_list(queryset)

    def owned_rows(self) -> Any:
        """All of the person's rows, deleted ones included, as every response shows them."""
        return self.model.objects.for_user(self.user).select_related(*self.select_related)

    def filter_list(self, queryset: Any) -> Any:
        updated_since = self.updated_since()
        if updated_since is not None:
            queryset = queryset.updated_since(updated_since)
        else:
            queryset = queryset.alive()
        first, last = parse_date_param(self.request, "from"), parse_date_param(self.request, "to")
        if first and last and first > last:
            raise ValidationError({"to": [_("The last date must not be before the first.")]})
        zone = self.user.profile.effective_timezone
        field = self.model.occurred_field
        if first:
            queryset = queryset.filter(**{f"{field}__gte": local_day_bounds(first, zone)})
        if last:
            end = local_day_bounds(last + timedelta(days=1), zone)
            queryset = queryset.filter(**{f"{field}__lt": end})
        return queryset

    def updated_since(self) -> datetime | None:
        raw = self.request.query_params.get("updated_since")
        if not raw:
            return None
        try:
            parsed = parse_datetime(raw.replace(" ", "+"))  # a "+" arrives as a space if unescaped
        except ValueError:
            parsed = None
        if parsed is None or timezone.is_naive(parsed):
            raise ValidationError(
                {"updated_since": [_("Enter an ISO 8601 date and time with a UTC offset.")]}
            )
        if parsed.year not in FILTER_YEARS:
            raise ValidationError({"updated_since": [_("Enter a time between 1900 and 2200.")]})
        return parsed

    def pagination_ordering(self) -> tuple[str, ...]:
        # Sync walks forward through changes; normal lists show the newest first.
        if self.action == "list" and self.request.query_params.get("updated_since"):
            return ("updated_at",)
        return (f"-{self.model.occurred_field}",)


class OwnedViewSet(
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    OwnedReadOnlyViewSet,
):
    """A person's own records, written from their devices (see the module docstring)."""

    permission_classes = [IsAuthenticated, DisclaimerAccepted]
    throttle_classes = [CreateQuotaThrottle]  # creates only
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    # --- writes ---

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        replay = self.find_replay(request)
        if replay is not None:
            return Response(self.get_serializer(replay).data, status=status.HTTP_200_OK)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            with transaction.atomic():
                instance = self.create_object(serializer.validated_data)
        except IntegrityError:
            # Two identical creates raced: the other one stored the row first.
            replay = self.find_replay(request)
            if replay is None:
                raise
            return Response(self.get_serializer(replay).data, status=status.HTTP_200_OK)
        return Response(self.get_serializer(instance).data, status=status.HTTP_201_CREATED)

    def find_replay(self, request: Request) -> Model | None:
        client_id = client_sent_id(request)
        if client_id is None:
            return None
        return replayed_row(self.model, self.owned_rows(), client_id)

    def create_object(self, data: dict[str, Any]) -> OwnedModel:
        raise NotImplementedError

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        instance = self.get_object()
        serializer = self.get_serializer(instance, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            instance = self.update_object(instance, serializer.validated_data)
        return Response(self.get_serializer(instance).data)

    def update_object(self, instance: Any, data: dict[str, Any]) -> OwnedModel:
        raise NotImplementedError

    def perform_destroy(self, instance: OwnedModel) -> None:
        soft_delete(record=instance, now=timezone.now())
