"""Helpers of the authorization matrix and the mass-assignment tests (OWASP API1, API3).

- ``iter_routes`` walks the whole URLconf (includes and router routes included) and names each
  route by its path template (``/api/v1/food-intakes/{pk}/``): route names are not unique
  here (the web and the API both have "dashboard" and "screening"; admin redirects have none).
- ``build_world`` stores one of everything, owned by one person ("owner"), plus the people who
  must not reach it: another user, a caregiver linked to the owner, a caregiver linked to
  someone else only, a staff member and a superuser.
- ``snapshot`` reads every row a request could change, so a refused request can be shown to
  have stored nothing.
"""

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern
from django.utils import timezone
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken

from tests.factories import PASSWORD, make_food, make_user
from tracker.models import (
    AccessLog,
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
from tracker.services.care import hash_token

ROLES = ("anon", "owner", "other", "linked", "unlinked", "staff", "superuser")
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
# What every private text of the owner's carries: a response to anyone who may not see the
# owner's data must not contain it (nor any id of the owner's rows).
SECRET = "Zyxwowner"
INVITATION_TOKEN = "matrix-invitation-token-0123456789abcdef"


# --- the URLconf -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    key: str  # the path template, "/api/v1/food-intakes/{pk}/"
    name: str | None
    namespace: str  # "admin", "care_admin" or "" (the rest is not namespaced)
    params: tuple[str, ...]
    callback: Any

    @property
    def declared_methods(self) -> frozenset[str] | None:
        """The methods the view says it answers (DRF views and class-based views), or None
        for function views, whose methods only a request can tell."""
        actions = getattr(self.callback, "actions", None)
        view_class = getattr(self.callback, "cls", None) or getattr(
            self.callback, "view_class", None
        )
        if view_class is None:
            return None
        allowed = set(view_class.http_method_names) - {"head", "options", "trace"}
        if actions is not None:  # a router route of a viewset: the methods it maps
            return frozenset(m.upper() for m in actions if m in allowed)
        return frozenset(m.upper() for m in allowed if hasattr(view_class, m))


_NAMED_GROUP = re.compile(r"\(\?P<(\w+)>")
_LITERAL = re.compile(r"[\w-]+")
_CONVERTER = re.compile(r"<(?:\w+:)?(\w+)>")


def _regex_template(regex: str) -> tuple[str, list[str]]:
    """A regex route as a template: each named group becomes ``{name}``, except a group that
    matches one literal (``(?P<version>v1)``), which stays as that literal."""
    regex = regex.removeprefix("^").removesuffix("$")
    out, params, index = [], [], 0
    while True:
        match = _NAMED_GROUP.search(regex, index)
        if match is None:
            out.append(regex[index:])
            break
        out.append(regex[index : match.start()])
        depth, end = 1, match.end()
        while depth:  # find the group's closing parenthesis (groups nest: "(?:fcm|apns)")
            char = regex[end]
            if char == "\\":
                end += 1  # an escaped character is never a parenthesis
            elif char in "()":
                depth += 1 if char == "(" else -1
            end += 1
        body = regex[match.end() : end - 1]
        if _LITERAL.fullmatch(body):
            out.append(body)
        else:
            out.append("{" + match.group(1) + "}")
            params.append(match.group(1))
        index = end
    return "".join(out).replace("\\", ""), params


def _template(pattern: Any) -> tuple[str, list[str]]:
    raw = str(pattern)
    if isinstance(pattern, RegexPattern):
        return _regex_template(raw)
    params = _CONVERTER.findall(raw)
    return _CONVERTER.sub(lambda m: "{" + m.group(1) + "}", raw), params


def route_params(key: str) -> list[str]:
    return re.findall(r"\{(\w+)\}", key)


def iter_routes(resolver: URLResolver | None = None) -> Iterator[Route]:
    def walk(node: URLResolver, prefix: str, params: list[str], namespace: str) -> Iterator[Route]:
        for entry in node.url_patterns:
            part, found = _template(entry.pattern)
            if isinstance(entry, URLResolver):
                yield from walk(entry, prefix + part, params + found, entry.namespace or namespace)
            elif isinstance(entry, URLPattern):
                yield Route(
                    key="/" + prefix + part,
                    name=entry.name,
                    namespace=namespace,
                    params=tuple(params + found),
                    callback=entry.callback,
                )

    yield from walk(resolver or get_resolver(), "", [], "")


# --- the people and their rows ---------------------------------------------------------------


@dataclass
class World:
    users: dict[str, User]
    # Path values by fixture name (a row's id, a slug, a device id "fcm:12").
    ids: dict[str, str]
    # Every id and text of the owner's that nobody else may see.
    owner_secrets: list[str] = field(default_factory=list)
    # A stored session per role, for the web pages (the cookie's value).
    sessions: dict[str, str] = field(default_factory=dict)


def build_world() -> World:
    now = timezone.now()
    users = {
        "owner": make_user(email="owner.zyxw@example.org", timezone="Europe/London"),
        "other": make_user(email="other.person@example.org", timezone="America/New_York"),
        "linked": make_user(email="linked.carer@example.org"),
        "unlinked": make_user(email="unlinked.carer@example.org"),
        "staff": make_user(email="staff.member@example.org", is_staff=True),
        "third": make_user(email="third.patient@example.org"),
    }
    users["superuser"] = User.objects.create_superuser(
        email="super.user@example.org", password=PASSWORD
    )
    users["superuser"].profile.accept_disclaimer(now)
    users["superuser"].profile.save()
    owner = users["owner"]

    catalogue_food = make_food(name="Fortified soy drink")
    label_food = make_food(name=f"{SECRET} oat drink", owner=owner, b12_ug_per_100g="0.5")
    intake = FoodIntake.objects.create(
        owner=owner,
        food=label_food,
        grams=Decimal(200),
        eaten_at=now - timedelta(hours=2),
        meal="breakfast",
        note=f"{SECRET} intake note",
        b12_ug=Decimal(1),
    )
    supplement = Supplement.objects.create(
        owner=owner,
        name=f"{SECRET} B12",
        form="cyanocobalamin",
        route="oral",
        dose_ug=Decimal(500),
        note=f"{SECRET} supplement note",
    )
    dose = SupplementDose.objects.create(
        owner=owner,
        supplement=supplement,
        status="taken",
        taken_at=now - timedelta(hours=3),
        occurred_at=now - timedelta(hours=3),
        b12_ug=Decimal(500),
        route="oral",
    )
    plan = InjectionPlan.objects.create(
        owner=owner,
        product=f"{SECRET} hydroxocobalamin",
        dose_ug=Decimal(1000),
        route="im",
        maintenance_interval_days=90,
        prescriber_note=f"{SECRET} prescriber",
    )
    injection = Injection.objects.create(
        owner=owner,
        plan=plan,
        given_at=now - timedelta(days=10),
        dose_ug=Decimal(1000),
        site="left_deltoid",
        note=f"{SECRET} injection note",
    )
    symptom = SymptomEntry.objects.create(
        owner=owner,
        symptom="numbness",
        severity=8,
        recorded_at=now - timedelta(hours=1),
        note=f"{SECRET} symptom note",
    )
    alert = Alert.objects.create(
        owner=owner, symptom_entry=symptom, rule="severe_nerve_symptom", level="urgent"
    )
    lab = LabResult.objects.create(
        owner=owner,
        test="serum_b12",
        value=Decimal(300),
        unit="pg/mL",
        sampled_at=now - timedelta(days=5),
        canonical_value=Decimal("221.4"),
        canonical_unit="pmol/L",
        note=f"{SECRET} lab note",
    )
    reminder = Reminder.objects.create(
        owner=owner,
        kind="supplement",
        supplement=supplement,
        times=["08:00"],
        channels=[],
        next_occurrence_at=now + timedelta(hours=5),
        next_fire_at=now + timedelta(hours=5),
    )
    notification = Notification.objects.create(
        owner=owner,
        reminder=reminder,
        kind="supplement",
        occurrence=now - timedelta(minutes=30),
        title="Reminder",
        body=f"{SECRET} body",
        channels=["inbox"],
    )
    from push_notifications.models import GCMDevice

    device = GCMDevice.objects.create(
        user=owner, registration_id=f"{SECRET}-fcm-token", name=f"{SECRET} phone"
    )
    link = CareLink.objects.create(
        patient=owner,
        caregiver=users["linked"],
        invited_email=users["linked"].email,
        status="active",
        permissions=["view_summary", "missed_dose_alerts"],
        accepted_at=now - timedelta(days=2),
    )
    # The caregiver "unlinked" cares for someone else: the caregiver site lets them in, yet
    # must show them nothing of the owner's.
    CareLink.objects.create(
        patient=users["third"],
        caregiver=users["unlinked"],
        invited_email=users["unlinked"].email,
        status="active",
        permissions=["view_summary"],
        accepted_at=now - timedelta(days=2),
    )
    invitation = CareLink.objects.create(
        patient=owner,
        invited_email="invited.someone@example.org",
        status="invited",
        permissions=["view_summary"],
        token_hash=hash_token(INVITATION_TOKEN),
        invitation_expires_at=now + timedelta(days=7),
    )
    access = AccessLog.objects.create(
        actor=users["linked"],
        actor_label=users["linked"].email,
        patient=owner,
        what="summary",
        channel="api",
        at=now - timedelta(hours=4),
    )
    article = Article.objects.create(
        slug="matrix-article",
        title="About B12",
        summary="What B12 is.",
        body_markdown="Text.",
        body_html="<p>Text.</p>",
        references=[{"title": "NIH ODS", "url": "https://ods.od.nih.gov/"}],
        reviewed_at=now.date(),
    )
    rows: dict[str, Any] = {
        "catalogue_food": catalogue_food,
        "food": label_food,
        "intake": intake,
        "supplement": supplement,
        "dose": dose,
        "plan": plan,
        "injection": injection,
        "symptom": symptom,
        "alert": alert,
        "lab": lab,
        "reminder": reminder,
        "notification": notification,
        "link": link,
        "invitation": invitation,
        "access": access,
    }
    ids = {name: str(row.pk) for name, row in rows.items()}
    ids.update(
        device=f"fcm:{device.pk}",
        article=article.slug,
        owner_user=str(owner.pk),
        nothing="nothing-here/",
    )
    secrets = [
        SECRET,
        owner.email,
        *(ids[name] for name in rows if name not in ("catalogue_food",)),
        ids["owner_user"],
    ]
    return World(users=users, ids=ids, owner_secrets=secrets)


# --- clients ---------------------------------------------------------------------------------


def session_key_for(user: User) -> str:
    """A stored session for this user, as Client.force_login makes one (once per module)."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    assert session.session_key is not None
    return session.session_key


class Clients:
    """One test client for the web pages and one for the API, reused for every request: a new
    client loads the middleware again (WhiteNoise scans the static files each time)."""

    def __init__(self) -> None:
        self.web = Client()
        self.api = APIClient()

    def web_as(self, session_key: str | None) -> Client:
        self.web.cookies.clear()
        if session_key:
            self.web.cookies[settings.SESSION_COOKIE_NAME] = session_key
        return self.web

    def api_as(self, user: User | None) -> APIClient:
        self.api.cookies.clear()
        self.api.credentials()
        if user is not None:
            self.api.credentials(HTTP_AUTHORIZATION=f"Bearer {AccessToken.for_user(user)}")
        return self.api


# --- what a request may have changed ---------------------------------------------------------

# Every table a request could write to. Not: sessions (a sign-in writes one), axes (failed
# sign-ins are recorded on purpose) and the JWT outstanding-token list (token views).
SNAPSHOT_APPS = ("tracker", "push_notifications", "admin")
IGNORED_FIELDS = {("tracker", "user", "last_login")}


FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@functools.cache
def _snapshot_tables() -> tuple[tuple[str, tuple[str, ...], str, str], ...]:
    """(label, field names, pk name, SQL) per table: one plain SELECT each (raw SQL: building
    ORM queries would cost more than the requests under test)."""
    quote = connection.ops.quote_name
    tables = []
    for model in apps.get_models():
        meta = model._meta
        if meta.app_label not in SNAPSHOT_APPS or meta.proxy:
            continue
        fields = [
            f
            for f in meta.concrete_fields
            if (meta.app_label, meta.model_name, f.name) not in IGNORED_FIELDS
        ]
        columns = ", ".join(quote(f.column) for f in fields)
        sql = f"SELECT {columns} FROM {quote(meta.db_table)} ORDER BY {quote(meta.pk.column)}"
        tables.append((meta.label, tuple(f.name for f in fields), meta.pk.name, sql))
    return tuple(tables)


def column_index(label: str, field_name: str) -> int:
    names = next(names for table, names, _pk, _sql in _snapshot_tables() if table == label)
    return names.index(field_name)


def primary_key_indexes() -> dict[str, int]:
    return {label: names.index(pk) for label, names, pk, _sql in _snapshot_tables()}


def snapshot() -> dict[str, list[tuple[Any, ...]]]:
    state = {}
    with connection.cursor() as cursor:
        for label, _names, _pk, sql in _snapshot_tables():
            cursor.execute(sql)
            state[label] = cursor.fetchall()
    return state


def changed_tables(before: dict[str, list[Any]], after: dict[str, list[Any]]) -> list[str]:
    return sorted(label for label in before if before[label] != after.get(label))
