"""Schemathesis against the OpenAPI schema the site serves (drf-spectacular, /api/schema/):
every operation, over real HTTP to a live server, as a signed-in person with a little of
everything stored.

Checks: not_a_server_error, status_code_conformance, response_schema_conformance and
negative_data_rejection. Each operation is its own test (a fresh database each time) with the
stored rows under fixed ids; the fuzzing phase sends its valid path parameters to those rows
(see map_case). Bounded and reproducible: a fixed seed, derandomized generation, no example
database, no shrinking, a small number of examples per operation.

Only DELETE me/ is left out (it erases the test's own account). The auth routes stay in: a
fuzzed logout or refresh can only revoke the tokens it sends, never the access token the test
signs in with, and the per-address throttles are raised for the run.
"""

import uuid
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, cast

import pytest
import schemathesis
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, settings
from push_notifications.models import APNSDevice, GCMDevice, WebPushDevice
from rest_framework.throttling import SimpleRateThrottle
from rest_framework_simplejwt.tokens import RefreshToken
from schemathesis.checks import not_a_server_error
from schemathesis.core.parameters import ParameterLocation
from schemathesis.specs.openapi.checks import (
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from tests.factories import PASSWORD, make_food
from tracker.models import (
    Alert,
    Article,
    CareLink,
    FoodIntake,
    Injection,
    InjectionPlan,
    LabResult,
    Notification,
    Reminder,
    Supplement,
    SupplementDose,
    SymptomEntry,
    User,
)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    response_schema_conformance,
    negative_data_rejection,
]


def _id(name: str) -> uuid.UUID:
    return uuid.uuid5(uuid.NAMESPACE_URL, f"b12-tracker/schemathesis/{name}")


IDS = {
    name: _id(name)
    for name in (
        "user",
        "caregiver",
        "patient",
        "food",
        "label-food",
        "food-intake",
        "supplement",
        "supplement-dose",
        "injection-plan",
        "injection",
        "symptom-entry",
        "alert",
        "lab-result",
        "reminder",
        "notification",
        "care-link",
        "care-link-as-caregiver",
    )
}
DEVICE_PK = 900_000_001  # explicit keys far above any the sequences hand out in a test run
ARTICLE_SLUG = "schemathesis-b12-basics"

# Route → the stored row and the route's actions on one row.
ROW_ROUTES = {
    "alerts": ("alert", ["acknowledge"]),
    "care/links": ("care-link", ["revoke"]),
    "food-intakes": ("food-intake", []),
    "foods": ("food", []),
    "injection-plans": ("injection-plan", []),
    "injections": ("injection", []),
    "lab-results": ("lab-result", []),
    "notifications": ("notification", ["act", "read"]),
    "reminders": ("reminder", ["snooze"]),
    "supplement-doses": ("supplement-dose", []),
    "supplements": ("supplement", []),
    "symptom-entries": ("symptom-entry", []),
}
# Path template → the stored row's path parameters.
KNOWN_PATH_PARAMETERS: dict[str, dict[str, str]] = {
    **{
        f"/api/v1/{route}/{{id}}/{action}": {"id": str(IDS[key])}
        for route, (key, actions) in ROW_ROUTES.items()
        for action in ["", *(f"{name}/" for name in actions)]
    },
    "/api/v1/devices/{id}/": {"id": f"fcm:{DEVICE_PK}"},
    "/api/v1/articles/{slug}/": {"slug": ARTICLE_SLUG},
    "/api/v1/care/patients/{patient_id}/summary/": {"patient_id": str(IDS["patient"])},
}


def _served_schema() -> dict[str, Any]:
    # What clients download, through the whole stack (no database access needed).
    response = Client().get("/api/schema/?format=json")
    assert response.status_code == 200, response.content
    return cast(dict[str, Any], response.json())


CONFIG = schemathesis.Config.from_dict(
    {
        "seed": 20261201,
        "suppress-health-check": ["too_slow", "filter_too_much", "data_too_large"],
        "generation": {
            "mode": "all",
            "max-examples": 10,
            "deterministic": True,
            # A failure is reported as found (no minimal example): the run stays bounded.
            "no-shrink": True,
            "database": "none",
            "with-security-parameters": False,
        },
        "phases": {
            "stateful": {"enabled": False},
            # Methods the schema does not list only matter to the unsupported_method check,
            # which is not one of ours (Django answers them 405).
            "coverage": {"unexpected-methods": []},
        },
        "operations": [
            # A PDF per request (WeasyPrint, a second or more each): a tiny budget, no
            # coverage phase (a few dozen requests), and time to draw under a loaded machine.
            {
                "include-path": "/api/v1/me/report/",
                "generation": {"max-examples": 2},
                "phases": {"coverage": {"enabled": False}},
                "request-timeout": 60,
            },
        ],
    }
)
schema = schemathesis.openapi.from_dict(_served_schema(), config=CONFIG).exclude(
    # Erases the signed-in person and all the stored rows: the test's own account.
    method="DELETE",
    path="/api/v1/me/",
)


@schema.hook
def map_case(context: schemathesis.HookContext, case: schemathesis.Case) -> schemathesis.Case:
    """Valid path parameters in the fuzzing phase go to a stored row, so that bodies and
    actions are tried on something real; the coverage phase's own values (unknown ids,
    malformed ones) still get their 404s."""
    known = KNOWN_PATH_PARAMETERS.get(case.operation.path)
    meta = case.meta
    if known is None or meta is None or meta.phase.name.value != "fuzzing":
        return case
    path = meta.components.get(ParameterLocation.PATH)
    if path is None or not path.mode.is_negative:
        case.path_parameters = {**(case.path_parameters or {}), **known}
    return case


def _stored_rows() -> User:
    now = timezone.now()
    user = User.objects.create_user(
        id=IDS["user"],
        email="fuzz@example.org",
        password=PASSWORD,
        profile={"timezone": "Europe/London", "disclaimer_accepted_at": now},
    )
    caregiver = User.objects.create_user(
        id=IDS["caregiver"],
        email="carer@example.org",
        password=PASSWORD,
        profile={"timezone": "Europe/London", "disclaimer_accepted_at": now},
    )
    patient = User.objects.create_user(
        id=IDS["patient"],
        email="patient@example.org",
        password=PASSWORD,
        profile={"timezone": "America/New_York", "disclaimer_accepted_at": now},
    )
    food = make_food(id=IDS["food"], barcode="4006381333931")
    make_food(
        id=IDS["label-food"], name="Nutritional yeast flakes", owner=user, b12_ug_per_100g="40"
    )
    make_food(name="Fortified breakfast cereal", b12_ug_per_100g="2.5", portion_grams=Decimal(30))
    FoodIntake.objects.create(
        id=IDS["food-intake"],
        owner=user,
        food=food,
        grams=Decimal(250),
        eaten_at=now - timedelta(hours=2),
        meal="breakfast",
        b12_ug=Decimal("0.95"),
    )
    supplement = Supplement.objects.create(
        id=IDS["supplement"],
        owner=user,
        name="B12 1000",
        form="cyanocobalamin",
        route="oral",
        dose_ug=Decimal(1000),
    )
    SupplementDose.objects.create(
        id=IDS["supplement-dose"],
        owner=user,
        supplement=supplement,
        status="taken",
        taken_at=now - timedelta(hours=1),
        occurred_at=now - timedelta(hours=1),
        b12_ug=Decimal(1000),
        route="oral",
    )
    plan = InjectionPlan.objects.create(
        id=IDS["injection-plan"],
        owner=user,
        product="Hydroxocobalamin 1 mg/mL",
        dose_ug=Decimal(1000),
        dose_unit="mg",
        route="im",
        maintenance_interval_days=90,
    )
    Injection.objects.create(
        id=IDS["injection"],
        owner=user,
        plan=plan,
        given_at=now - timedelta(days=20),
        dose_ug=Decimal(1000),
        site="left_deltoid",
    )
    entry = SymptomEntry.objects.create(
        id=IDS["symptom-entry"],
        owner=user,
        symptom="numbness",
        severity=8,
        recorded_at=now - timedelta(hours=3),
        red_flags=["vision_loss"],
    )
    Alert.objects.create(
        id=IDS["alert"],
        owner=user,
        symptom_entry=entry,
        rule="severe_nerve_symptom",
        level="urgent",
    )
    LabResult.objects.create(
        id=IDS["lab-result"],
        owner=user,
        test="serum_b12",
        value=Decimal(300),
        unit="pg/mL",
        sampled_at=now - timedelta(days=10),
        canonical_value=Decimal("221.4"),
        canonical_unit="pmol/L",
    )
    reminder = Reminder.objects.create(
        id=IDS["reminder"],
        owner=user,
        kind="supplement",
        supplement=supplement,
        times=["08:00"],
        next_occurrence_at=now + timedelta(hours=3),
        next_fire_at=now + timedelta(hours=3),
    )
    Notification.objects.create(
        id=IDS["notification"],
        owner=user,
        reminder=reminder,
        kind="supplement",
        occurrence=now - timedelta(minutes=30),
        title="Reminder",
    )
    CareLink.objects.create(
        id=IDS["care-link"],
        patient=user,
        caregiver=caregiver,
        invited_email=caregiver.email,
        status="active",
        permissions=["view_summary", "missed_dose_alerts"],
        accepted_at=now - timedelta(days=2),
    )
    CareLink.objects.create(
        id=IDS["care-link-as-caregiver"],
        patient=patient,
        caregiver=user,
        invited_email=user.email,
        status="active",
        permissions=["view_summary"],
        accepted_at=now - timedelta(days=2),
    )
    GCMDevice.objects.create(
        pk=DEVICE_PK, user=user, registration_id="fcm-token-of-the-fuzz-phone", name="Phone"
    )
    APNSDevice.objects.create(pk=DEVICE_PK, user=user, registration_id="ab" * 32)
    WebPushDevice.objects.create(
        pk=DEVICE_PK,
        user=user,
        registration_id="https://push.example.org/send/abc",
        p256dh="BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM",
        auth="tBHItJI5svbpez7KI4CCXg",
    )
    Article.objects.create(
        slug=ARTICLE_SLUG,
        title="B12 basics",
        summary="What B12 does.",
        body_markdown="B12 matters. Talk to your clinician.",
        body_html="<p>B12 matters. Talk to your clinician.</p>",
        references=[
            {"title": "NIH ODS", "url": "https://ods.od.nih.gov/factsheets/VitaminB12-Consumer/"}
        ],
        reviewed_at=date(2026, 1, 1),
    )
    return user


@pytest.fixture
def auth_headers(live_server, monkeypatch) -> dict[str, str]:  # type: ignore[no-untyped-def]
    # The per-address and per-person rates would answer the fuzzer's burst with 429s
    # (declared, but every later example of the operation would then test nothing).
    rates = {scope: "100000/min" for scope in SimpleRateThrottle.THROTTLE_RATES}
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", rates)
    user = _stored_rows()
    return {"Authorization": f"Bearer {RefreshToken.for_user(user).access_token}"}


@pytest.mark.integration  # a live server on the real database
@schema.parametrize()
# The stored rows are meant to be shared by the examples of one operation, as one account's.
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_api_operation_conforms_to_the_schema(case, live_server, auth_headers):  # type: ignore[no-untyped-def]
    # A new connection per request (no shared session): Django's test server and a kept-alive
    # connection stall about 40 ms on every response (Nagle and delayed ACKs), ten times the
    # request itself.
    case.call_and_validate(base_url=live_server.url, headers=auth_headers, checks=CHECKS)


@pytest.mark.django_db
def test_json_values_of_the_wrong_type_are_refused_not_coerced(auth_client):  # type: ignore[no-untyped-def]
    # What the fuzzer found accepted: DRF's fields coerce 0 to false and 12 to "12".
    body = {"name": "B12 1000", "form": "cyanocobalamin", "route": "oral", "dose_ug": 1000}
    wrong = [("note", 0), ("name", 12), ("active", 0), ("active", "true"), ("dose_ug", "1e3")]
    for field, value in wrong:
        response = auth_client.post("/api/v1/supplements/", {**body, field: value}, format="json")
        assert response.status_code == 400, (field, value)
        assert list(response.json()) == [field]
    assert not Supplement.objects.exists()

    for dose in (250.5, "250.5"):  # a number, or a decimal string as the schema allows
        created = auth_client.post("/api/v1/supplements/", {**body, "dose_ug": dose}, format="json")
        assert created.status_code == 201, created.content
        assert created.json()["dose_ug"] == 250.5
