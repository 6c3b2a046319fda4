import json
from datetime import date
from typing import Any, cast

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from tracker.api.negotiation import DownloadNegotiation
from tracker.api.serializers import DetailSerializer
from tracker.api.throttles import DownloadQuotaThrottle
from tracker.domain.disclaimer import DISCLAIMER
from tracker.exports import FHIR_MEDIA_TYPE, build_bundle, build_csv_zip, collect_tables
from tracker.models import User

FORMATS = ("json", "csv", "fhir")


class ExportView(APIView):
    """All of the signed-in person's data, as a download.

    ``json`` (default) and ``csv`` hold every stored row, deleted ones included with their
    ``deleted_at``; ``fhir`` is a FHIR R4 Bundle of the clinical records for a clinician's
    system, without deleted rows.
    """

    content_negotiation_class = DownloadNegotiation
    http_method_names = ["get", "head", "options"]
    throttle_classes = [DownloadQuotaThrottle]

    @extend_schema(
        operation_id="me_export",
        parameters=[
            OpenApiParameter(
                "format",
                OpenApiTypes.STR,
                OpenApiParameter.QUERY,
                enum=list(FORMATS),
                default="json",
                description="json: every table as JSON; csv: a ZIP with one CSV per table and "
                "a README; fhir: a FHIR R4 Bundle (collection) of the clinical records.",
            )
        ],
        responses={
            # One description per status code in OpenAPI: the three bodies share it.
            (200, "application/json"): OpenApiResponse(
                OpenApiTypes.OBJECT,
                description="A download (Content-Disposition: attachment). json: "
                '{"exported_at", "disclaimer", "tables": {name: [rows]}}; csv: a ZIP; '
                "fhir: a FHIR R4 Bundle.",
            ),
            (200, "application/zip"): OpenApiResponse(OpenApiTypes.BINARY),
            (200, FHIR_MEDIA_TYPE): OpenApiResponse(OpenApiTypes.OBJECT),
            (400, "application/json"): OpenApiResponse(
                OpenApiTypes.OBJECT, description='{"format": ["…"]}'
            ),
            (401, "application/json"): DetailSerializer,
        },
    )
    def get(self, request: Request, *args: object, **kwargs: object) -> HttpResponse:
        export_format = request.query_params.get("format", "json")
        if export_format not in FORMATS:
            raise ValidationError(
                {"format": [_("Choose one of: json, csv, fhir.")]}, code="invalid_choice"
            )
        user = cast(User, request.user)  # IsAuthenticated ran first
        profile = user.profile
        now = timezone.now()
        today = profile.today(now)
        if export_format == "csv":
            body = build_csv_zip(collect_tables(user), exported_at=now, disclaimer=str(DISCLAIMER))
            return _download(body, "application/zip", today, "zip")
        if export_format == "fhir":
            bundle = build_bundle(user=user, profile=profile, now=now)
            return _download(
                _json_bytes(bundle), f"{FHIR_MEDIA_TYPE}; charset=utf-8", today, "fhir.json"
            )
        payload = {
            "exported_at": now.isoformat(),
            "disclaimer": str(DISCLAIMER),
            "tables": {table.name: table.rows for table in collect_tables(user)},
        }
        return _download(_json_bytes(payload), "application/json; charset=utf-8", today, "json")

    def finalize_response(
        self, request: Request, response: Any, *args: Any, **kwargs: Any
    ) -> Response:
        # The downloads are plain HttpResponses (no renderer); errors are DRF Responses.
        finalized = super().finalize_response(request, response, *args, **kwargs)
        # Health data: never kept by a shared cache or the browser's, errors included.
        finalized["Cache-Control"] = "private, no-store"
        return finalized


def _json_bytes(data: object) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


def _download(body: bytes, content_type: str, today: date, extension: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = (
        f'attachment; filename="b12-export-{today.isoformat()}.{extension}"'
    )
    return response
