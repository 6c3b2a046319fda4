"""`care/patients/{id}/summary/`: the caregiver site's summary as JSON, for caregivers on the
mobile app (tracker.queries.care_summary; the same numbers as the patient's dashboard).

Found only through ``visible_patients`` on every request: without an active, unexpired
view_summary link the answer is 404, never 403, so the response never tells whether the person
exists. Each read writes one AccessLog row (channel "api"); a refused read writes none.
"""

from typing import Any, cast
from uuid import UUID

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from tracker.api.insights import (
    NO_STORE,
    AdherenceSerializer,
    BucketSerializer,
    EstimateSerializer,
    MissedDoseSerializer,
    NextInjectionSerializer,
    TargetSerializer,
    TodaySerializer,
    adherence_payload,
    bucket_payload,
    day_payload,
    estimate_payload,
    injection_plans_payload,
    missed_doses_payload,
    target_payload,
)
from tracker.models import AccessChannel, User
from tracker.queries.care import visible_patients
from tracker.queries.care_summary import CareSummary, summary_for
from tracker.services.audit import record_access


class CareSummaryPatientSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    email = serializers.EmailField()


class CareSummaryAdherenceSerializer(serializers.Serializer):
    last_7_days = AdherenceSerializer()
    last_30_days = AdherenceSerializer()


class CareSummaryAlertSerializer(serializers.Serializer):
    rule = serializers.CharField()
    rule_label = serializers.CharField()
    level = serializers.ChoiceField(["prompt", "urgent"])
    message = serializers.CharField(help_text="The advice the patient was shown.")
    created_at = serializers.DateTimeField()


class CareSummarySerializer(EstimateSerializer):
    patient = CareSummaryPatientSerializer()
    date = serializers.DateField(help_text="Today in the patient's time zone.")
    timezone = serializers.CharField(help_text="The patient's time zone.")
    today = TodaySerializer()
    target = TargetSerializer()
    last_intake_at = serializers.DateTimeField(
        allow_null=True, help_text="Latest food, supplement dose taken or injection logged."
    )
    adherence = CareSummaryAdherenceSerializer()
    next_injection = NextInjectionSerializer(allow_null=True, help_text="The soonest due.")
    injection_plans = NextInjectionSerializer(many=True)
    missed_doses = MissedDoseSerializer(many=True, help_text="In the last 7 days.")
    alerts = CareSummaryAlertSerializer(many=True, help_text="Open red-flag alerts, newest first.")
    last_30_days = BucketSerializer(many=True, help_text="One bucket per local day, oldest first.")


def care_summary_payload(summary: CareSummary) -> dict[str, Any]:
    plans = injection_plans_payload(summary.next_injections)
    return {
        "patient": {"id": summary.patient.pk, "email": summary.patient.email},
        "date": summary.today,
        "timezone": summary.tz_name,
        "today": {**day_payload(summary.day), "percent_of_target": summary.percent_of_target},
        "target": target_payload(summary.target),
        "last_intake_at": summary.last_intake_at,
        "adherence": {
            "last_7_days": adherence_payload(summary.adherence_7_days),
            "last_30_days": adherence_payload(summary.adherence_30_days),
        },
        "next_injection": plans[0] if plans else None,
        "injection_plans": plans,
        "missed_doses": missed_doses_payload(summary.missed_doses),
        "alerts": [
            {
                "rule": alert.rule,
                "rule_label": alert.label,
                "level": alert.level,
                "message": alert.message,
                "created_at": alert.created_at,
            }
            for alert in summary.alerts
        ],
        "last_30_days": [bucket_payload(bucket) for bucket in summary.trends.buckets],
        **estimate_payload(),
    }


class CareSummaryView(APIView):
    """The summary a patient shares with you: scheduled doses taken (7 and 30 days), the last
    logged intake, today's B12 and absorbed ESTIMATE against their reference intake, the next
    injection or how overdue it is, missed doses, open red-flag alerts and the last 30 days by
    day. 404 unless your link to this person is active, unexpired and includes the summary."""

    @extend_schema(
        operation_id="care_patient_summary",
        parameters=[
            OpenApiParameter("patient_id", OpenApiTypes.UUID, OpenApiParameter.PATH),
        ],
        responses={
            200: CareSummarySerializer,
            404: OpenApiResponse(description="No active link with view_summary to this id."),
        },
    )
    def get(self, request: Request, patient_id: UUID, *args: Any, **kwargs: Any) -> Response:
        now = timezone.now()
        caregiver = cast(User, request.user)
        patient = visible_patients(caregiver, now=now).filter(pk=patient_id).first()
        if patient is None:
            raise NotFound
        payload = care_summary_payload(summary_for(patient, now=now))
        record_access(
            actor=caregiver,
            patient=patient,
            what="summary",
            channel=AccessChannel.API.value,
            now=now,
        )
        return Response(payload, headers={"Cache-Control": NO_STORE})
