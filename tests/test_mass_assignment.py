"""Mass assignment (OWASP API Security Top 10 2023, API3 broken object property level
authorization): no write endpoint of the API stores a field its request serializer does not
accept.

For every endpoint that takes a body, the test sends a valid body once as it is and once with
every field the endpoint must not accept added (the forged fields: each written model's
fields minus the serializer's writable ones, plus owner/user/patient/caregiver, the staff
flags and the timestamps — derived, so a new model field is covered without anyone listing
it), each from the same stored state and at the same frozen instant. Then either:

- "ignores": the forged request succeeds and stores exactly what the plain one stored (every
  row of the app read before and after, new ids set aside), or
- "refuses": it answers 400 and stores nothing.

Each endpoint's line in ENDPOINTS says which of the two it does; today every one ignores
unknown and read-only fields (DRF's behaviour), none refuses them.
"""

import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from types import SimpleNamespace
from typing import Any
from unittest import mock

import pytest
import time_machine
from django.db import models, transaction
from django.test import override_settings
from django.utils import timezone
from push_notifications.models import GCMDevice
from rest_framework import serializers

from tests import authz
from tests.authz import INVITATION_TOKEN, World
from tracker.api.care import CareAcceptSerializer, CareInvitationSerializer
from tracker.api.devices import DeviceRegistrationSerializer
from tracker.api.foods import CustomFoodSerializer
from tracker.api.reminders import ActSerializer, SnoozeSerializer
from tracker.api.serializers import MeSerializer, RegisterSerializer
from tracker.api.urls import router
from tracker.models import (
    Alert,
    CareLink,
    Food,
    FoodIntake,
    LabResult,
    Notification,
    Profile,
    Reminder,
    SupplementDose,
    User,
)

pytestmark = pytest.mark.django_db

FORGED_TIME = "2001-02-03T04:05:06+00:00"
OTHER = "<the other user's id>"  # replaced by the other user's id when sent
# Forged on every endpoint, whether or not the model has them.
ALWAYS: dict[str, Any] = {
    "owner": OTHER,
    "owner_id": OTHER,
    "user": OTHER,
    "user_id": OTHER,
    "patient": OTHER,
    "caregiver": OTHER,
    "is_staff": True,
    "is_superuser": True,
    "is_active": False,
    "created_at": FORGED_TIME,
    "updated_at": FORGED_TIME,
    "deleted_at": FORGED_TIME,
}

Body = Callable[[World, datetime], dict[str, Any]]


@dataclass(frozen=True)
class Endpoint:
    method: str
    key: str  # the route, as the authorization matrix names it
    body: Body  # a valid body
    models: tuple[type[models.Model], ...]  # what it writes (the forged fields come from these)
    request: type[serializers.Serializer] | None  # what it reads from the body (None: nothing)
    obj: str = ""  # the fixture whose id is in the path
    instance: Callable[[World], Any] | None = None  # the row the serializer edits
    as_role: str = "owner"
    behaviour: str = "ignores"  # or "refuses" (400, nothing stored)


def static(body: dict[str, Any]) -> Body:
    return lambda w, now: dict(body)


# The router's viewsets that create or edit: a valid body for each (a new viewset without one
# fails test_every_writable_api_route_is_covered).
ROUTER_BODIES: dict[tuple[str, str], Body] = {
    ("POST", "food-intake"): lambda w, now: {
        "food": w.ids["food"],
        "grams": "100",
        "meal": "lunch",
        "eaten_at": (now - timedelta(hours=1)).isoformat(),
    },  # fmt: skip
    ("PATCH", "food-intake"): static({"note": "edited"}),
    ("POST", "supplement"): static(
        {"name": "Sublingual", "form": "methylcobalamin", "route": "sublingual", "dose_ug": "1000"}
    ),
    ("PATCH", "supplement"): static({"active": False}),
    ("POST", "supplement-dose"): lambda w, now: {
        "supplement": w.ids["supplement"],
        "status": "taken",
    },  # fmt: skip
    ("PATCH", "supplement-dose"): static({"units": "2"}),
    ("POST", "injection-plan"): static(
        {
            "product": "Hydroxocobalamin",
            "dose": "1",
            "dose_unit": "mg",
            "route": "im",
            "maintenance_interval_days": 90,
        }
    ),  # fmt: skip
    ("PATCH", "injection-plan"): static({"prescriber_note": "edited"}),
    ("POST", "injection"): lambda w, now: {
        "plan": w.ids["plan"],
        "site": "right_thigh",
        "given_at": (now - timedelta(hours=2)).isoformat(),
    },  # fmt: skip
    ("PATCH", "injection"): static({"lot": "B77"}),
    ("POST", "symptom-entry"): lambda w, now: {
        "symptom": "tiredness",
        "severity": 3,
        "recorded_at": (now - timedelta(hours=1)).isoformat(),
    },  # fmt: skip
    ("PATCH", "symptom-entry"): static({"severity": 2}),
    ("POST", "lab-result"): lambda w, now: {
        "test": "serum_b12",
        "value": "350",
        "unit": "pg/mL",
        "sampled_at": (now - timedelta(days=1)).isoformat(),
    },  # fmt: skip
    ("PATCH", "lab-result"): static({"lab_name": "City lab"}),
    ("POST", "reminder"): lambda w, now: {
        "kind": "supplement",
        "supplement": w.ids["supplement"],
        "times": ["09:30"],
    },  # fmt: skip
    ("PATCH", "reminder"): static({"times": ["10:00"]}),
    ("POST", "food"): static({"name": "Yeast flakes", "b12_ug_per_100g": "20"}),
    ("POST", "device"): static({"type": "fcm", "registration_id": "mass-assignment-token"}),
}
# Viewsets whose create reads another serializer than serializer_class.
ROUTER_REQUESTS: dict[str, tuple[type[serializers.Serializer], type[models.Model]]] = {
    "food": (CustomFoodSerializer, Food),
    "device": (DeviceRegistrationSerializer, GCMDevice),
}
FIXTURE_OF = {
    "food-intake": "intake", "supplement": "supplement", "supplement-dose": "dose",
    "injection-plan": "plan", "injection": "injection", "symptom-entry": "symptom",
    "lab-result": "lab", "reminder": "reminder",
}  # fmt: skip


def _row(model: type[models.Model], fixture: str) -> Callable[[World], Any]:
    return lambda w: model._default_manager.get(pk=w.ids[fixture])


def router_endpoints() -> list[Endpoint]:
    found = []
    for prefix, view, basename in router.registry:
        viewset: Any = view
        for method, action, detail in (
            ("POST", "create", False),
            ("PATCH", "partial_update", True),
        ):
            if not hasattr(viewset, action) or method.lower() not in viewset.http_method_names:
                continue
            if basename in ROUTER_REQUESTS:
                request, model = ROUTER_REQUESTS[basename]
            else:
                request = viewset.serializer_class
                model = request.Meta.model
            key = f"/api/v1/{prefix}/" + ("{pk}/" if detail else "")
            body = ROUTER_BODIES.get((method, basename))
            assert body is not None, f"add a valid {method} body for {key} to ROUTER_BODIES"
            fixture = FIXTURE_OF.get(basename, "") if detail else ""
            found.append(
                Endpoint(
                    method, key, body, (model,), request, obj=fixture,
                    instance=_row(model, fixture) if detail else None,
                )
            )  # fmt: skip
    return found


ENDPOINTS: list[Endpoint] = [
    *router_endpoints(),
    Endpoint(
        "PATCH",
        "/api/v1/me/",
        static({"diet_type": "vegan"}),
        (Profile, User),
        MeSerializer,
        instance=lambda w: w.users["owner"].profile,
    ),  # fmt: skip
    Endpoint(
        "POST",
        "/api/v1/auth/register/",
        static({"email": "new.person@example.org", "password": authz.PASSWORD, "timezone": "UTC"}),
        (User, Profile),
        RegisterSerializer,
        as_role="anon",
    ),
    Endpoint(
        "POST",
        "/api/v1/care/invitations/",
        static({"email": "fresh.invitee@example.org", "permissions": ["view_summary"]}),
        (CareLink,),
        CareInvitationSerializer,
    ),
    Endpoint(
        "POST",
        "/api/v1/care/invitations/accept/",
        static({"token": INVITATION_TOKEN}),
        (CareLink,),
        CareAcceptSerializer,
        as_role="other",
    ),
    Endpoint("POST", "/api/v1/care/links/{pk}/revoke/", static({}), (CareLink,), None, obj="link"),
    Endpoint(
        "POST",
        "/api/v1/reminders/{pk}/snooze/",
        static({"minutes": 15}),
        (Reminder, Notification),
        SnoozeSerializer,
        obj="reminder",
    ),  # fmt: skip
    Endpoint(
        "POST",
        "/api/v1/notifications/{pk}/act/",
        static({"action": "skipped"}),
        (Notification,),
        ActSerializer,
        obj="notification",
    ),  # fmt: skip
    Endpoint(
        "POST",
        "/api/v1/notifications/{pk}/read/",
        static({}),
        (Notification,),
        None,
        obj="notification",
    ),  # fmt: skip
    Endpoint("POST", "/api/v1/alerts/{pk}/acknowledge/", static({}), (Alert,), None, obj="alert"),
]
# Writable API routes that store nothing from their body but what the body authenticates.
NO_FIELDS_STORED = {
    ("POST", "/api/v1/auth/token/"): "credentials in, tokens out",
    ("POST", "/api/v1/auth/token/refresh/"): "a refresh token in, tokens out",
    ("POST", "/api/v1/auth/logout/"): "blacklists the refresh token sent",
}


# --- the forged fields -----------------------------------------------------------------------


def writable_fields(endpoint: Endpoint, world: World) -> set[str]:
    if endpoint.request is None:
        return set()
    user = world.users.get(endpoint.as_role)
    context = {"request": SimpleNamespace(user=user or SimpleNamespace(is_authenticated=False))}
    instance = endpoint.instance(world) if endpoint.instance else None
    serializer = endpoint.request(instance, context=context)
    names = set()
    for name, field in serializer.fields.items():
        if not field.read_only:
            names.add(name)
            names.add(str(field.source).split(".")[0])
    return names


def forged_value(field: models.Field, world: World) -> Any:
    other = str(world.users["other"].pk)
    if field.is_relation:
        related = field.related_model
        if related is User:
            return other
        pk = related._meta.pk  # type: ignore[union-attr]
        return str(uuid.uuid4()) if isinstance(pk, models.UUIDField) else 987654
    if field.primary_key:
        return str(uuid.uuid4()) if isinstance(field, models.UUIDField) else 987654
    if field.choices:
        values = [value for value, _label in field.flatchoices if value != field.default]
        return values[-1]
    if isinstance(field, models.BooleanField):
        return field.default is not True
    if isinstance(field, models.DateTimeField):
        return FORGED_TIME
    if isinstance(field, models.DateField):
        return "2001-02-03"
    if isinstance(field, models.TimeField):
        return "04:05"
    if isinstance(field, models.DecimalField):
        return "9.87"
    if isinstance(field, models.IntegerField):
        return 7
    if isinstance(field, models.JSONField):
        return ["forged"]
    if isinstance(field, models.UUIDField):
        return str(uuid.uuid4())
    if isinstance(field, models.EmailField):
        return "forged@example.org"
    return "forged"


def forged_fields(endpoint: Endpoint, world: World) -> dict[str, Any]:
    writable = writable_fields(endpoint, world)
    other = str(world.users["other"].pk)
    forged: dict[str, Any] = {}
    for model in endpoint.models:
        for field in model._meta.concrete_fields:
            for name in {field.name, field.attname}:
                if name not in writable and name not in forged:
                    forged[name] = forged_value(field, world)
    for name, value in ALWAYS.items():
        if name not in writable:
            forged.setdefault(name, other if value == OTHER else value)
    return forged


# --- what a request stored -------------------------------------------------------------------

_HEX = re.compile(r"[0-9a-f]{32}")


def _hex(value: Any) -> str | None:
    if isinstance(value, uuid.UUID):
        return value.hex
    if isinstance(value, str):
        compact = value.replace("-", "")
        if _HEX.fullmatch(compact):
            return compact
    return None


def changes(before: dict[str, list[Any]], after: dict[str, list[Any]], keep: set[str]) -> Any:
    """What a request added and removed, table by table. New rows' own ids (and the new ids
    they point to) are random, so they read "<new>" — except ids the test forged (``keep``),
    which must never be stored."""
    known = {h for rows in before.values() for row in rows for v in row if (h := _hex(v))}
    pk_index = authz.primary_key_indexes()

    def canonical(row: tuple[Any, ...], label: str) -> str:
        values = []
        for index, value in enumerate(row):
            hexed = _hex(value)
            fresh = hexed is not None and hexed not in known and hexed not in keep
            values.append("<new>" if index == pk_index[label] or fresh else value)
        return repr(tuple(values))

    result = {}
    for label, rows in after.items():
        old = {repr(row) for row in before[label]}
        new = {repr(row) for row in rows}
        added = sorted(canonical(row, label) for row in rows if repr(row) not in old)
        removed = sorted(row for row in old if row not in new)
        if added or removed:
            result[label] = {"added": added, "removed": removed}
    return result


def strip_passwords(state: dict[str, list[Any]]) -> dict[str, list[Any]]:
    # A new account's password hash has a random salt: compared apart (test_me_keeps...).
    index = authz.column_index("tracker.User", "password")
    users = [(*row[:index], "<hash>", *row[index + 1 :]) for row in state["tracker.User"]]
    return {**state, "tracker.User": users}


# --- the tests -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=authz.FAST_HASHER):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield authz.build_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


CLIENTS = authz.Clients()


def send(world: World, endpoint: Endpoint, body: dict[str, Any]) -> Any:
    path = endpoint.key.replace("{pk}", world.ids.get(endpoint.obj, ""))
    client = CLIENTS.api_as(world.users.get(endpoint.as_role))
    return getattr(client, endpoint.method.lower())(path, body, format="json")


def run(world: World, endpoint: Endpoint, body: dict[str, Any]) -> tuple[Any, Any]:
    """The answer and the stored state after it, rolled back afterwards."""
    with transaction.atomic():
        response = send(world, endpoint, body)
        state = authz.snapshot()
        transaction.set_rollback(True)
    return response, state


@pytest.mark.parametrize("endpoint", [pytest.param(e, id=f"{e.method} {e.key}") for e in ENDPOINTS])
def test_fields_outside_the_allow_list_are_never_stored(world: World, endpoint: Endpoint) -> None:
    now = timezone.now().replace(microsecond=0)
    forged = forged_fields(endpoint, world)
    assert forged, "no field to forge?"
    # The invitation token is random; everything else is fixed by the frozen clock.
    with (
        time_machine.travel(now, tick=False),
        mock.patch(
            "tracker.services.care.secrets.token_urlsafe", return_value="fixed-token-for-the-test"
        ),
    ):
        before = authz.snapshot()
        clean_body = endpoint.body(world, now)
        clean, clean_state = run(world, endpoint, clean_body)
        assert 200 <= clean.status_code < 300, f"the valid body failed: {clean.status_code} " \
            f"{getattr(clean, 'data', clean.content)}"  # fmt: skip
        response, state = run(world, endpoint, {**forged, **clean_body})
    keep = {h for value in forged.values() if (h := _hex(value))}
    if endpoint.key == "/api/v1/auth/register/":
        before, clean_state, state = map(strip_passwords, (before, clean_state, state))
    if endpoint.behaviour == "refuses":
        assert response.status_code == 400, response.content
        assert changes(before, state, keep) == {}
        return
    assert endpoint.behaviour == "ignores"
    assert 200 <= response.status_code < 300, (
        f"{endpoint.method} {endpoint.key} refused the forged fields ({response.status_code}: "
        f"{getattr(response, 'data', '')}); if that is its behaviour now, say so in ENDPOINTS"
    )
    stored, expected = changes(before, state, keep), changes(before, clean_state, keep)
    assert stored == expected, (
        f"{endpoint.method} {endpoint.key} stored something of the forged fields "
        f"{sorted(forged)}:\n with them: {stored}\n without:   {expected}"
    )


def test_me_keeps_the_password_email_and_staff_flags(world: World) -> None:
    owner = world.users["owner"]
    body = {"password": "new-password-1234", "email": "new@example.org", "is_staff": True,
            "is_superuser": True, "date_joined": FORGED_TIME, "diet_type": "vegan"}  # fmt: skip
    with transaction.atomic():
        response = CLIENTS.api_as(owner).patch("/api/v1/me/", body, format="json")
        stored = User.objects.get(pk=owner.pk)
        assert response.status_code == 200
        assert stored.password == owner.password
        assert (stored.email, stored.is_staff, stored.is_superuser) == (owner.email, False, False)
        assert stored.date_joined == owner.date_joined
        assert stored.profile.diet_type == "vegan"  # the allowed field was stored
        transaction.set_rollback(True)


def test_register_cannot_make_a_staff_account(world: World) -> None:
    body = {"email": "climber@example.org", "password": authz.PASSWORD, "timezone": "UTC",
            "is_staff": True, "is_superuser": True, "is_active": False}  # fmt: skip
    with transaction.atomic():
        response = CLIENTS.api_as(None).post("/api/v1/auth/register/", body, format="json")
        assert response.status_code == 201
        created = User.objects.get(email="climber@example.org")
        assert (created.is_staff, created.is_superuser, created.is_active) == (False, False, True)
        transaction.set_rollback(True)


# Fields the server alone sets, per model (besides ALWAYS): no request serializer may make one
# writable (the forged-field derivation above would then stop forging it).
SERVER_SET: dict[type[models.Model], set[str]] = {
    FoodIntake: {"b12_ug", "food_is_pseudo_b12"},
    SupplementDose: {"b12_ug", "route", "source", "occurred_at"},
    LabResult: {"canonical_value", "canonical_unit"},
    Reminder: {"next_fire_at", "next_occurrence_at", "snoozed_until", "last_fired_at"},
    Notification: {"rounds", "refire_at", "acted_at", "read_at", "dose", "kind"},
    CareLink: {"status", "token_hash", "accepted_at", "revoked_at", "invitation_expires_at"},
    Profile: {"disclaimer_accepted_at"},
    User: {"password", "email", "date_joined", "last_login"},
    Food: {"source", "catalogue_key", "search_name"},
}


def test_no_request_serializer_makes_a_server_set_field_writable(world: World) -> None:
    wrong = []
    for endpoint in ENDPOINTS:
        protected = set(ALWAYS).union(*(SERVER_SET.get(model, set()) for model in endpoint.models))
        if endpoint.key == "/api/v1/auth/register/":
            protected -= {"password", "email"}  # what signing up is for
        exposed = protected & writable_fields(endpoint, world)
        if exposed:
            wrong.append(f"{endpoint.method} {endpoint.key}: {sorted(exposed)}")
    assert not wrong, "Server-set fields a client can write:\n  " + "\n  ".join(wrong)


def test_every_writable_api_route_is_covered() -> None:
    covered = {(e.method, e.key) for e in ENDPOINTS} | set(NO_FIELDS_STORED)
    missing = [
        f"{method} {route.key}"
        for route in authz.iter_routes()
        if route.key.startswith("/api/v1/")
        for method in sorted((route.declared_methods or frozenset()) & {"POST", "PUT", "PATCH"})
        if (method, route.key) not in covered
    ]
    assert not missing, "Writable API routes without a line in ENDPOINTS:\n  " + "\n  ".join(
        missing
    )


def test_the_forged_fields_are_derived_from_the_models(world: World) -> None:
    # Spot checks that the derivation finds the fields OWASP API3 worries about.
    by_key = {(e.method, e.key): forged_fields(e, world) for e in ENDPOINTS}
    assert {"b12_ug", "owner", "created_at", "food_is_pseudo_b12"} <= set(
        by_key[("POST", "/api/v1/food-intakes/")]
    )
    assert {"b12_ug", "source", "route", "occurred_at"} <= set(
        by_key[("PATCH", "/api/v1/supplement-doses/{pk}/")]
    )
    assert {"next_fire_at", "next_occurrence_at", "snoozed_until", "id"} <= set(
        by_key[("PATCH", "/api/v1/reminders/{pk}/")]
    )
    assert {"status", "token_hash", "accepted_at", "revoked_at", "patient", "caregiver"} <= set(
        by_key[("POST", "/api/v1/care/invitations/accept/")]
    )
    assert {"rounds", "refire_at", "acted_at", "reminder"} <= set(
        by_key[("POST", "/api/v1/notifications/{pk}/act/")]
    )
    assert {"is_staff", "is_superuser", "password", "disclaimer_accepted_at"} <= set(
        by_key[("PATCH", "/api/v1/me/")]
    )
    assert "diet_type" not in by_key[("PATCH", "/api/v1/me/")]  # writable: not forged
