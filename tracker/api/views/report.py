from typing import Any, cast

from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from tracker.api.insights import NO_STORE, PERIOD_PARAMETERS, period_from_request
from tracker.api.negotiation import DownloadNegotiation
from tracker.api.serializers import DetailSerializer
from tracker.api.throttles import DownloadQuotaThrottle
from tracker.models import User
from tracker.reports import render_report_pdf

PDF = "application/pdf"


class ReportView(APIView):
    """A PDF of the signed-in person's logs over a period, to bring to a clinician: profile,
    B12 logged and the absorbed estimate against the reference intake, adherence to scheduled
    doses, injections against their plan, the symptom diary and lab results (with the lab's own
    range), with the estimate's sources and the disclaimer. Charts are by day up to 62 days, by
    week up to 366 and by month beyond."""

    content_negotiation_class = DownloadNegotiation
    http_method_names = ["get", "head", "options"]
    throttle_classes = [DownloadQuotaThrottle]

    @extend_schema(
        operation_id="me_report",
        parameters=PERIOD_PARAMETERS,
        responses={
            (200, PDF): OpenApiResponse(
                OpenApiTypes.BINARY,
                description="An A4 PDF, as a download (Content-Disposition: attachment).",
            ),
            (400, "application/json"): OpenApiResponse(
                OpenApiTypes.OBJECT, description='Field → messages, e.g. {"from": ["…"]}.'
            ),
            (401, "application/json"): DetailSerializer,
        },
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> HttpResponse:
        user = cast(User, request.user)  # IsAuthenticated ran first
        today = user.profile.today(timezone.now())
        first, last = period_from_request(request, today)
        pdf = render_report_pdf(user=user, first=first, last=last, today=today)
        response = HttpResponse(pdf, content_type=PDF)
        response["Content-Disposition"] = (
            f'attachment; filename="b12-report-{first.isoformat()}-{last.isoformat()}.pdf"'
        )
        response["Cache-Control"] = NO_STORE
        return response

    def handle_exception(self, exc: Exception) -> Response:
        response = super().handle_exception(exc)
        # Health data: never kept by a shared cache or the browser's, errors included.
        response["Cache-Control"] = NO_STORE
        return response
