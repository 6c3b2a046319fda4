"""Resource limits (OWASP API4): bounded pages, bodies refused before they are read, form
fields counted, and per-person quotas on creates, invitations and downloads, shared between the
API and the web pages and, on Redis, between processes."""

import io
import json
import os
import subprocess
import sys
from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from rest_framework.throttling import ScopedRateThrottle

from tests.conftest import client_for, requires_redis_cache
from tests.records import RESOURCES
from tracker.api.pagination import MAX_PAGE_SIZE, TimeCursorPagination
from tracker.api.throttles import (
    CreateQuotaThrottle,
    DownloadQuotaThrottle,
    InvitationQuotaThrottle,
    QuotaThrottle,
    quota_limited,
    take_quota,
)
from tracker.middleware import RequestSizeLimitMiddleware
from tracker.models import CareLink, Reminder, SymptomEntry

pytestmark = pytest.mark.django_db

SYMPTOMS = "/api/v1/symptom-entries/"
INVITATIONS = "/api/v1/care/invitations/"


def _symptom() -> dict[str, object]:
    return {"symptom": "tiredness", "severity": 3, "recorded_at": timezone.now().isoformat()}


@pytest.fixture
def rates(monkeypatch):  # type: ignore[no-untyped-def]
    """Small quotas for a test (the class attribute is read when a throttle is made)."""

    def set_rates(**rates: str) -> None:
        for throttle in (CreateQuotaThrottle, InvitationQuotaThrottle, DownloadQuotaThrottle):
            monkeypatch.setattr(throttle, "THROTTLE_RATES", {**throttle.THROTTLE_RATES, **rates})

    return set_rates


# --- page size ---


def test_a_page_never_holds_more_than_the_maximum(user, auth_client):
    now = timezone.now()
    SymptomEntry.objects.bulk_create(
        SymptomEntry(
            owner=user, symptom="tiredness", severity=2, recorded_at=now - timedelta(minutes=i)
        )
        for i in range(MAX_PAGE_SIZE + 5)
    )

    body = auth_client.get(SYMPTOMS, {"page_size": 100_000}).json()

    assert len(body["results"]) == MAX_PAGE_SIZE == 200
    assert body["next"]
    rest = auth_client.get(body["next"]).json()
    assert len(rest["results"]) == 5
    assert len(auth_client.get(SYMPTOMS).json()["results"]) == TimeCursorPagination.page_size


@pytest.mark.parametrize("page_size", ["0", "-3", "ten", "2.5"])
def test_a_page_size_that_is_not_a_positive_whole_number_is_a_400(auth_client, page_size):
    response = auth_client.get(SYMPTOMS, {"page_size": page_size})

    assert response.status_code == 400
    assert response.json() == {"page_size": ["Enter a whole number from 1 to 200."]}


def test_the_schema_documents_the_page_size_bound():
    parameter = next(
        p
        for p in TimeCursorPagination().get_schema_operation_parameters(None)
        if p["name"] == "page_size"
    )
    assert "1 to 200" in parameter["description"]
    assert parameter["schema"]["minimum"] == 1


# --- request bodies ---


def test_an_api_body_over_the_limit_is_a_413_in_json_and_stores_nothing(user, auth_client):
    body = json.dumps({**_symptom(), "note": "x" * settings.API_MAX_BODY_BYTES})

    response = auth_client.generic("POST", SYMPTOMS, body, content_type="application/json")

    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "detail": "The request is too large: at most 64 KiB may be sent at once."
    }
    assert not SymptomEntry.objects.exists()


def test_a_body_within_the_limit_reaches_the_view(user, auth_client):
    # A note longer than the field allows, yet inside the byte limit: the serializer's 400.
    body = json.dumps({**_symptom(), "note": "x" * 5000})
    assert len(body) < settings.API_MAX_BODY_BYTES

    response = auth_client.generic("POST", SYMPTOMS, body, content_type="application/json")

    assert response.status_code == 400
    assert "note" in response.json()


def test_the_size_is_refused_by_the_declared_length_without_reading_the_body():
    class Unreadable(io.RawIOBase):
        def read(self, *args: object) -> bytes:
            raise AssertionError("the body was read")

    request = RequestFactory().post(SYMPTOMS, data=b"", content_type="application/json")
    request.META["CONTENT_LENGTH"] = str(settings.API_MAX_BODY_BYTES + 1)
    request.META["wsgi.input"] = Unreadable()
    middleware = RequestSizeLimitMiddleware(lambda request: HttpResponse("view reached"))

    response = middleware(request)

    assert response.status_code == 413


def test_a_web_form_over_the_limit_is_a_413_page(client):
    response = client.post(
        "/accounts/login/", {"username": "x" * settings.MAX_REQUEST_BODY_BYTES, "password": "p"}
    )

    assert response.status_code == 413
    assert response["Content-Type"].startswith("text/html")
    assert b"The request is too large: at most 1024 KiB may be sent at once." in response.content
    assert b'href="/"' in response.content


def test_a_body_without_a_declared_length_is_a_411(auth_client):
    response = auth_client.generic(
        "POST",
        SYMPTOMS,
        b"",
        content_type="application/json",
        HTTP_TRANSFER_ENCODING="chunked",
    )

    assert response.status_code == 411
    assert response.json()["detail"] == "Send the request with a Content-Length header."


def test_a_form_with_too_many_fields_is_a_400_page(client):
    fields = {f"field{i}": "1" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}

    response = Client(raise_request_exception=False).post("/accounts/login/", fields)

    assert response.status_code == 400
    assert b"nothing was saved" in response.content


# --- quotas on creates ---


def test_creates_beyond_the_quota_are_a_429_with_retry_after_and_store_nothing(
    user, auth_client, rates
):
    rates(create="3/hour")
    statuses = [auth_client.post(SYMPTOMS, _symptom()).status_code for _ in range(4)]

    assert statuses == [201, 201, 201, 429]
    refused = auth_client.post(SYMPTOMS, _symptom())
    assert refused.status_code == 429
    assert 3500 <= int(refused["Retry-After"]) <= 3600
    assert SymptomEntry.objects.count() == 3


def test_the_create_quota_is_one_per_person_across_resources(user, other_user, rates):
    rates(create="2/hour")
    alice, bob = client_for(user), client_for(other_user)
    food_intake = RESOURCES["food-intakes"]

    assert alice.post(SYMPTOMS, _symptom()).status_code == 201
    assert alice.post(food_intake.url, food_intake.payload(user)).status_code == 201
    assert alice.post(SYMPTOMS, _symptom()).status_code == 429
    assert alice.post(food_intake.url, food_intake.payload(user)).status_code == 429
    # Someone else's quota is their own.
    assert bob.post(SYMPTOMS, _symptom()).status_code == 201


def test_reads_edits_and_other_actions_do_not_use_the_create_quota(user, auth_client, rates):
    rates(create="1/hour")
    created = auth_client.post(SYMPTOMS, _symptom()).json()
    url = f"{SYMPTOMS}{created['id']}/"

    for _ in range(3):
        assert auth_client.get(SYMPTOMS).status_code == 200
        assert auth_client.get(url).status_code == 200
        assert auth_client.patch(url, {"severity": 4}).status_code == 200
    assert auth_client.post(SYMPTOMS, _symptom()).status_code == 429


@pytest.mark.parametrize("name", sorted(RESOURCES))
def test_every_owned_resource_counts_its_creates(name, user, auth_client, rates):
    rates(create="1/hour")
    spec = RESOURCES[name]

    assert auth_client.post(spec.url, spec.payload(user)).status_code == 201
    assert auth_client.post(spec.url, spec.payload(user)).status_code == 429


def _api_routes_that_create() -> list[tuple[str, object]]:
    found: list[tuple[str, object]] = []

    def walk(patterns: list, prefix: str) -> None:  # type: ignore[type-arg]
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                view = pattern.callback
                cls = getattr(view, "cls", None)
                actions = getattr(view, "actions", None)
                if cls is None:
                    continue
                # A viewset route's actions map methods to actions; "snooze", "revoke" and
                # the like change what exists and create nothing.
                creates = actions.get("post") == "create" if actions else hasattr(cls, "post")
                if creates:
                    found.append((prefix + str(pattern.pattern), view))

    walk(get_resolver().url_patterns, "")
    return [(route, view) for route, view in found if route.startswith("^api/")]


def test_every_api_route_that_creates_has_a_quota_or_a_throttle():
    routes = _api_routes_that_create()
    assert len(routes) > 15

    unguarded = [
        route
        for route, view in routes
        if not any(
            issubclass(throttle, QuotaThrottle | ScopedRateThrottle)
            for throttle in view.cls.throttle_classes  # type: ignore[attr-defined]
        )
    ]
    assert unguarded == []


def test_devices_custom_foods_and_accepting_invitations_count_as_creates():
    from tracker.api.care import CareAcceptView, CareInvitationView
    from tracker.api.devices import DeviceViewSet
    from tracker.api.views.export import ExportView
    from tracker.api.views.foods import FoodViewSet
    from tracker.api.views.report import ReportView

    for view in (DeviceViewSet, FoodViewSet, CareAcceptView):
        assert CreateQuotaThrottle in view.throttle_classes, view
    assert CareInvitationView.throttle_classes == [InvitationQuotaThrottle]
    assert ExportView.throttle_classes == ReportView.throttle_classes == [DownloadQuotaThrottle]


def test_device_registrations_beyond_the_quota_are_refused(user, auth_client, rates):
    rates(create="2/hour")
    statuses = [
        auth_client.post(
            "/api/v1/devices/", {"type": "fcm", "registration_id": f"fcm-token-{i}"}
        ).status_code
        for i in range(3)
    ]
    assert statuses == [201, 201, 429]


def test_the_default_rates_leave_room_for_real_use():
    rates: Any = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]  # type: ignore[index]
    create = CreateQuotaThrottle().parse_rate(rates["create"])
    invitation = InvitationQuotaThrottle().parse_rate(rates["invitation"])
    assert create == (600, 3600)
    assert invitation == (20, 86400)


# --- invitations: each one sends an email ---


def test_invitations_beyond_the_quota_are_refused_and_send_no_email(
    user, rates, django_capture_on_commit_callbacks, mailoutbox
):
    rates(invitation="2/day")
    client = client_for(user)
    statuses = []
    for i in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                INVITATIONS, {"email": f"carer{i}@example.org", "permissions": ["view_summary"]}
            )
        statuses.append(response.status_code)

    assert statuses == [201, 201, 429]
    assert 86000 <= int(response["Retry-After"]) <= 86400
    assert len(mailoutbox) == 2
    assert CareLink.objects.count() == 2


def test_downloads_beyond_the_quota_are_refused(user, auth_client, rates):
    rates(download="2/hour")
    statuses = [auth_client.get("/api/v1/me/export/").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]


# --- the web pages share the quotas ---


def _web_request(user) -> HttpRequest:  # type: ignore[no-untyped-def]
    request = RequestFactory().post("/log/symptom/", {"symptom": "tiredness"})
    request.user = user
    return request


def test_a_web_page_with_quota_limited_shares_the_api_count(user, auth_client, rates):
    rates(create="3/hour")
    calls: list[str] = []

    @quota_limited("create")
    def page(request: HttpRequest) -> HttpResponse:
        calls.append(request.method or "")
        return HttpResponse("saved", status=201)

    assert auth_client.post(SYMPTOMS, _symptom()).status_code == 201
    assert auth_client.post(SYMPTOMS, _symptom()).status_code == 201
    assert page(_web_request(user)).status_code == 201

    refused = page(_web_request(user))
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 3600
    assert refused["Content-Type"].startswith("text/html")
    assert b"Please wait a little" in refused.content
    assert b"Please try again in 60 minutes." in refused.content
    assert auth_client.post(SYMPTOMS, _symptom()).status_code == 429
    assert calls == ["POST"]


def test_quota_limited_lets_the_form_itself_be_shown(user, rates):
    rates(create="1/hour")

    @quota_limited("create")
    def page(request: HttpRequest) -> HttpResponse:
        return HttpResponse("form")

    for _ in range(3):
        request = RequestFactory().get("/log/symptom/")
        request.user = user
        assert page(request).status_code == 200


def test_take_quota_counts_one_use_and_says_how_long_to_wait(user, rates):
    rates(invitation="1/day")

    assert take_quota(request=_web_request(user), scope="invitation") is None
    wait = take_quota(request=_web_request(user), scope="invitation")

    assert wait is not None and 86000 < wait <= 86400


# --- one count across processes (Redis) ---

_OTHER_PROCESS = """
import django, sys
django.setup()
from django.http import HttpRequest
from tracker.api.throttles import take_quota

class Person:
    is_authenticated = True
    def __init__(self, pk): self.pk = pk

request = HttpRequest()
request.user = Person(sys.argv[1])
print([take_quota(request=request, scope="create") for _ in range(int(sys.argv[2]))])
"""


@pytest.mark.integration
@requires_redis_cache
def test_on_redis_another_process_uses_the_same_quota(user, auth_client, rates):
    rates(create="3/hour")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "THROTTLE_CREATE": "3/hour"}
    result = subprocess.run(
        [sys.executable, "-c", _OTHER_PROCESS, str(user.pk), "2"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[None, None]"

    assert auth_client.post(SYMPTOMS, _symptom()).status_code == 201
    assert auth_client.post(SYMPTOMS, _symptom()).status_code == 429

    # And the other way round: this process's uses are seen by a new one.
    again = subprocess.run(
        [sys.executable, "-c", _OTHER_PROCESS, str(user.pk), "1"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert again.returncode == 0, again.stderr
    assert again.stdout.strip() != "[None]"


def test_the_web_invitation_form_shares_the_invitation_quota(user, rates, mailoutbox):
    rates(invitation="1/day")
    client = Client()
    client.force_login(user)
    invite = {"email": "helper@example.org", "permissions": ["view_summary"]}

    first = client.post("/care/", invite)
    second = client.post("/care/", {**invite, "email": "second@example.org"})

    assert first.status_code == 302
    assert second.status_code == 429 and int(second["Retry-After"]) > 0
    assert CareLink.objects.filter(patient=user).count() == 1


def test_the_web_new_reminder_form_shares_the_create_quota(user, auth_client, rates):
    rates(create="1/hour")
    assert auth_client.post(SYMPTOMS, _symptom(), format="json").status_code == 201
    client = Client()
    client.force_login(user)

    response = client.post(
        "/reminders/new/?kind=symptom_diary", {"kind": "symptom_diary", "times": ["20:00"]}
    )

    assert response.status_code == 429
    assert not Reminder.objects.filter(owner=user).exists()
