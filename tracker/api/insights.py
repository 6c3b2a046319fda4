"""`dashboard/` and `trends/`: the numbers people watch, computed from their logs on every read
(tracker.queries.dashboard and tracker.queries.trends; nothing is stored as a counter).

Payloads are built as plain dicts (these are the hottest read paths); the serializers below
document them for the schema, and tests check the payloads against them.
"""

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any, cast

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from tracker.api.content import ArticleSummarySerializer, SuggestionSerializer
from tracker.api.resources import parse_date_param
from tracker.api.safety import AlertSerializer, SourceSerializer
from tracker.domain.absorption import ESTIMATE_NOTE, ESTIMATE_SOURCES, DayEstimate
from tracker.domain.adherence import Adherence
from tracker.domain.disclaimer import DISCLAIMER
from tracker.domain.targets import ReferenceIntake
from tracker.domain.units import LAB_TESTS
from tracker.models import SupplementDose, User
from tracker.queries.dashboard import Dashboard, NextInjection, dashboard_for
from tracker.queries.trends import (
    BUCKETS,
    DEFAULT_PERIOD_DAYS,
    MAX_PERIOD_DAYS,
    Bucket,
    Trends,
    trends_for,
)

NO_STORE = "private, no-store"


def _number(**kwargs: Any) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=14, decimal_places=3, coerce_to_string=False, **kwargs
    )


def _percent(**kwargs: Any) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=7, decimal_places=1, coerce_to_string=False, allow_null=True, **kwargs
    )


class TargetSerializer(serializers.Serializer):
    ug_per_day = _number()
    standard = serializers.CharField(help_text="The standard whose value is shown.")
    requested_standard = serializers.CharField()
    life_stage = serializers.CharField()
    source = SourceSerializer()  # type: ignore[assignment]
    fallback_note = serializers.CharField(
        allow_null=True, help_text="Set when your standard has no verified value for your stage."
    )


class DayTotalsSerializer(serializers.Serializer):
    intake_ug = _number(help_text="Everything logged (food and supplements), µg.")
    absorbed_ug = _number(help_text="The absorbed ESTIMATE, µg (see estimate_note).")
    not_estimated_ug = _number(help_text="Nasal sprays: logged, not estimated.")
    pseudo_b12_ug = _number(help_text="Algae 'B12' (mostly inactive): logged, counted 0.")


class AdherenceSerializer(serializers.Serializer):
    scheduled = serializers.IntegerField()
    taken = serializers.IntegerField()
    skipped = serializers.IntegerField()
    missed = serializers.IntegerField()
    percent = _percent(help_text="Taken ÷ scheduled; null when nothing was scheduled.")


def target_payload(target: ReferenceIntake) -> dict[str, Any]:
    return {
        "ug_per_day": target.ug_per_day,
        "standard": target.standard,
        "requested_standard": target.requested_standard,
        "life_stage": target.life_stage,
        "source": {"title": target.source_title, "url": target.source_url},
        "fallback_note": None if target.fallback_note is None else str(target.fallback_note),
    }


def day_payload(day: DayEstimate) -> dict[str, Any]:
    return {
        "intake_ug": day.intake_ug,
        "absorbed_ug": day.absorbed_ug,
        "not_estimated_ug": day.not_estimated_ug,
        "pseudo_b12_ug": day.pseudo_b12_ug,
    }


def adherence_payload(adherence: Adherence) -> dict[str, Any]:
    return {
        "scheduled": adherence.scheduled,
        "taken": adherence.taken,
        "skipped": adherence.skipped,
        "missed": adherence.missed,
        "percent": adherence.percent,
    }


def estimate_payload() -> dict[str, Any]:
    return {
        "estimate_note": str(ESTIMATE_NOTE),
        "estimate_sources": [{"title": t, "url": u} for t, u in ESTIMATE_SOURCES],
        "disclaimer": str(DISCLAIMER),
    }


class EstimateSerializer(serializers.Serializer):
    estimate_note = serializers.CharField()
    estimate_sources = SourceSerializer(many=True)
    disclaimer = serializers.CharField()


# --- dashboard/ ------------------------------------------------------------------------------


class TodaySerializer(DayTotalsSerializer):
    percent_of_target = _percent(help_text="Today's intake against your daily reference intake.")


class WeekDaySerializer(DayTotalsSerializer):
    date = serializers.DateField()


class WeekSerializer(serializers.Serializer):
    intake_daily_avg_ug = _number(help_text="Over all 7 days, days without entries as 0.")
    absorbed_daily_avg_ug = _number()
    days_with_entries = serializers.IntegerField()
    days = WeekDaySerializer(many=True)


class DashboardAdherenceSerializer(serializers.Serializer):
    today = AdherenceSerializer()
    last_7_days = AdherenceSerializer()


class NextInjectionSerializer(serializers.Serializer):
    plan = serializers.UUIDField()
    product = serializers.CharField()
    next_due = serializers.DateField(allow_null=True)
    overdue_days = serializers.IntegerField()
    phase = serializers.CharField()


class MissedDoseSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    supplement = serializers.UUIDField()
    supplement_name = serializers.CharField()
    scheduled_for = serializers.DateTimeField(allow_null=True)
    occurred_at = serializers.DateTimeField()


class DueReminderSerializer(serializers.Serializer):
    notification = serializers.UUIDField()
    kind = serializers.CharField()
    title = serializers.CharField()
    occurrence = serializers.DateTimeField()


class UpcomingReminderSerializer(serializers.Serializer):
    reminder = serializers.UUIDField()
    kind = serializers.CharField()
    fires_at = serializers.DateTimeField()


class DashboardSerializer(EstimateSerializer):
    date = serializers.DateField(help_text="Today in your time zone.")
    timezone = serializers.CharField()
    today = TodaySerializer()
    target = TargetSerializer()
    last_7_days = WeekSerializer()
    adherence = DashboardAdherenceSerializer()
    next_injection = NextInjectionSerializer(allow_null=True, help_text="The soonest due.")
    injection_plans = NextInjectionSerializer(many=True)
    missed_doses = MissedDoseSerializer(many=True, help_text="In the last 7 days.")
    due_reminders = DueReminderSerializer(
        many=True, help_text="Fired in the last 24 hours and not answered yet."
    )
    upcoming_reminders = UpcomingReminderSerializer(many=True, help_text="Still to fire today.")
    alerts = AlertSerializer(many=True, help_text="Open red-flag alerts, newest first.")
    suggested_articles = SuggestionSerializer(many=True)


def injection_plans_payload(items: Iterable[NextInjection]) -> list[dict[str, Any]]:
    return [
        {
            "plan": item.plan.pk,
            "product": item.plan.product,
            "next_due": item.next_due,
            "overdue_days": item.overdue_days,
            "phase": item.phase,
        }
        for item in items
    ]


def missed_doses_payload(doses: Iterable[SupplementDose]) -> list[dict[str, Any]]:
    return [
        {
            "id": dose.pk,
            "supplement": dose.supplement_id,
            "supplement_name": dose.supplement.name,
            "scheduled_for": dose.scheduled_for,
            "occurred_at": dose.occurred_at,
        }
        for dose in doses
    ]


def dashboard_payload(dashboard: Dashboard) -> dict[str, Any]:
    plans = injection_plans_payload(dashboard.next_injections)
    return {
        "date": dashboard.today,
        "timezone": dashboard.tz_name,
        "today": {
            **day_payload(dashboard.day),
            "percent_of_target": dashboard.percent_of_target,
        },
        "target": target_payload(dashboard.target),
        "last_7_days": {
            "intake_daily_avg_ug": dashboard.week_intake_daily_avg_ug,
            "absorbed_daily_avg_ug": dashboard.week_absorbed_daily_avg_ug,
            "days_with_entries": dashboard.days_with_entries,
            "days": [{"date": day, **day_payload(totals)} for day, totals in dashboard.week],
        },
        "adherence": {
            "today": adherence_payload(dashboard.adherence_today),
            "last_7_days": adherence_payload(dashboard.adherence_week),
        },
        "next_injection": plans[0] if plans else None,
        "injection_plans": plans,
        "missed_doses": missed_doses_payload(dashboard.missed_doses),
        "due_reminders": [
            {
                "notification": notification.pk,
                "kind": notification.kind,
                "title": notification.title,
                "occurrence": notification.occurrence,
            }
            for notification in dashboard.open_notifications
        ],
        "upcoming_reminders": [
            {"reminder": reminder.pk, "kind": reminder.kind, "fires_at": reminder.next_fire_at}
            for reminder in dashboard.upcoming_reminders
        ],
        "alerts": AlertSerializer(dashboard.alerts, many=True).data,
        "suggested_articles": [
            {"article": ArticleSummarySerializer(article).data, "because": because}
            for article, because in dashboard.suggestions
        ],
        **estimate_payload(),
    }


class DashboardView(APIView):
    """Today in your time zone: B12 logged (food and supplements), the absorbed ESTIMATE, your
    reference intake and the share of it logged, the last 7 days, the next injection, missed
    doses, open red-flag alerts and suggested reading. Never cached (health data)."""

    @extend_schema(responses=DashboardSerializer)
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        dashboard = dashboard_for(cast(User, request.user), now=timezone.now())
        return Response(dashboard_payload(dashboard), headers={"Cache-Control": NO_STORE})


# --- trends/ ---------------------------------------------------------------------------------


class SymptomBucketSerializer(serializers.Serializer):
    entries = serializers.IntegerField()
    mean_severity = serializers.DecimalField(max_digits=4, decimal_places=2, coerce_to_string=False)
    max_severity = serializers.IntegerField()


class BucketSerializer(DayTotalsSerializer):
    start = serializers.DateField()
    end = serializers.DateField()
    days = serializers.IntegerField()
    intake_daily_avg_ug = _number()
    absorbed_daily_avg_ug = _number()
    target_ug = _number()
    percent_of_target = _percent(help_text="Average daily intake against the reference intake.")
    adherence = AdherenceSerializer()
    injections = serializers.IntegerField()
    symptoms = serializers.DictField(
        child=SymptomBucketSerializer(), help_text="Per symptom code, only those recorded."
    )


class InjectionEventSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    given_at = serializers.DateTimeField()
    dose_ug = _number()
    site = serializers.CharField(allow_blank=True)
    plan = serializers.UUIDField(allow_null=True)
    product = serializers.CharField(allow_blank=True, help_text="The plan's product.")
    due_on = serializers.DateField(allow_null=True, help_text="When the plan had it due.")
    days_late = serializers.IntegerField(allow_null=True, help_text="Negative: early.")


class LabPointSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    sampled_at = serializers.DateTimeField()
    value = serializers.DecimalField(max_digits=16, decimal_places=4, coerce_to_string=False)
    unit = serializers.CharField()
    canonical_value = serializers.DecimalField(
        max_digits=16, decimal_places=4, coerce_to_string=False
    )
    reference_low = serializers.DecimalField(
        max_digits=20, decimal_places=8, coerce_to_string=False, allow_null=True
    )
    reference_high = serializers.DecimalField(
        max_digits=20, decimal_places=8, coerce_to_string=False, allow_null=True
    )
    drawn_after_injection = serializers.BooleanField()


class LabSeriesSerializer(serializers.Serializer):
    label = serializers.CharField()  # type: ignore[assignment]
    canonical_unit = serializers.CharField()
    points = LabPointSerializer(many=True)


class TrendsSerializer(EstimateSerializer):
    from_ = serializers.DateField()
    to = serializers.DateField()
    bucket = serializers.ChoiceField(BUCKETS)
    timezone = serializers.CharField()
    target = TargetSerializer()
    series = BucketSerializer(many=True)
    totals = BucketSerializer()
    injections = InjectionEventSerializer(many=True)
    labs = serializers.DictField(child=LabSeriesSerializer(), help_text="Per test code.")

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        fields["from"] = fields.pop("from_")  # a keyword in Python, a field name in the API
        return fields


def bucket_payload(bucket: Bucket) -> dict[str, Any]:
    return {
        "start": bucket.start,
        "end": bucket.end,
        "days": bucket.days,
        "intake_ug": bucket.intake_ug,
        "absorbed_ug": bucket.absorbed_ug,
        "not_estimated_ug": bucket.not_estimated_ug,
        "pseudo_b12_ug": bucket.pseudo_b12_ug,
        "intake_daily_avg_ug": bucket.intake_daily_avg_ug,
        "absorbed_daily_avg_ug": bucket.absorbed_daily_avg_ug,
        "target_ug": bucket.target_ug,
        "percent_of_target": bucket.percent_of_target,
        "adherence": adherence_payload(bucket.adherence),
        "injections": bucket.injections,
        "symptoms": {
            code: {
                "entries": s.entries,
                "mean_severity": s.mean_severity,
                "max_severity": s.max_severity,
            }
            for code, s in bucket.symptoms.items()
        },
    }


def trends_payload(trends: Trends) -> dict[str, Any]:
    return {
        "from": trends.period.first,
        "to": trends.period.last,
        "bucket": trends.bucket,
        "timezone": trends.period.tz_name,
        "target": target_payload(trends.target),
        "series": [bucket_payload(bucket) for bucket in trends.buckets],
        "totals": bucket_payload(trends.totals),
        "injections": [
            {
                "id": event.id,
                "given_at": event.given_at,
                "dose_ug": event.dose_ug,
                "site": event.site,
                "plan": event.plan_id,
                "product": event.product,
                "due_on": event.due_on,
                "days_late": event.days_late,
            }
            for event in trends.injections
        ],
        "labs": {
            test: {
                "label": str(LAB_TESTS[test].label),
                "canonical_unit": LAB_TESTS[test].canonical_unit,
                "points": [
                    {
                        "id": point.id,
                        "sampled_at": point.sampled_at,
                        "value": point.value,
                        "unit": point.unit,
                        "canonical_value": point.canonical_value,
                        "reference_low": point.reference_low,
                        "reference_high": point.reference_high,
                        "drawn_after_injection": point.drawn_after_injection,
                    }
                    for point in points
                ],
            }
            for test, points in trends.labs.items()
        },
        **estimate_payload(),
    }


# `?from=&to=` as period_from_request reads them (trends/ and me/report/).
PERIOD_PARAMETERS = [
    OpenApiParameter(
        "from", OpenApiTypes.DATE, description="First local date; default: 30 days before `to`."
    ),
    OpenApiParameter("to", OpenApiTypes.DATE, description="Last local date; default: today."),
]


def period_from_request(request: Request, today: date) -> tuple[date, date]:
    """``?from=&to=`` as local dates: defaults to the last 30 days; at most MAX_PERIOD_DAYS."""
    last = parse_date_param(request, "to") or today
    first = parse_date_param(request, "from") or last - timedelta(days=DEFAULT_PERIOD_DAYS - 1)
    if first > last:
        raise ValidationError({"from": [_("The first date must not be after the last.")]})
    if (last - first).days + 1 > MAX_PERIOD_DAYS:
        raise ValidationError(
            {"from": [_("Choose at most %(days)d days.") % {"days": MAX_PERIOD_DAYS}]}
        )
    return first, last


class TrendsView(APIView):
    """Your logs over a period, by day, ISO week (Monday first) or calendar month in your time
    zone: B12 logged and the absorbed ESTIMATE (totals and daily averages), your reference
    intake, adherence to scheduled doses, injections (with how they kept to the plan), symptom
    severities per symptom and lab values in one unit per test with the lab's own range."""

    @extend_schema(
        parameters=[
            *PERIOD_PARAMETERS,
            OpenApiParameter("bucket", str, enum=list(BUCKETS), description="Default: day."),
        ],
        responses=TrendsSerializer,
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        user = cast(User, request.user)
        today = user.profile.today(timezone.now())
        first, last = period_from_request(request, today)
        bucket = request.query_params.get("bucket") or "day"
        if bucket not in BUCKETS:
            raise ValidationError({"bucket": [_("Choose day, week or month.")]})
        trends = trends_for(user, first=first, last=last, bucket=bucket, today=today)  # type: ignore[arg-type]
        return Response(trends_payload(trends), headers={"Cache-Control": NO_STORE})
