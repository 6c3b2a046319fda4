"""`reminders/` (rules, `snooze`) and `notifications/` (the inbox, `read`, `act`)."""

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from tracker.api.fields import JsonTypesMixin
from tracker.api.records import UserScopedPrimaryKeyField
from tracker.api.resources import OwnedReadOnlyViewSet, OwnedSerializer, OwnedViewSet
from tracker.domain.channels import CHANNELS
from tracker.domain.reminders import ReminderRule, parse_times
from tracker.models import (
    InjectionPlan,
    Notification,
    NotificationAction,
    Reminder,
    ReminderKind,
    Supplement,
)
from tracker.services import notifications, reminders

MAX_SNOOZE_MINUTES = 240
MAX_HEADS_UP_DAYS = 30


class ReminderSerializer(OwnedSerializer):
    supplement = UserScopedPrimaryKeyField(Supplement, required=False, allow_null=True)
    injection_plan = UserScopedPrimaryKeyField(InjectionPlan, required=False, allow_null=True)
    times = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text='Local wall-clock times, "HH:MM" (24-hour). Injection and lab reminders '
        "default to 09:00.",
    )
    weekdays = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=7),
        required=False,
        help_text="ISO weekdays (Monday 1 … Sunday 7); empty: every day.",
    )
    every_n_days = serializers.IntegerField(
        min_value=1, max_value=366, required=False, allow_null=True
    )
    heads_up_days = serializers.IntegerField(
        min_value=0, max_value=MAX_HEADS_UP_DAYS, required=False
    )
    overdue_repeat_days = serializers.IntegerField(min_value=1, max_value=30, required=False)
    channels = serializers.ListField(
        child=serializers.ChoiceField(list(CHANNELS)),
        required=False,
        help_text="Where it is sent besides the in-app inbox; empty: your profile's channels.",
    )
    # Null when nothing is scheduled (inactive, or a one-off past its date) or not snoozed.
    next_fire_at = serializers.DateTimeField(read_only=True, allow_null=True)
    next_occurrence_at = serializers.DateTimeField(read_only=True, allow_null=True)
    snoozed_until = serializers.DateTimeField(read_only=True, allow_null=True)

    class Meta:
        model = Reminder
        fields = [
            *OwnedSerializer.BOOKKEEPING,
            "kind",
            "supplement",
            "injection_plan",
            "times",
            "weekdays",
            "every_n_days",
            "start_date",
            "heads_up_days",
            "overdue_repeat_days",
            "channels",
            "active",
            "next_occurrence_at",
            "next_fire_at",
            "snoozed_until",
        ]

    def validate_times(self, value: list[str]) -> list[str]:
        try:
            return [moment.strftime("%H:%M") for moment in parse_times(value)]
        except ValueError as exc:
            raise serializers.ValidationError(str(exc)) from None

    def validate_weekdays(self, value: list[int]) -> list[int]:
        if len(set(value)) != len(value):
            raise serializers.ValidationError(_("Each weekday may be listed once."))
        return sorted(value)

    def validate_channels(self, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise serializers.ValidationError(_("Each channel may be listed once."))
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        merged = {
            field: attrs.get(field, getattr(self.instance, field, None))
            for field in (
                "kind",
                "supplement",
                "injection_plan",
                "times",
                "weekdays",
                "every_n_days",
                "start_date",
            )
        }
        kind = merged["kind"]
        if self.instance is not None and "kind" in attrs and attrs["kind"] != self.instance.kind:
            raise serializers.ValidationError(
                {"kind": [_("The kind of a reminder cannot change.")]}
            )
        if kind == ReminderKind.SUPPLEMENT and merged["supplement"] is None:
            raise serializers.ValidationError({"supplement": [_("Choose the supplement.")]})
        if kind == ReminderKind.INJECTION and merged["injection_plan"] is None:
            raise serializers.ValidationError({"injection_plan": [_("Choose the injection plan.")]})
        if kind != ReminderKind.SUPPLEMENT and attrs.get("supplement"):
            raise serializers.ValidationError(
                {"supplement": [_("Only supplement reminders have a supplement.")]}
            )
        if kind != ReminderKind.INJECTION and attrs.get("injection_plan"):
            raise serializers.ValidationError(
                {"injection_plan": [_("Only injection reminders have a plan.")]}
            )
        if kind in (ReminderKind.SUPPLEMENT, ReminderKind.DIARY):
            if not merged["times"]:
                raise serializers.ValidationError({"times": [_("Give at least one time.")]})
            if merged["every_n_days"] and merged["start_date"] is None:
                # Counted from the first day in the person's own calendar.
                attrs["start_date"] = self.user.profile.today(timezone.now())
                merged["start_date"] = attrs["start_date"]
            try:
                ReminderRule(
                    times=parse_times(merged["times"]),
                    weekdays=frozenset(merged["weekdays"] or ()),
                    every_n_days=merged["every_n_days"],
                    start_date=merged["start_date"],
                )
            except ValueError as exc:
                raise serializers.ValidationError({"non_field_errors": [str(exc)]}) from None
        if kind == ReminderKind.LAB and merged["start_date"] is None:
            raise serializers.ValidationError(
                {"start_date": [_("Give the date of the planned blood test.")]}
            )
        return attrs


def _client_id(data: dict[str, Any]) -> Any:
    return data.pop("id", None)


class SnoozeSerializer(JsonTypesMixin, serializers.Serializer):
    minutes = serializers.IntegerField(min_value=1, max_value=MAX_SNOOZE_MINUTES, default=10)


class ReminderViewSet(OwnedViewSet):
    """Reminders at local times (supplement, diary), from an injection plan's next due date
    (heads-up, on the day, then while overdue) or on a lab re-check date. Fire times follow
    your time zone (a pinned home zone wins) and wait out your quiet hours."""

    model = Reminder
    serializer_class = ReminderSerializer
    select_related = ("supplement", "injection_plan")

    def create_object(self, data: dict[str, Any]) -> Reminder:
        return reminders.create_reminder(
            user=self.user, now=timezone.now(), client_id=_client_id(data), **data
        )

    def update_object(self, instance: Reminder, data: dict[str, Any]) -> Reminder:
        return reminders.update_reminder(reminder=instance, changes=data, now=timezone.now())

    @extend_schema(request=SnoozeSerializer, responses=ReminderSerializer)
    @action(detail=True, methods=["post"])
    def snooze(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Fire again in `minutes` (default 10): the notification it just sent, if you have not
        answered it, otherwise its next occurrence."""
        reminder = self.get_object()
        body = SnoozeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        reminders.snooze_reminder(
            reminder=reminder, minutes=body.validated_data["minutes"], now=timezone.now()
        )
        reminder.refresh_from_db()
        return Response(ReminderSerializer(reminder, context=self.get_serializer_context()).data)


class NotificationSerializer(serializers.ModelSerializer):
    # "" until answered: declared so that the schema's enum includes the blank.
    action = serializers.ChoiceField(NotificationAction.choices, allow_blank=True, read_only=True)

    class Meta:
        model = Notification
        fields = [
            "id",
            "reminder",
            "kind",
            "occurrence",
            "title",
            "body",
            "channels",
            "read_at",
            "acted_at",
            "action",
            "refire_at",
            "dose",
            "patient",
            "created_at",
            "updated_at",
            "deleted_at",
        ]
        read_only_fields = fields


class ActSerializer(JsonTypesMixin, serializers.Serializer):
    action = serializers.ChoiceField(["taken", "skipped", "snooze"])
    minutes = serializers.IntegerField(
        min_value=1,
        max_value=MAX_SNOOZE_MINUTES,
        required=False,
        help_text="For snooze: fire again after this many minutes (default 10).",
    )


class InjectionDraftSerializer(serializers.Serializer):
    plan = serializers.UUIDField(allow_null=True)
    given_at = serializers.DateTimeField()
    dose_ug = serializers.DecimalField(max_digits=12, decimal_places=3, allow_null=True)


class ActResponseSerializer(serializers.Serializer):
    notification = NotificationSerializer()
    dose = serializers.UUIDField(allow_null=True, help_text="The supplement dose recorded.")
    injection_draft = InjectionDraftSerializer(
        allow_null=True,
        help_text="Injection reminders: the record to complete and POST to injections/.",
    )


class NotificationViewSet(OwnedReadOnlyViewSet):
    """Your inbox: every notification a reminder made (and caregiver alerts), newest first."""

    model = Notification
    serializer_class = NotificationSerializer

    @extend_schema(request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        notification = notifications.mark_read(notification=self.get_object(), now=timezone.now())
        return Response(NotificationSerializer(notification).data)

    @extend_schema(request=ActSerializer, responses=ActResponseSerializer)
    @action(detail=True, methods=["post"])
    def act(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """`taken` records the dose (or gives the injection record to complete), `skipped`
        records a skipped dose, `snooze` sends it again after `minutes`. Answering again with
        the same action changes nothing."""
        notification = self.get_object()
        body = ActSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        refusal = notifications.refused_action(
            notification=notification, action=body.validated_data["action"]
        )
        if refusal:
            raise serializers.ValidationError({"action": [refusal]})
        result = notifications.act_on_notification(
            notification=notification,
            action=body.validated_data["action"],
            minutes=body.validated_data.get("minutes"),
            now=timezone.now(),
        )
        return Response(
            {
                "notification": NotificationSerializer(result.notification).data,
                "dose": result.dose.pk if result.dose else None,
                "injection_draft": result.injection_draft,
            }
        )
