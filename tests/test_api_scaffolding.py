import json
from io import StringIO

import pytest
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.management import call_command
from openapi_spec_validator import validate
from rest_framework.generics import ListAPIView
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.serializers import ModelSerializer
from rest_framework.test import APIRequestFactory

from tests.factories import make_user
from tracker.api.exceptions import exception_handler
from tracker.api.pagination import TimeCursorPagination
from tracker.models import Profile

pytestmark = pytest.mark.django_db


def test_schema_generates_without_warnings_and_validates_as_openapi_3(tmp_path):
    out = tmp_path / "schema.json"
    stderr = StringIO()
    # --fail-on-warn turns any drf-spectacular warning or error into a failure.
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--format", "openapi-json",
        "--file", str(out), stderr=stderr,
    )  # fmt: skip
    schema = json.loads(out.read_text())
    validate(schema)
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/auth/token/" in schema["paths"]
    assert "/api/v1/me/" in schema["paths"]
    assert schema["components"]["securitySchemes"]["jwtAuth"]["scheme"] == "bearer"
    assert {"jwtAuth": []} in schema["paths"]["/api/v1/me/"]["get"]["security"]
    assert stderr.getvalue() == ""


def test_schema_is_served_as_json_and_docs_as_html(client):
    schema = client.get("/api/schema/?format=json")
    assert schema.status_code == 200
    validate(schema.json())

    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert b"swagger-ui" in docs.content
    # Self-hosted assets: the docs work with no internet access.
    assert b"/static/drf_spectacular_sidecar/swagger-ui-dist/" in docs.content
    assert b"cdn.jsdelivr.net" not in docs.content


def test_meta_reports_versions_without_authentication(api_client, settings):
    settings.MINIMUM_APP_VERSION = "2.3.0"
    response = api_client.get("/api/v1/meta/")
    assert response.status_code == 200
    assert response.json() == {"api_version": "1.0", "minimum_app_version": "2.3.0"}


def test_unknown_api_version_is_404(api_client):
    assert api_client.get("/api/v2/meta/").status_code == 404


def test_errors_use_drf_shape_for_django_validation_errors():
    field_error = exception_handler(DjangoValidationError({"timezone": ["Not a zone."]}), {})
    plain_error = exception_handler(DjangoValidationError("Something is off."), {})

    assert field_error is not None and plain_error is not None
    assert field_error.status_code == plain_error.status_code == 400
    assert field_error.data == {"timezone": ["Not a zone."]}
    assert plain_error.data == {"non_field_errors": ["Something is off."]}


class _ProfileSerializer(ModelSerializer):
    class Meta:
        model = Profile
        fields = ["timezone", "created_at"]


class _ProfileList(ListAPIView):
    permission_classes = [AllowAny]
    serializer_class = _ProfileSerializer
    queryset = Profile.objects.all()


def test_cursor_pagination_is_the_default_and_caps_page_size(settings):
    for _ in range(5):
        make_user()
    view = _ProfileList.as_view()
    factory = APIRequestFactory()

    first = view(factory.get("/x", {"page_size": 2}))
    assert first.data["previous"] is None
    assert len(first.data["results"]) == 2
    second = view(factory.get(first.data["next"]))
    assert len(second.data["results"]) == 2
    assert {r["created_at"] for r in first.data["results"]}.isdisjoint(
        r["created_at"] for r in second.data["results"]
    )

    assert isinstance(_ProfileList().paginator, TimeCursorPagination)
    huge = view(factory.get("/x", {"page_size": 10_000}))
    assert len(huge.data["results"]) == 5
    capped = TimeCursorPagination().get_page_size(Request(factory.get("/x", {"page_size": 10_000})))
    assert capped == TimeCursorPagination.max_page_size
