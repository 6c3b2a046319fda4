"""The authorization matrix: every route of the URLconf × every method × every kind of person
(OWASP API Security Top 10 2023, API1 broken object level authorization; DESIGN invariant 1).

Every route with an id is asked for a real row of one person ("owner"). Each test sends one
method to one route as each role in turn, each role against the same stored state (a savepoint
rolled back after every request), and checks for every role:

- the answer is the one MATRIX expects (a method a route does not list must be refused:
  401/403/404/405, or a redirect to a sign-in page);
- a refused answer (and any read that must not write) stored nothing: every row of the app,
  the push registrations and the admin log are read before and after;
- nobody but the owner (and a role the row marks as seeing the owner's data) gets any id or
  private text of the owner's back, in any answer (ids the request itself carried excepted);
- a read of the owner's data by a caregiver or staff member wrote an AccessLog row (``audits``).

A route in the URLconf without a MATRIX line fails ``test_every_route_is_in_the_matrix``, which
names it: adding a route means adding its line here.

The staff admin (/admin/) generates a dozen routes per registered model; they all go through
the same ``AdminSite.admin_view`` (is_staff) and ModelAdmin permission checks, so they are
covered by representative lines (the index, a changelist, a record's change view, a user's
change view) and excluded from the "missing" check by their namespace "admin". The caregiver
site (/care-admin/, namespace "care_admin") has few routes and scopes every one of them to
the signed-in caregiver's patients, so every one of them has a line.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, cast
from urllib.parse import urlencode, urlsplit

import pytest
from django.db import transaction
from django.http import HttpResponse
from django.test import override_settings
from django.utils import timezone

from tests import authz
from tests.authz import INVITATION_TOKEN, METHODS, ROLES, World
from tracker.models import AccessLog, CareLink

pytestmark = pytest.mark.django_db

SIGN_IN_PAGES = ("/accounts/login/", "/care-admin/login/", "/admin/login/")


# --- what an answer may be -------------------------------------------------------------------


@dataclass(frozen=True)
class E:
    """An expected answer."""

    codes: frozenset[int]
    login: bool = False  # a redirect to a sign-in page (with ?next=) is also this answer
    location: str = ""  # a redirect whose Location starts with this
    sees: bool = False  # may show the owner's data (the owner always may)
    stores: bool = True  # may change stored rows (never for a refusal)
    audits: bool = False  # must write an AccessLog row about the owner

    def __str__(self) -> str:
        parts = [str(c) for c in sorted(self.codes)] + (["sign-in"] if self.login else [])
        return "/".join(parts) + (f" to {self.location}" if self.location else "")


def ok(code: int = 200, **flags: Any) -> E:
    return E(frozenset({code}), **flags)


def redirect(location: str, **flags: Any) -> E:
    return E(frozenset({302}), location=location, **flags)


UNAUTHORIZED = E(frozenset({401}), stores=False)
FORBIDDEN = E(frozenset({403}), stores=False)
NOT_FOUND = E(frozenset({404}), stores=False)
BAD_REQUEST = E(frozenset({400}), stores=False)
LOGIN = E(frozenset(), login=True, stores=False)
REFUSED = E(frozenset({401, 403, 404, 405}), login=True, stores=False)
SEES = ok(sees=True)
READ = ok(stores=False)  # a page that must not write anything
SEES_READ = ok(sees=True, stores=False)
TO_CHANGE_VIEW = redirect("/care-admin/tracker/user/")  # the admin's "/<id>/" redirect
AUDITED = ok(sees=True, audits=True)

Spec = dict[str, E]


def roles(rest: E, **by_role: E) -> Spec:
    unknown = set(by_role) - set(ROLES)
    assert not unknown, f"unknown roles {unknown}"
    return {role: by_role.get(role, rest) for role in ROLES}


# The shapes most routes have. Keyword arguments override single roles.
def own(code: int = 200, **by_role: E) -> Spec:
    """API, the owner's row: the owner only; anyone else 404 (DESIGN invariant 1)."""
    return roles(NOT_FOUND, **{"anon": UNAUTHORIZED, "owner": ok(code), **by_role})


def mine(code: int = 200, **by_role: E) -> Spec:
    """API, the signed-in person's own data: everyone signed in, each seeing only theirs."""
    return roles(ok(code), **{"anon": UNAUTHORIZED, **by_role})


def public(code: int = 200, **by_role: E) -> Spec:
    return roles(ok(code), **by_role)


def page(code: int = 200, **by_role: E) -> Spec:
    """Web, a page of the signed-in person's own: anyone else is sent to sign in."""
    return roles(ok(code), **{"anon": LOGIN, **by_role})


def web_own(code: int = 200, **by_role: E) -> Spec:
    return roles(NOT_FOUND, **{"anon": LOGIN, "owner": ok(code), **by_role})


def care_site(**by_role: E) -> Spec:
    """/care-admin/: only caregivers with an active link get in; the rest go to its sign-in."""
    return roles(LOGIN, **by_role)


def staff_site(**by_role: E) -> Spec:
    return roles(LOGIN, **by_role)


Body = Callable[[World, str], dict[str, Any]]


@dataclass(frozen=True)
class Row:
    methods: dict[str, Spec]
    # The fixture whose id fills the path, or {param: a literal or "{fixture}"}.
    obj: str | dict[str, str] = ""
    query: str = ""
    body: Body | None = None  # for POST, PUT, PATCH and DELETE
    bodies: dict[str, Body] = field(default_factory=dict)  # a method's own body
    known: dict[str, str] = field(default_factory=dict)  # method → known defect (strict xfail)


def row(
    obj: str | dict[str, str] = "",
    *,
    query: str = "",
    body: Body | dict[str, Any] | None = None,
    bodies: dict[str, Body | dict[str, Any]] | None = None,
    known: dict[str, str] | None = None,
    every: dict[str, Spec] | None = None,  # specs for many methods at once (every_method)
    **by_method: Spec,
) -> Row:
    methods = {**(every or {}), **by_method}
    unknown = set(methods) - set(METHODS)
    assert not unknown, f"unknown methods {unknown}"
    return Row(
        methods=methods,
        obj=obj,
        query=query,
        body=_body(body),
        bodies={method: _body(b) for method, b in (bodies or {}).items()},  # type: ignore[misc]
        known=known or {},
    )


def _body(body: Body | dict[str, Any] | None) -> Body | None:
    if body is None or callable(body):
        return body
    return lambda world, role: dict(body)


def every_method(spec: Spec) -> dict[str, Spec]:
    return dict.fromkeys(METHODS, spec)


# --- request bodies (valid ones: a refusal must come from who asks, not from what) -----------


def _in(**delta: Any) -> str:
    return (timezone.now() + timedelta(**delta)).isoformat()


def b_register(w: World, role: str) -> dict[str, Any]:
    return {"email": f"new.{role}@example.org", "password": authz.PASSWORD, "timezone": "UTC"}


def b_intake(w: World, role: str) -> dict[str, Any]:
    # The owner's own label food: for anyone else it "does not exist" (400, nothing stored).
    return {"food": w.ids["food"], "grams": "100", "eaten_at": _in(hours=-1), "meal": "lunch"}


def b_dose(w: World, role: str) -> dict[str, Any]:
    return {"supplement": w.ids["supplement"], "status": "taken"}


def b_injection(w: World, role: str) -> dict[str, Any]:
    return {"plan": w.ids["plan"], "given_at": _in(hours=-2), "site": "right_thigh"}


def b_reminder(w: World, role: str) -> dict[str, Any]:
    return {"kind": "supplement", "supplement": w.ids["supplement"], "times": ["09:30"]}


SUPPLEMENT = {"name": "Sublingual B12", "form": "methylcobalamin", "route": "sublingual",
              "dose_ug": "1000"}  # fmt: skip
PLAN = {"product": "Hydroxocobalamin", "dose": "1", "dose_unit": "mg", "route": "im",
        "maintenance_interval_days": 90}  # fmt: skip
SYMPTOM = {"symptom": "tiredness", "severity": 3, "recorded_at": "2026-01-05T10:00:00+00:00"}
LAB = {"test": "serum_b12", "value": "350", "unit": "pg/mL",
       "sampled_at": "2026-01-03T08:00:00+00:00"}  # fmt: skip
FOOD = {"name": "Yeast flakes", "b12_ug_per_100g": "20"}
DEVICE = {"type": "fcm", "registration_id": "matrix-new-fcm-token"}
INVITE = {"email": "fresh.invitee@example.org", "permissions": ["view_summary"]}
ACCEPT = {"token": INVITATION_TOKEN}

# --- the matrix: one line per route ----------------------------------------------------------

MATRIX: dict[str, Row] = {
    # Web pages.
    "/": row(GET=public()),
    "/healthz": row(GET=roles(E(frozenset({200, 503})))),  # 503 names a failing dependency
    "/dashboard/": row(GET=page()),
    "/care/access-log/": row(GET=page()),
    "/care/": row(GET=page(linked=SEES), POST=page(302, linked=redirect("/care/")), body=INVITE),
    "/care/accept/": row(
        GET=public(),
        # The token is the invitation: whoever holds it may accept, except the patient and
        # someone already linked.
        POST=roles(
            redirect("/care/", sees=True), anon=LOGIN, owner=BAD_REQUEST, linked=BAD_REQUEST
        ),
        body=ACCEPT,
    ),  # fmt: skip
    "/care/links/{link_id}/revoke/": row(
        "link",
        GET=web_own(linked=SEES),
        POST=web_own(302, linked=redirect("/care/", sees=True)),
    ),
    "/learn/": row(GET=public()),
    "/learn/{slug}/": row("article", GET=public()),
    "/screening/": row(GET=page()),
    "/disclaimer/": row(GET=page(), POST=roles(redirect("/learn/"), anon=LOGIN)),
    # Web pages: accounts and settings (tracker/web/urls_accounts.py, urls_privacy.py).
    "/accounts/signup/": row(
        # Someone signed in already has an account: on to the dashboard.
        GET=roles(redirect("/dashboard/"), anon=ok()),
        POST=roles(redirect("/dashboard/"), anon=BAD_REQUEST),
        body={},
    ),
    "/accounts/login/": row(GET=public(), POST=public(400), PUT=public(400), body={}),
    "/accounts/logout/": row(POST=public(302)),
    "/accounts/password-reset/": row(GET=public(), POST=public(400), PUT=public(400), body={}),
    "/accounts/password-reset/sent/": row(GET=public()),
    "/accounts/reset/{uidb64}/{token}/": row(
        {"uidb64": "MQ", "token": "not-a-token"},  # a link that does not work
        GET=public(),
        POST=public(),
    ),
    "/accounts/reset/done/": row(GET=public()),
    "/settings/": row(GET=page(), POST=page(400), body={"timezone": "Nowhere/Else"}),
    "/settings/password/": row(GET=page(), POST=page(400), PUT=page(400), body={}),
    "/settings/delete-account/": row(GET=page(), POST=page(400), body={"password": "wrong"}),
    # Web pages: logging and history (tracker/web/urls_logging.py).
    "/log/": row(GET=page()),
    "/log/{log_slug}/": row({"log_slug": "food"}, GET=page(), POST=page(400), body={}),
    "/history/": row(GET=page()),
    "/history/{slug}/": row({"slug": "foods"}, GET=page()),
    "/history/{slug}/{record_id}/edit/": row(
        {"slug": "foods", "record_id": "{intake}"},
        GET=web_own(),
        POST=web_own(302),
        body={"note": "edited"},
    ),
    "/history/{slug}/{record_id}/delete/": row(
        {"slug": "foods", "record_id": "{intake}"}, GET=web_own(), POST=web_own(302)
    ),
    "/supplements/": row(GET=page(), POST=page(400), body={}),
    "/supplements/{record_id}/active/": row("supplement", POST=web_own(302), body={}),
    "/injections/plans/": row(GET=page(), POST=page(400), body={}),
    "/injections/plans/{record_id}/edit/": row(
        "plan", GET=web_own(), POST=web_own(302), body={"prescriber_note": "edited"}
    ),
    "/injections/plans/{record_id}/delete/": row("plan", GET=web_own(), POST=web_own(302)),
    # Web pages: reminders, the inbox, the installable app (tracker/web/urls_reminders.py).
    "/reminders/": row(GET=page()),
    "/reminders/new/": row(GET=page(), POST=page(400), body={"kind": "diary"}),  # no times
    "/reminders/{reminder_id}/edit/": row(
        "reminder", GET=web_own(), POST=web_own(302), body={"times": "10:00"}
    ),
    "/reminders/{reminder_id}/active/": row(
        "reminder", POST=web_own(302), body={"active": "false"}
    ),
    "/reminders/{reminder_id}/snooze/": row("reminder", POST=web_own(302), body={}),
    "/reminders/{reminder_id}/delete/": row("reminder", GET=web_own(), POST=web_own(302)),
    "/inbox/": row(GET=page()),
    "/notifications/{notification_id}/": row("notification", GET=web_own()),
    "/inbox/{notification_id}/act/": row(
        "notification", POST=web_own(302), body={"action": "skipped"}
    ),
    "/inbox/{notification_id}/read/": row("notification", POST=web_own(302)),
    "/manifest.webmanifest": row(GET=public()),
    "/sw.js": row(GET=public()),
    "/offline/": row(GET=public()),
    # The API: accounts.
    "/api/v1/auth/register/": row(POST=public(201), body=b_register),
    "/api/v1/auth/token/": row(POST=public(400), body={}),  # credentials: test_api_auth.py
    "/api/v1/auth/token/refresh/": row(POST=public(400), body={}),
    "/api/v1/auth/logout/": row(POST=public(400), body={}),
    "/api/v1/me/": row(
        GET=mine(),
        PATCH=mine(),
        DELETE=mine(204),  # erases one's own account, with the password
        body={"diet_type": "vegan"},
        bodies={"DELETE": {"password": authz.PASSWORD}},
    ),
    # A caregiver's export holds their side of the link and their reads (the patient's id).
    "/api/v1/me/export/": row(GET=mine(linked=SEES)),
    "/api/v1/me/report/": row(GET=mine()),
    "/api/v1/meta/": row(GET=public()),
    # The API: reads.
    "/api/v1/screening/": row(GET=mine()),
    "/api/v1/dashboard/": row(GET=mine()),
    "/api/v1/trends/": row(GET=mine()),
    "/api/v1/articles/": row(GET=public()),
    "/api/v1/articles/suggested/": row(GET=mine()),
    "/api/v1/articles/{slug}/": row("article", GET=public()),
    "/api/v1/alerts/": row(GET=mine()),
    "/api/v1/alerts/{pk}/": row("alert", GET=own()),
    "/api/v1/alerts/{pk}/acknowledge/": row("alert", POST=own()),
    # The API: records.
    "/api/v1/foods/": row(GET=mine(), POST=mine(201), query="?search=Zyxwowner", body=FOOD),
    "/api/v1/foods/{pk}/": row("food", GET=own()),
    "/api/v1/food-intakes/": row(GET=mine(), POST=mine(400, owner=ok(201)), body=b_intake),
    "/api/v1/food-intakes/{pk}/": row(
        "intake", GET=own(), PATCH=own(), DELETE=own(204), body={"note": "edited"}
    ),
    "/api/v1/supplements/": row(GET=mine(), POST=mine(201), body=SUPPLEMENT),
    "/api/v1/supplements/{pk}/": row(
        "supplement", GET=own(), PATCH=own(), DELETE=own(204), body={"active": False}
    ),
    "/api/v1/supplement-doses/": row(GET=mine(), POST=mine(400, owner=ok(201)), body=b_dose),
    "/api/v1/supplement-doses/{pk}/": row(
        "dose", GET=own(), PATCH=own(), DELETE=own(204), body={"units": "2"}
    ),
    "/api/v1/injection-plans/": row(GET=mine(), POST=mine(201), body=PLAN),
    "/api/v1/injection-plans/{pk}/": row(
        "plan", GET=own(), PATCH=own(), DELETE=own(204), body={"prescriber_note": "edited"}
    ),
    "/api/v1/injections/": row(GET=mine(), POST=mine(400, owner=ok(201)), body=b_injection),
    "/api/v1/injections/{pk}/": row(
        "injection", GET=own(), PATCH=own(), DELETE=own(204), body={"lot": "B77"}
    ),
    "/api/v1/symptom-entries/": row(GET=mine(), POST=mine(201), body=SYMPTOM),
    "/api/v1/symptom-entries/{pk}/": row(
        "symptom", GET=own(), PATCH=own(), DELETE=own(204), body={"severity": 2}
    ),
    "/api/v1/lab-results/": row(GET=mine(), POST=mine(201), body=LAB),
    "/api/v1/lab-results/{pk}/": row(
        "lab", GET=own(), PATCH=own(), DELETE=own(204), body={"lab_name": "City lab"}
    ),
    # The API: reminders, the inbox, devices.
    "/api/v1/reminders/": row(GET=mine(), POST=mine(400, owner=ok(201)), body=b_reminder),
    "/api/v1/reminders/{pk}/": row(
        "reminder", GET=own(), PATCH=own(), DELETE=own(204), body={"times": ["10:00"]}
    ),
    "/api/v1/reminders/{pk}/snooze/": row("reminder", POST=own(), body={"minutes": 15}),
    "/api/v1/notifications/": row(GET=mine()),
    "/api/v1/notifications/{pk}/": row("notification", GET=own()),
    "/api/v1/notifications/{pk}/act/": row("notification", POST=own(), body={"action": "skipped"}),
    "/api/v1/notifications/{pk}/read/": row("notification", POST=own()),
    "/api/v1/devices/": row(GET=mine(), POST=mine(201), body=DEVICE),
    "/api/v1/devices/vapid-public-key/": row(GET=mine()),
    "/api/v1/devices/{id}/": row("device", GET=own(), DELETE=own(204)),
    # The API: caregivers.
    "/api/v1/care/access-log/": row(GET=mine()),
    "/api/v1/care/invitations/": row(POST=mine(201), body=INVITE),
    "/api/v1/care/invitations/accept/": row(
        POST=mine(
            200,
            owner=BAD_REQUEST,
            linked=BAD_REQUEST,
            other=SEES,
            unlinked=SEES,
            staff=SEES,
            superuser=SEES,
        ),
        body=ACCEPT,
    ),  # fmt: skip
    "/api/v1/care/links/": row(GET=mine(linked=SEES)),
    "/api/v1/care/links/{pk}/": row("link", GET=own(linked=SEES), DELETE=own(204, linked=ok(204))),
    "/api/v1/care/links/{pk}/revoke/": row("link", POST=own(linked=FORBIDDEN)),
    "/api/v1/care/patients/{patient_id}/summary/": row(
        "owner_user", GET=own(owner=NOT_FOUND, linked=AUDITED)
    ),
    # The API's schema and docs: public.
    "/api/schema/": row(GET=public()),
    "/api/docs/": row(GET=public()),
    # The caregiver site, every route: the linked caregiver sees the owner; the unlinked one
    # (who cares for someone else) gets in but finds nothing of the owner's.
    # Django's admin renders its pages for any method (a PUT like a GET): listed as such, and
    # none of them may store anything but the audit rows of what they show.
    "/care-admin/": row(every=every_method(care_site(linked=SEES_READ, unlinked=READ))),
    "/care-admin/login/": row(
        GET=public(linked=redirect("/care-admin/"), unlinked=redirect("/care-admin/")),
        POST=public(),  # an empty form, shown again
        PUT=public(),  # Django's LoginView answers PUT like POST
        body={},
    ),
    "/care-admin/logout/": row(
        # Someone not let in is sent to the site's index (and from there to sign in).
        every=every_method(roles(redirect("/care-admin/"), linked=REFUSED, unlinked=REFUSED)),
        POST=roles(redirect("/care-admin/"), linked=redirect("/"), unlinked=redirect("/")),
    ),
    "/care-admin/password_change/": row(),
    "/care-admin/password_change/done/": row(),
    "/care-admin/autocomplete/": row(),
    "/care-admin/jsi18n/": row(GET=care_site(linked=READ, unlinked=READ)),
    # The unlinked caregiver's list shows (and audits) their own patient only.
    "/care-admin/tracker/user/": row(every=every_method(care_site(linked=AUDITED, unlinked=ok()))),
    "/care-admin/tracker/user/add/": row(),
    "/care-admin/tracker/user/{object_id}/history/": row("owner_user"),
    "/care-admin/tracker/user/{object_id}/delete/": row("owner_user"),
    "/care-admin/tracker/user/{object_id}/change/": row(
        "owner_user", every=every_method(care_site(linked=AUDITED, unlinked=NOT_FOUND))
    ),
    "/care-admin/tracker/user/{object_id}/": row(
        "owner_user",
        every=every_method(care_site(linked=TO_CHANGE_VIEW, unlinked=TO_CHANGE_VIEW)),
    ),
    "/care-admin/tracker/": row(every=every_method(care_site(linked=READ, unlinked=READ))),
    "/care-admin/{url}": row("nothing"),
    # The staff admin, by representatives (see the module docstring). Django's admin pages
    # answer every method alike (PUT renders like GET): who gets in is what differs, and none
    # of them may store anything.
    "/admin/": row(every=every_method(staff_site(staff=READ, superuser=READ))),
    "/admin/tracker/symptomentry/": row(
        every=every_method(staff_site(staff=FORBIDDEN, superuser=ok(sees=True, stores=False)))
    ),
    "/admin/tracker/symptomentry/{object_id}/change/": row(
        "symptom",
        # Records are read-only in the staff admin: showing one is audited, saving is refused.
        every=every_method(staff_site(staff=FORBIDDEN, superuser=AUDITED)),
        POST=staff_site(staff=FORBIDDEN, superuser=FORBIDDEN),
        body={},
    ),
    "/admin/tracker/user/{object_id}/change/": row(
        "owner_user",
        # POST: an empty form, shown again with its errors.
        every=every_method(staff_site(staff=FORBIDDEN, superuser=ok(sees=True, stores=False))),
        body={},
    ),
}

# Generated by the staff admin for every registered model (see the module docstring).
EXCLUDED_NAMESPACES = {"admin"}


# --- the requests ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    """The stored world, built once for the module inside a transaction that is rolled back
    at its end; each test runs in a savepoint of it."""
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=authz.FAST_HASHER):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            built = authz.build_world()
            built.sessions = {role: authz.session_key_for(user) for role, user in
                              built.users.items()}  # fmt: skip
            yield built
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


CLIENTS = authz.Clients()


def path_of(key: str, entry: Row, world: World) -> str:
    path = key
    for param in authz.route_params(key):
        if isinstance(entry.obj, str):
            value = world.ids.get(entry.obj, "")
        else:  # literal values, and "{fixture}" for a fixture's id
            given = entry.obj[param]
            value = world.ids[given[1:-1]] if given.startswith("{") else given
        assert value, f"{key}: say which fixture fills {{{param}}}"
        path = path.replace("{" + param + "}", value)
    return path + entry.query


def send(world: World, role: str, method: str, path: str, body: dict[str, Any] | None) -> Any:
    user = world.users.get(role)
    if path.startswith("/api/v1/"):
        client: Any = CLIENTS.api_as(user)
        if method == "GET":
            return client.get(path)
        return getattr(client, method.lower())(path, body or {}, format="json")
    client = CLIENTS.web_as(world.sessions.get(role))
    if method == "GET":
        return client.get(path)
    if method == "POST":
        return client.post(path, body or {})
    form = "application/x-www-form-urlencoded"
    return getattr(client, method.lower())(path, urlencode(body or {}, doseq=True), form)


def content_of(response: HttpResponse) -> str:
    raw = b"".join(response.streaming_content) if response.streaming else response.content  # type: ignore[attr-defined]
    return raw.decode("utf-8", "replace")


def matches(expected: E, response: HttpResponse) -> bool:
    location = urlsplit(response.get("Location", "")).path
    if expected.login and response.status_code == 302 and location in SIGN_IN_PAGES:
        return "next=" in response["Location"]
    if response.status_code not in expected.codes:
        return False
    return not expected.location or location.startswith(expected.location)


def owner_reads() -> int:
    return AccessLog.objects.filter(patient__email="owner.zyxw@example.org").count()


# A method a route does not list is refused by the view's method check for everyone alike; it
# is asked as these roles only (every role on the admin sites, whose checks differ by role),
# which keeps the whole matrix well under a minute.
UNLISTED_METHOD_ROLES = ("anon", "owner", "other", "linked", "superuser")


def check_route(world: World, key: str, method: str) -> list[str]:
    entry = MATRIX[key]
    spec = entry.methods.get(method) or roles(REFUSED)
    asked: tuple[str, ...] = ROLES
    if method not in entry.methods and not key.startswith(("/admin/", "/care-admin/")):
        asked = UNLISTED_METHOD_ROLES
    path = path_of(key, entry, world)
    before, reads_before = authz.snapshot(), owner_reads()
    failures = []
    for role in asked:
        expected = spec[role]
        write = entry.bodies.get(method, entry.body)
        body = write(world, role) if write and method != "GET" else None
        with transaction.atomic():
            response = send(world, role, method, path, body)
            answer = f"{response.status_code} {response.get('Location', '')}".strip()
            if not matches(expected, response):
                failures.append(f"{role}: expected {expected}, got {answer}")
            if not expected.stores:
                changed = authz.changed_tables(before, authz.snapshot())
                if changed:
                    failures.append(f"{role}: {answer} but stored changes in {changed}")
            if expected.audits and owner_reads() != reads_before + 1:
                failures.append(f"{role}: read the owner's data without one AccessLog row")
            if role != "owner" and not expected.sees:
                sent = path + repr(body)
                text = content_of(response)
                leaked = [s for s in world.owner_secrets if s in text and s not in sent]
                if leaked:
                    failures.append(f"{role}: {answer} shows the owner's {leaked}")
            transaction.set_rollback(True)
    return failures


def _cases() -> list[Any]:
    cases = []
    for key, entry in MATRIX.items():
        for method in METHODS:
            marks = []
            if method in entry.known:
                marks.append(pytest.mark.xfail(strict=True, reason=entry.known[method]))
            cases.append(pytest.param(key, method, id=f"{method} {key}", marks=marks))
    return cases


@pytest.mark.parametrize(("key", "method"), _cases())
def test_route_answers_each_role_as_the_matrix_says(world: World, key: str, method: str) -> None:
    failures = check_route(world, key, method)
    assert not failures, f"{method} {key}:\n  " + "\n  ".join(failures)


# --- the caregiver site's patient scoping ----------------------------------------------------


def patients_listed(world: World, role: str) -> list[str]:
    response = CLIENTS.web_as(world.sessions[role]).get("/care-admin/tracker/user/")
    if response.status_code != 200:
        return [f"<{response.status_code} {response.get('Location', '')}>"]
    listed = cast(Any, response).context_data["cl"].result_list
    return sorted(str(patient.email) for patient in listed)


def test_the_caregiver_site_lists_exactly_the_patients_linked_to_the_caregiver(
    world: World,
) -> None:
    owner, third = world.users["owner"].email, world.users["third"].email
    assert patients_listed(world, "linked") == [owner]
    assert patients_listed(world, "unlinked") == [third]  # cares for someone else: not the owner
    for role in ("owner", "other", "staff", "superuser"):  # no link: not let in at all
        assert patients_listed(world, role) == [
            "<302 /care-admin/login/?next=/care-admin/tracker/user/>"
        ]


def test_a_revoked_link_shuts_the_caregiver_site_on_the_next_request(world: World) -> None:
    with transaction.atomic():
        CareLink.objects.filter(pk=world.ids["link"]).update(
            status="revoked", revoked_at=timezone.now()
        )
        assert patients_listed(world, "linked") == [
            "<302 /care-admin/login/?next=/care-admin/tracker/user/>"
        ]
        change = f"/care-admin/tracker/user/{world.ids['owner_user']}/change/"
        response = CLIENTS.web_as(world.sessions["linked"]).get(change)
        assert response.status_code == 302 and "/care-admin/login/" in response["Location"]
        transaction.set_rollback(True)


# --- the matrix covers the URLconf -----------------------------------------------------------


def test_every_route_is_in_the_matrix() -> None:
    missing = [
        route.key
        for route in authz.iter_routes()
        if route.namespace not in EXCLUDED_NAMESPACES and route.key not in MATRIX
    ]
    assert not missing, (
        "Routes without a line in tests/test_authorization_matrix.py MATRIX (say who may do "
        "what with each method):\n  " + "\n  ".join(missing)
    )


def test_every_matrix_line_is_a_route() -> None:
    keys = {route.key for route in authz.iter_routes()}
    stale = [key for key in MATRIX if key not in keys]
    assert not stale, "MATRIX lines for routes that no longer exist:\n  " + "\n  ".join(stale)


def test_the_matrix_lists_exactly_the_methods_each_api_view_allows() -> None:
    # DRF views and class-based views say which methods they answer; function views are
    # probed by the matrix itself (every method, every role).
    wrong = []
    for route in authz.iter_routes():
        declared = route.declared_methods
        if declared is None or route.key not in MATRIX or route.namespace:
            continue
        listed = set(MATRIX[route.key].methods)
        if listed != declared:
            wrong.append(f"{route.key}: the view allows {sorted(declared)}, the matrix lists "
                         f"{sorted(listed)}")  # fmt: skip
    assert not wrong, "\n  ".join(["Methods out of step:", *wrong])
