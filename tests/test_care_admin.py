"""The caregiver site (/care-admin/) and the summary API: who sees what, on every route.

DESIGN invariant 1 (a caregiver reaches only summaries of patients with an active, unexpired
link; revocation takes effect on the next request), 6 (the dashboard's numbers) and 8 (one
AccessLog row per read, none for a refused request).
"""

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.test import Client

from tests.conftest import client_for
from tests.factories import PASSWORD, make_user
from tests.history import add_history
from tracker.admin.care_site import care_site
from tracker.api.care_summary import CareSummarySerializer
from tracker.models import AccessLog, Alert, CareLink, SymptomEntry, User
from tracker.queries.care_summary import summary_for, summary_rows
from tracker.queries.dashboard import dashboard_for
from tracker.queries.trends import trends_for

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)  # a Tuesday; noon in London
pytestmark = pytest.mark.django_db

PATIENT_EMAIL = "pat.linked@example.org"
OTHER_EMAIL = "quinn.other@example.org"
# What the linked patient's summary shows (add_history over 40 days, Europe/London): today
# 4 × 0.76 µg of food + a 50 µg dose; one dose in five missed.
PATIENT_NUMBERS = ("53.04", "6 of 7", "24 of 30", "Hydroxo", "B12 50", "History drink")


@pytest.fixture(autouse=True)
def _frozen_time() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def link(patient: User, caregiver: User, **fields: object) -> CareLink:
    fields.setdefault("status", "active")
    fields.setdefault("permissions", ["view_summary", "missed_dose_alerts"])
    fields.setdefault("accepted_at", NOW - timedelta(days=3))
    return CareLink.objects.create(patient=patient, caregiver=caregiver, **fields)


def red_flag(person: User) -> Alert:
    entry = SymptomEntry.objects.create(
        owner=person, symptom="numbness", severity=9, recorded_at=NOW - timedelta(hours=2)
    )
    return Alert.objects.create(
        owner=person, symptom_entry=entry, rule="severe_nerve_symptom", level="urgent"
    )


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def patient() -> User:
    person = make_user(email=PATIENT_EMAIL, timezone="Europe/London")
    add_history(person, days=40, end=NOW)
    red_flag(person)
    return person


@pytest.fixture
def other_patient() -> User:
    """Someone else's patient: linked, actively, to a different caregiver."""
    person = make_user(email=OTHER_EMAIL, timezone="America/New_York")
    add_history(person, days=5, end=NOW)
    link(person, make_user(email="dana.caregiver@example.org"))
    return person


@pytest.fixture
def caregiver() -> User:
    return make_user(email="carol.caregiver@example.org", timezone="Europe/Paris")


# --- the scoping matrix --------------------------------------------------------------------


def admin_urls(target: User) -> dict[str, str]:
    user_type = ContentType.objects.get_for_model(User).pk
    base = "/care-admin/tracker/user/"
    return {
        "index": "/care-admin/",
        "app index": "/care-admin/tracker/",
        "list": base,
        "search": f"{base}?q={target.email.split('@')[0]}",
        "summary": f"{base}{target.pk}/change/",
        "history": f"{base}{target.pk}/history/",
        "autocomplete": (
            "/care-admin/autocomplete/?app_label=tracker&model_name=user&field_name=groups&term=a"
        ),
        "add": f"{base}add/",
        "delete": f"{base}{target.pk}/delete/",
        "password change": "/care-admin/password_change/",
        "password change done": "/care-admin/password_change/done/",
        "made-up model": "/care-admin/tracker/food/",
        "another app": "/care-admin/auth/group/",
        "object shortcut": f"/care-admin/r/{user_type}/{target.pk}/",
        "filter on a field": f"{base}?is_staff__exact=0",
        "api": f"/api/v1/care/patients/{target.pk}/summary/",
    }


SEES = {  # an active link with view_summary, asking about that patient
    "index": 200,
    "app index": 200,
    "list": 200,
    "search": 200,
    "summary": 200,
    "history": 404,
    "autocomplete": 404,
    "add": 404,
    "delete": 404,
    "password change": 404,
    "password change done": 404,
    "made-up model": 404,
    "another app": 404,
    "object shortcut": 404,
    "filter on a field": 400,  # no lookups at all: not is_staff, not password__startswith
    "api": 200,
}
# The same caregiver asking about a person they have no link to: the pages that name nobody in
# the URL still open (and show only their own patient), every id of the other person is 404.
ASKS_ABOUT_ANOTHER = {**SEES, "summary": 404, "api": 404}
# Everyone else: the site sends them to its sign-in page, and the API does not know the id.
REFUSED = {name: 302 for name in SEES} | {"api": 404}

READS = {"list": 1, "search": 1, "summary": 1, "api": 1}  # AccessLog rows per request

SCENARIOS: dict[str, tuple[dict[str, object] | None, dict[str, int], dict[str, int]]] = {
    "active link": ({}, SEES, READS),
    "expired link": ({"expires_at": NOW - timedelta(minutes=1)}, REFUSED, {}),
    "revoked link": ({"status": "revoked", "revoked_at": NOW - timedelta(days=1)}, REFUSED, {}),
    "alerts only": ({"permissions": ["missed_dose_alerts"]}, REFUSED, {}),
    "invitation not accepted": ({"status": "invited", "accepted_at": None}, REFUSED, {}),
    "no link": (None, REFUSED, {}),
    "another patient's id": ({}, ASKS_ABOUT_ANOTHER, {"list": 1}),
}


@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_scoping_matrix_over_every_caregiver_route(scenario, patient, other_patient, caregiver):  # type: ignore[no-untyped-def]
    link_fields, expected, reads = SCENARIOS[scenario]
    if link_fields is not None:
        link(patient, caregiver, **link_fields)
    target = other_patient if scenario == "another patient's id" else patient
    browser, api = signed_in(caregiver), client_for(caregiver)

    statuses, logged, leaks = {}, {}, []
    for name, url in admin_urls(target).items():
        before = AccessLog.objects.count()
        response = (api if name == "api" else browser).get(url)
        statuses[name] = response.status_code
        logged[name] = AccessLog.objects.count() - before
        body = response.content.decode()
        if response.status_code == 302:
            assert response["Location"].startswith("/care-admin/login/?next=")
            body += browser.get(response["Location"]).content.decode()
        # Nobody's data in a refused answer; never the other caregiver's patient anywhere.
        secrets = [OTHER_EMAIL]
        if response.status_code != 200:
            secrets += [PATIENT_EMAIL, *PATIENT_NUMBERS]
        leaks += [(name, secret) for secret in secrets if secret in body]

    assert statuses == expected
    assert {name: count for name, count in logged.items() if count} == reads
    assert leaks == []
    assert not AccessLog.objects.filter(patient=other_patient).exists()
    if expected is SEES:
        assert all(r.patient == patient for r in AccessLog.objects.all())


def test_an_active_link_shows_that_patients_list_row_and_summary(patient, caregiver):  # type: ignore[no-untyped-def]
    link(patient, caregiver)
    browser = signed_in(caregiver)

    listing = browser.get("/care-admin/tracker/user/").content.decode()
    page = browser.get(f"/care-admin/tracker/user/{patient.pk}/change/")
    text = page.content.decode()

    assert PATIENT_EMAIL in listing
    assert "6 of 7 (86 %)" in listing and "24 of 30 (80 %)" in listing
    assert "Tue 1 Dec, 09:00" in listing  # the last logged intake, in London time
    assert "1 open (1 urgent)" in listing
    assert "carol.caregiver@example.org" in listing  # "signed in as", nothing more
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"] and "private" in page["Cache-Control"]
    assert "53.04 µg" in text and "Absorbed (estimate)" in text
    assert "6 of 7 (86 %)" in text and "24 of 30 (80 %)" in text
    assert "Severe numbness, tingling, unsteadiness or weakness" in text
    assert "seek medical advice urgently" in text
    assert "Missed doses, last 7 days" in text
    assert text.count('role="img"') == 3  # intake, adherence and symptom charts
    assert "does not diagnose" in text
    # Read-only: no form posts anything but the sign-out button.
    assert text.count("<form") == 1 and 'action="/care-admin/logout/"' in text


def test_the_search_looks_only_at_visible_patients_and_only_by_email(
    patient, other_patient, caregiver
):  # type: ignore[no-untyped-def]
    link(patient, caregiver)
    browser = signed_in(caregiver)

    by_other_email = browser.get("/care-admin/tracker/user/", {"q": OTHER_EMAIL}).content.decode()
    by_own_email = browser.get("/care-admin/tracker/user/", {"q": "pat.linked"}).content.decode()
    by_name = browser.get("/care-admin/tracker/user/", {"q": "Hydroxo"}).content.decode()

    assert OTHER_EMAIL not in by_other_email.replace(f'value="{OTHER_EMAIL}"', "")
    assert "Nobody who shares with you matches that search." in by_other_email
    assert PATIENT_EMAIL in by_own_email
    assert PATIENT_EMAIL not in by_name
    assert AccessLog.objects.filter(what="patient list").count() == 1  # the one row shown


@pytest.mark.parametrize(
    "query",
    ["password__startswith=md5", "is_superuser=1", "profile__timezone=Europe/London", "o=1"],
)
def test_no_lookup_or_ordering_parameter_reaches_the_patient_accounts(query, patient, caregiver):  # type: ignore[no-untyped-def]
    link(patient, caregiver)

    response = signed_in(caregiver).get(f"/care-admin/tracker/user/?{query}")

    if query == "o=1":  # nothing is sortable: the parameter is ignored
        assert response.status_code == 200
    else:
        assert response.status_code == 400
        assert PATIENT_EMAIL not in response.content.decode()


def test_only_the_patient_summary_is_registered_and_it_allows_nothing_but_viewing(
    patient, caregiver
):  # type: ignore[no-untyped-def]
    link(patient, caregiver)
    request = signed_in(caregiver).get("/care-admin/").wsgi_request
    model_admin = care_site._registry[User]

    assert list(care_site._registry) == [User]
    assert model_admin.get_model_perms(request) == {
        "add": False,
        "change": False,
        "delete": False,
        "view": True,
    }
    assert model_admin.get_actions(request) == {}
    assert model_admin.get_list_filter(request) == ()


def test_posting_to_the_summary_changes_nothing(patient, caregiver):  # type: ignore[no-untyped-def]
    link(patient, caregiver)
    browser = Client(enforce_csrf_checks=False)
    browser.force_login(caregiver)

    response = browser.post(
        f"/care-admin/tracker/user/{patient.pk}/change/", {"email": "hijack@example.org"}
    )

    patient.refresh_from_db()
    assert response.status_code == 200
    assert patient.email == PATIENT_EMAIL


# --- revocation and expiry: the very next request ----------------------------------------


def test_revocation_takes_effect_on_the_next_request_of_the_same_session(patient, caregiver):  # type: ignore[no-untyped-def]
    care = link(patient, caregiver)
    browser, api = signed_in(caregiver), client_for(caregiver)
    summary_url = f"/care-admin/tracker/user/{patient.pk}/change/"
    api_url = f"/api/v1/care/patients/{patient.pk}/summary/"
    assert browser.get(summary_url).status_code == 200
    assert api.get(api_url).status_code == 200

    care.status, care.revoked_at = "revoked", NOW
    care.save()

    refused = browser.get(summary_url)
    assert refused.status_code == 302
    assert browser.get("/care-admin/tracker/user/").status_code == 302
    assert api.get(api_url).status_code == 404
    landing = browser.get(refused["Location"]).content.decode()
    assert "Nothing is shared with you at the moment" in landing
    assert PATIENT_EMAIL not in landing
    assert AccessLog.objects.filter(patient=patient).count() == 2  # the two reads before


def test_revoking_one_of_two_links_hides_only_that_patient(patient, other_patient, caregiver):  # type: ignore[no-untyped-def]
    kept = make_user(email="kept.patient@example.org")
    care = link(patient, caregiver)
    link(kept, caregiver)
    browser = signed_in(caregiver)
    assert PATIENT_EMAIL in browser.get("/care-admin/tracker/user/").content.decode()

    care.status, care.revoked_at = "revoked", NOW
    care.save()

    listing = browser.get("/care-admin/tracker/user/").content.decode()
    assert "kept.patient@example.org" in listing and PATIENT_EMAIL not in listing
    assert browser.get(f"/care-admin/tracker/user/{patient.pk}/change/").status_code == 404


def test_an_end_date_takes_effect_the_moment_it_passes(patient, caregiver):  # type: ignore[no-untyped-def]
    link(patient, caregiver, expires_at=NOW + timedelta(hours=1))
    browser = signed_in(caregiver)
    summary_url = f"/care-admin/tracker/user/{patient.pk}/change/"
    api_url = f"/api/v1/care/patients/{patient.pk}/summary/"
    assert browser.get(summary_url).status_code == 200
    assert client_for(caregiver).get(api_url).status_code == 200

    with time_machine.travel(NOW + timedelta(hours=1, seconds=1), tick=False):
        assert browser.get(summary_url).status_code == 302
        assert client_for(caregiver).get(api_url).status_code == 404  # a fresh token


def test_taking_view_summary_off_a_link_takes_effect_on_the_next_request(patient, caregiver):  # type: ignore[no-untyped-def]
    care = link(patient, caregiver)
    browser = signed_in(caregiver)
    assert browser.get("/care-admin/tracker/user/").status_code == 200

    care.permissions = ["missed_dose_alerts"]
    care.save()

    assert browser.get("/care-admin/tracker/user/").status_code == 302


# --- who is who ---------------------------------------------------------------------------


def test_another_caregivers_session_never_sees_the_first_caregivers_patients(
    patient, other_patient, caregiver
):  # type: ignore[no-untyped-def]
    link(patient, caregiver)
    second = User.objects.get(email="dana.caregiver@example.org")
    first_browser, second_browser = signed_in(caregiver), signed_in(second)

    first = first_browser.get("/care-admin/tracker/user/").content.decode()
    second_list = second_browser.get("/care-admin/tracker/user/").content.decode()

    assert PATIENT_EMAIL in first and OTHER_EMAIL not in first
    assert OTHER_EMAIL in second_list and PATIENT_EMAIL not in second_list
    assert second_browser.get(f"/care-admin/tracker/user/{patient.pk}/change/").status_code == 404
    assert client_for(second).get(f"/api/v1/care/patients/{patient.pk}/summary/").status_code == 404


def test_a_caregiver_who_is_also_a_patient_never_sees_themselves(patient, caregiver):  # type: ignore[no-untyped-def]
    link(patient, caregiver)
    link(caregiver, make_user(email="their.daughter@example.org"))  # carol is someone's patient
    browser = signed_in(caregiver)

    listing = browser.get("/care-admin/tracker/user/").content.decode()
    searched = browser.get("/care-admin/tracker/user/", {"q": "carol"}).content.decode()

    assert listing.count("carol.caregiver@example.org") == 1  # "signed in as" only
    assert searched.count("carol.caregiver@example.org") == 1
    assert "Nobody who shares with you matches that search." in searched
    assert browser.get(f"/care-admin/tracker/user/{caregiver.pk}/change/").status_code == 404
    own = client_for(caregiver).get(f"/api/v1/care/patients/{caregiver.pk}/summary/")
    assert own.status_code == 404


def test_staff_and_superusers_get_nothing_here_without_links_of_their_own(patient, other_patient):  # type: ignore[no-untyped-def]
    root = User.objects.create_superuser(email="root@example.org", password=PASSWORD)
    browser = signed_in(root)

    for url in admin_urls(patient).values():
        if url.startswith("/care-admin/"):
            assert browser.get(url).status_code == 302, url
    assert client_for(root).get(f"/api/v1/care/patients/{patient.pk}/summary/").status_code == 404
    assert browser.get("/admin/").status_code == 200  # their own site is unaffected

    link(patient, root)

    listing = browser.get("/care-admin/tracker/user/").content.decode()
    assert PATIENT_EMAIL in listing and OTHER_EMAIL not in listing
    assert browser.get(f"/care-admin/tracker/user/{other_patient.pk}/change/").status_code == 404
    assert browser.get("/care-admin/tracker/user/add/").status_code == 404


def test_an_inactive_caregiver_gets_nothing(patient, caregiver):  # type: ignore[no-untyped-def]
    link(patient, caregiver)
    browser = signed_in(caregiver)
    caregiver.is_active = False
    caregiver.save()

    assert browser.get("/care-admin/tracker/user/").status_code == 302
    assert browser.get(f"/care-admin/tracker/user/{patient.pk}/change/").status_code == 302


# --- signing in -----------------------------------------------------------------------------


def test_a_caregiver_signs_in_through_the_care_admin_form_without_being_staff(patient, caregiver):  # type: ignore[no-untyped-def]
    link(patient, caregiver)
    browser = Client()

    form = browser.get("/care-admin/login/")
    response = browser.post(
        "/care-admin/login/",
        {"username": caregiver.email, "password": PASSWORD, "next": "/care-admin/"},
    )

    assert form.status_code == 200 and 'autocomplete="current-password"' in form.content.decode()
    assert response.status_code == 302 and response["Location"] == "/care-admin/"
    assert browser.get("/care-admin/tracker/user/").status_code == 200
    assert browser.get("/admin/").status_code == 302  # not a key to the staff admin


def test_an_account_with_nothing_shared_is_told_so_politely_and_sees_no_data(
    patient, other_patient
):  # type: ignore[no-untyped-def]
    nobody = make_user(email="nobody@example.org")
    browser = Client()

    response = browser.post(
        "/care-admin/login/",
        {"username": nobody.email, "password": PASSWORD, "next": "/care-admin/"},
        follow=True,
    )

    text = response.content.decode()
    assert response.status_code == 200
    assert "Nothing is shared with you at the moment" in text
    assert PATIENT_EMAIL not in text and OTHER_EMAIL not in text
    assert 'action="/accounts/logout/"' in text  # they can still sign out


def test_a_wrong_password_is_refused_without_saying_who_exists(patient, caregiver):  # type: ignore[no-untyped-def]
    link(patient, caregiver)

    response = Client().post(
        "/care-admin/login/", {"username": caregiver.email, "password": "wrong-password-1"}
    )

    assert response.status_code == 200
    assert "Please enter a correct" in response.content.decode()
    assert PATIENT_EMAIL not in response.content.decode()


def test_signing_out_returns_to_the_care_sign_in(patient, caregiver):  # type: ignore[no-untyped-def]
    link(patient, caregiver)
    browser = signed_in(caregiver)

    response = browser.post("/care-admin/logout/", {"next": "/care-admin/login/"})

    assert response.status_code == 302 and response["Location"] == "/care-admin/login/"
    assert browser.get("/care-admin/tracker/user/").status_code == 302


# --- the API ------------------------------------------------------------------------------


def test_the_summary_api_returns_the_summary_uncached_and_logs_one_read(patient, caregiver):  # type: ignore[no-untyped-def]
    link(patient, caregiver)

    response = client_for(caregiver).get(f"/api/v1/care/patients/{patient.pk}/summary/")

    body = response.json()
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert body["patient"] == {"id": str(patient.pk), "email": PATIENT_EMAIL}
    assert body["timezone"] == "Europe/London" and body["date"] == "2026-12-01"
    assert body["today"]["intake_ug"] == 53.04
    assert body["adherence"]["last_7_days"] == {
        "scheduled": 7,
        "taken": 6,
        "skipped": 0,
        "missed": 1,
        "percent": 85.7,
    }
    assert body["adherence"]["last_30_days"]["taken"] == 24
    assert body["last_intake_at"] == "2026-12-01T09:00:00Z"
    assert body["next_injection"]["product"] == "Hydroxo"
    assert [a["rule"] for a in body["alerts"]] == ["severe_nerve_symptom"]
    assert len(body["last_30_days"]) == 30 and body["last_30_days"][-1]["start"] == "2026-12-01"
    assert len(body["missed_doses"]) == 1
    assert "disclaimer" in body
    assert CareSummarySerializer(data=body).is_valid(), CareSummarySerializer(data=body).errors
    rows = list(AccessLog.objects.values_list("actor", "patient", "what", "channel"))
    assert rows == [(caregiver.pk, patient.pk, "summary", "api")]


def test_the_summary_api_needs_a_sign_in(patient, api_client):  # type: ignore[no-untyped-def]
    response = api_client.get(f"/api/v1/care/patients/{patient.pk}/summary/")

    assert response.status_code == 401
    assert not AccessLog.objects.exists()


def test_an_unknown_id_and_an_unlinked_person_answer_the_same_404(patient, caregiver):  # type: ignore[no-untyped-def]
    api = client_for(caregiver)

    unlinked = api.get(f"/api/v1/care/patients/{patient.pk}/summary/")
    unknown = api.get("/api/v1/care/patients/00000000-0000-4000-8000-000000000000/summary/")

    assert unlinked.status_code == unknown.status_code == 404
    assert unlinked.json() == unknown.json()


# --- the same numbers as the dashboard (DESIGN invariant 6) ---------------------------------


def test_the_summary_and_list_rows_show_the_dashboards_own_numbers(patient):  # type: ignore[no-untyped-def]
    summary = summary_for(patient, now=NOW)
    dashboard = dashboard_for(patient, now=NOW)
    (row,) = summary_rows([User.objects.select_related("profile").get(pk=patient.pk)], now=NOW)
    month = trends_for(
        patient, first=summary.today - timedelta(days=29), last=summary.today, bucket="day",
        today=summary.today,
    )  # fmt: skip

    assert summary.today == dashboard.today
    assert summary.day == dashboard.day
    assert summary.percent_of_target == dashboard.percent_of_target
    assert summary.target == dashboard.target
    assert summary.adherence_7_days == dashboard.adherence_week == row.adherence_7_days
    assert summary.adherence_30_days == month.totals.adherence == row.adherence_30_days
    assert summary.adherence_30_days.taken == 24
    assert [(n.plan.pk, n.next_due, n.overdue_days) for n in summary.next_injections] == [
        (n.plan.pk, n.next_due, n.overdue_days) for n in dashboard.next_injections
    ]
    assert row.next_injection is not None
    assert row.next_injection.next_due == dashboard.next_injections[0].next_due
    assert [a.created_at for a in summary.alerts] == [a.created_at for a in dashboard.alerts]
    assert (row.open_alerts, row.urgent_alerts) == (1, 1)
    assert [d.pk for d in summary.missed_doses] == [d.pk for d in dashboard.missed_doses]
    assert summary.last_intake_at == row.last_intake_at == datetime(2026, 12, 1, 9, tzinfo=UTC)


# --- query budgets ------------------------------------------------------------------------

# The list: session, user, the links, "any visible?", the count and the page of patients,
# three "last intake" aggregates and the open alerts — then per patient shown: days_for's two
# GROUP BY queries, next injections' two, and the AccessLog insert.
LIST_FIXED = 10
LIST_PER_PATIENT = 5
# The summary page: session, user, links, "any visible?", the patient, its 13 reads (trends 6,
# next injections 2, open alerts, missed doses, last intake 3) and the AccessLog insert.
SUMMARY_QUERIES = 19
# The API: user (with profile, JWT), links, the patient, the same 13 reads, the insert.
API_QUERIES = 17


def _patients_for(caregiver: User, count: int, days: int) -> list[User]:
    patients = []
    for index in range(count):
        person = make_user(email=f"budget{index}@example.org", timezone="Europe/London")
        add_history(person, days=days, end=NOW)
        red_flag(person)
        link(person, caregiver)
        patients.append(person)
    return patients


@pytest.mark.parametrize("days", [1, 120])
@pytest.mark.parametrize("count", [1, 4])
def test_the_list_costs_a_fixed_amount_plus_a_fixed_amount_per_patient_at_any_history(
    days, count, caregiver, django_assert_num_queries
):  # type: ignore[no-untyped-def]
    _patients_for(caregiver, count, days)
    browser = signed_in(caregiver)

    with django_assert_num_queries(LIST_FIXED + LIST_PER_PATIENT * count):
        response = browser.get("/care-admin/tracker/user/")

    assert response.status_code == 200
    assert AccessLog.objects.filter(what="patient list").count() == count


@pytest.mark.parametrize("days", [1, 120])
def test_the_summary_page_and_api_cost_the_same_at_any_history(
    days, caregiver, django_assert_num_queries
):  # type: ignore[no-untyped-def]
    (person,) = _patients_for(caregiver, 1, days)
    browser, api = signed_in(caregiver), client_for(caregiver)

    with django_assert_num_queries(SUMMARY_QUERIES):
        page = browser.get(f"/care-admin/tracker/user/{person.pk}/change/")
    with django_assert_num_queries(API_QUERIES):
        payload = api.get(f"/api/v1/care/patients/{person.pk}/summary/")

    assert page.status_code == payload.status_code == 200
