from typing import Any, cast

from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from tracker.api.resources import OwnedReadOnlyViewSet
from tracker.domain.disclaimer import DISCLAIMER
from tracker.domain.safety import MESSAGES, RULE_LABELS, SOURCE
from tracker.models import Alert, User
from tracker.queries.screening import screening_for
from tracker.services.safety import acknowledge_alert


class SourceSerializer(serializers.Serializer):
    """A cited source: article references, alert and screening sources."""

    title = serializers.CharField()
    url = serializers.URLField()


class AlertSerializer(serializers.ModelSerializer):
    message = serializers.SerializerMethodField()
    rule_label = serializers.SerializerMethodField()
    source = serializers.SerializerMethodField()  # type: ignore[assignment]

    class Meta:
        model = Alert
        fields = [
            "id",
            "symptom_entry",
            "rule",
            "rule_label",
            "level",
            "message",
            "source",
            "created_at",
            "acknowledged_at",
            "deleted_at",
        ]
        read_only_fields = fields

    def get_message(self, alert: Alert) -> str:
        return str(MESSAGES[alert.level])

    def get_rule_label(self, alert: Alert) -> str:
        return str(RULE_LABELS.get(alert.rule, alert.rule))

    @extend_schema_field(SourceSerializer)
    def get_source(self, alert: Alert) -> dict[str, str]:
        return {"title": SOURCE[0], "url": SOURCE[1]}


class AlertViewSet(OwnedReadOnlyViewSet):
    """Red-flag messages raised by diary entries, newest first (?updated_since= for sync,
    acknowledgements and retirements included). They are records of what was shown;
    acknowledging one keeps it."""

    model = Alert
    serializer_class = AlertSerializer

    @extend_schema(request=None, responses=AlertSerializer)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        alert = acknowledge_alert(alert=self.get_object(), now=timezone.now())
        return Response(AlertSerializer(alert).data)


class ReasonSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(["risk_factor", "symptom"])
    code = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    source = SourceSerializer()  # type: ignore[assignment]


class ScreeningSerializer(serializers.Serializer):
    talk_to_clinician = serializers.BooleanField()
    message = serializers.CharField()
    reasons = ReasonSerializer(many=True)
    rule = serializers.CharField()
    rule_source = SourceSerializer()
    disclaimer = serializers.CharField()


class ScreeningView(APIView):
    """Your recorded risk factors and recent symptoms, against the published testing rule:
    reasons to talk to your clinician about a B12 test, each with its source. Not a diagnosis."""

    @extend_schema(responses=ScreeningSerializer)
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        result = screening_for(cast(User, request.user), now=timezone.now())
        body = {
            "talk_to_clinician": result.talk_to_clinician,
            "message": result.message,
            "reasons": [
                {
                    "kind": reason.kind,
                    "code": reason.code,
                    "label": reason.label,
                    "source": {"title": reason.source[0], "url": reason.source[1]},
                }
                for reason in result.reasons
            ],
            "rule": "At least one common symptom and at least one risk factor (NICE NG239).",
            "rule_source": {
                "title": "BMJ 2024;385:q1019 (NICE NG239 summary)",
                "url": "https://www.bmj.com/content/385/bmj.q1019",
            },
            "disclaimer": str(DISCLAIMER),
        }
        return Response(body)
