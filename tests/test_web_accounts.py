"""The account pages: sign-up, sign-in and sign-out, password reset by email, password change
and /settings/ (the same serializers and services as the API's auth/register/ and me/)."""

import re
from datetime import UTC, date, datetime, time
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.test import Client
from rest_framework.test import APIClient
from rest_framework.throttling import ScopedRateThrottle

from tests.factories import PASSWORD, make_user
from tests.history import add_history
from tracker.api.serializers import RegisterSerializer
from tracker.domain.disclaimer import DISCLAIMER
from tracker.models import Profile, Reminder, User
from tracker.services.accounts import EDITABLE_PROFILE_FIELDS
from tracker.services.reminders import create_reminder

pytestmark = pytest.mark.django_db

SIGNUP = "/accounts/signup/"
LOGIN = "/accounts/login/"
RESET = "/accounts/password-reset/"
SETTINGS = "/settings/"
PASSWORD_CHANGE = "/settings/password/"
NEW_PASSWORD = "a-new-and-long-passphrase-7"
NOW = datetime(2026, 12, 1, 6, tzinfo=UTC)


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def html_of(response: Any) -> str:
    return response.content.decode()


def error_next_to(html: str, field: str) -> str:
    """The text of the errors rendered beside one field ("" when there are none)."""
    match = re.search(rf'<div class="errors" id="id_{field}_error">(.*?)</div>', html, re.S)
    return re.sub(r"<[^>]+>", " ", match.group(1)).strip() if match else ""


def assert_no_inline_code(html: str) -> None:
    # The Content-Security-Policy allows scripts and styles from this site only.
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)
    assert "<style" not in html and " style=" not in html


# --- sign-up ---


def signup_data(**overrides: Any) -> dict[str, Any]:
    data = {
        "email": "New.Person@Example.org",
        "password": PASSWORD,
        "password_confirm": PASSWORD,
        "timezone": "Europe/Berlin",
        "disclaimer_accepted": "on",
    }
    data.update(overrides)
    return {name: value for name, value in data.items() if value is not None}


def test_the_sign_up_page_asks_for_everything_and_shows_the_disclaimer_in_full(client):
    response = client.get(SIGNUP)

    html = html_of(response)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    for field in ("email", "password", "password_confirm", "timezone", "disclaimer_accepted"):
        assert f'id="id_{field}"' in html and f'for="id_{field}"' in html
    assert str(DISCLAIMER) in html
    assert "I have read and accept" in html
    assert "at least 10 characters" in html  # Django's password rules, said up front
    # A select of the zones, the server's default chosen; the browser's zone comes from the
    # page's own script, which looks for the select by its data-detect-note attribute.
    assert '<option value="Europe/Berlin">Europe/Berlin</option>' in html
    assert f'<option value="{settings.TIME_ZONE}" selected>' in html
    assert 'data-detect-note="timezone-detected"' in html
    assert 'src="/static/web/signup.js"' in html
    assert_no_inline_code(html)


def test_signing_up_accepts_the_disclaimer_signs_the_person_in_and_opens_the_dashboard(client):
    response = client.post(SIGNUP, signup_data())

    assert response.status_code == 302
    assert response["Location"] == "/dashboard/"
    user = User.objects.get()
    assert user.email == "new.person@example.org"  # lower-cased, like the API
    assert user.check_password(PASSWORD)
    profile = Profile.objects.get(user=user)
    assert profile.timezone == "Europe/Berlin"
    assert profile.disclaimer_accepted_at is not None
    assert client.get("/dashboard/").status_code == 200
    # Past the disclaimer gate: pages that write records open straight away.
    assert client.get("/disclaimer/").context["accepted_at"] is not None


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"email": "not-an-email"}, "email", "valid email"),
        ({"email": ""}, "email", "required"),
        ({"password": "short1", "password_confirm": "short1"}, "password", "too short"),
        ({"password": "1234567890123", "password_confirm": "1234567890123"}, "password",
         "entirely numeric"),
        ({"password": "password1234", "password_confirm": "password1234"}, "password",
         "too common"),
        ({"password": "new.person.example", "password_confirm": "new.person.example"},
         "password", "too similar"),
        ({"password_confirm": "something-else-entirely"}, "password_confirm", "not the same"),
        ({"timezone": "Mars/Olympus_Mons"}, "timezone", "valid choice"),
        ({"disclaimer_accepted": None}, "disclaimer_accepted", "Tick this box"),
    ],
)  # fmt: skip
def test_bad_sign_up_input_is_shown_next_to_its_field_and_stores_nothing(
    client, overrides, field, words
):
    response = client.post(SIGNUP, signup_data(**overrides))

    assert response.status_code == 400
    html = html_of(response)
    assert words in error_next_to(html, field)
    assert 'class="acct-error-summary"' in html and f'href="#id_{field}"' in html
    assert User.objects.count() == 0 and Profile.objects.count() == 0


def test_every_sign_up_mistake_shows_at_once(client):
    response = client.post(
        SIGNUP,
        signup_data(password="short1", password_confirm="short2", disclaimer_accepted=None),
    )

    html = html_of(response)
    assert response.status_code == 400
    assert "too short" in error_next_to(html, "password")
    assert "not the same" in error_next_to(html, "password_confirm")
    assert "Tick this box" in error_next_to(html, "disclaimer_accepted")
    # The choices made stay; the browser's zone is not detected over them again.
    assert '<option value="Europe/Berlin" selected>' in html
    assert "data-detect-note" not in html
    assert 'value="New.Person@Example.org"' in html
    assert PASSWORD not in html  # passwords are never sent back


def test_a_taken_email_gets_the_same_answer_as_the_api(client):
    make_user(email="taken@example.org")
    api = APIClient().post(
        "/api/v1/auth/register/",
        {"email": "taken@example.org", "password": PASSWORD, "timezone": "UTC"},
        format="json",
    )

    response = client.post(SIGNUP, signup_data(email="Taken@Example.org"))

    assert response.status_code == 400
    assert error_next_to(html_of(response), "email") == api.json()["email"][0]
    assert User.objects.count() == 1


def test_two_sign_ups_racing_for_one_email_end_in_a_field_error(client, monkeypatch):
    make_user(email="taken@example.org")
    # The second request passed the serializer's check before the first one committed.
    monkeypatch.setattr(RegisterSerializer, "validate_email", lambda self, value: value.lower())

    response = client.post(SIGNUP, signup_data(email="taken@example.org"))

    assert response.status_code == 400
    assert "already exists" in error_next_to(html_of(response), "email")
    assert User.objects.count() == 1


def test_the_sign_up_form_refuses_a_post_without_the_csrf_token():
    response = Client(enforce_csrf_checks=True).post(SIGNUP, signup_data())

    assert response.status_code == 403
    assert User.objects.count() == 0


def test_a_signed_in_person_is_sent_on_from_the_sign_up_page():
    response = signed_in(make_user()).get(SIGNUP)

    assert response.status_code == 302 and response["Location"] == "/dashboard/"


def test_web_and_api_sign_ups_share_one_throttle(client, monkeypatch):
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"register": "3/hour"})
    api = APIClient()
    for number in (1, 2):
        created = api.post(
            "/api/v1/auth/register/",
            {"email": f"api{number}@example.org", "password": PASSWORD, "timezone": "UTC"},
            format="json",
        )
        assert created.status_code == 201
    assert client.post(SIGNUP, signup_data(email="web1@example.org")).status_code == 302

    refused = Client().post(SIGNUP, signup_data(email="web2@example.org"))

    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert "too many attempts" in html_of(refused)
    assert not User.objects.filter(email="web2@example.org").exists()
    assert Client().get(SIGNUP).status_code == 200  # reading the page is not an attempt


# --- sign-in and sign-out ---


def test_the_sign_in_page_links_to_password_reset_and_sign_up(client):
    html = html_of(client.get(LOGIN))

    assert 'href="/accounts/password-reset/"' in html and "Forgot your password?" in html
    assert 'href="/accounts/signup/"' in html
    assert_no_inline_code(html)


def test_a_wrong_password_shows_the_form_again_with_a_400(client):
    make_user(email="walter@example.org")

    response = client.post(LOGIN, {"username": "walter@example.org", "password": "nope"})

    assert response.status_code == 400
    html = html_of(response)
    assert 'role="alert"' in html and "correct email address and password" in html
    assert 'value="walter@example.org"' in html
    assert "_auth_user_id" not in client.session


def test_signing_out_ends_the_session(client):
    user = make_user()
    client.force_login(user)

    response = client.post("/accounts/logout/")

    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get(SETTINGS)["Location"].startswith(LOGIN)


# --- password reset by email ---


def reset_link(message: Any) -> str:
    match = re.search(r"https?://testserver(/accounts/reset/[^/\s]+/[^/\s]+/)", str(message.body))
    assert match, message.body
    return match.group(1)


def test_a_password_reset_mails_a_link_that_sets_a_new_password(client):
    user = make_user(
        email="walter@example.org",
        diet_type="vegan",
        risk_factors=["metformin"],
        discreet_notifications=False,
    )

    response = client.post(RESET, {"email": "Walter@Example.org"})

    assert response.status_code == 302
    assert response["Location"] == "/accounts/password-reset/sent/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert isinstance(message, mail.EmailMultiAlternatives)
    assert message.to == ["walter@example.org"]
    assert message.subject == "Reset your B12 Tracker password"
    html_body, media_type = message.alternatives[0]
    assert media_type == "text/html"
    assert "The link works once, for 3 days." in message.body
    for text in (str(message.body), str(html_body)):
        assert "/accounts/reset/" in text
        assert not re.search(r"vegan|metformin|µg|dose|injection|symptom", text, re.I)

    link = reset_link(message)
    form_page = client.get(link)
    assert form_page.status_code == 302  # the token leaves the address bar
    set_password = form_page["Location"]
    assert set_password.endswith("/set-password/")
    assert "Choose a new password" in html_of(client.get(set_password))
    done = client.post(set_password, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    assert done.status_code == 302 and done["Location"] == "/accounts/reset/done/"
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    # The link works once.
    assert "does not work any more" in html_of(Client().get(link, follow=True))
    signed = Client().post(LOGIN, {"username": "walter@example.org", "password": NEW_PASSWORD})
    assert signed.status_code == 302


def test_a_reset_for_an_unknown_address_looks_the_same_and_sends_nothing(client):
    known = client.post(RESET, {"email": "nobody@example.org"})

    assert known.status_code == 302
    assert known["Location"] == "/accounts/password-reset/sent/"
    assert mail.outbox == []
    assert "If an account uses the address" in html_of(client.get(known["Location"]))


def test_a_reset_request_without_a_valid_address_is_a_400(client):
    response = client.post(RESET, {"email": "not-an-address"})

    assert response.status_code == 400
    assert "valid email" in error_next_to(html_of(response), "email")
    assert mail.outbox == []


def test_new_passwords_that_differ_or_are_weak_are_refused_next_to_the_field(client):
    user = make_user(email="walter@example.org")
    client.post(RESET, {"email": "walter@example.org"})
    set_password = client.get(reset_link(mail.outbox[0]))["Location"]

    differ = client.post(
        set_password, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD + "x"}
    )
    weak = client.post(set_password, {"new_password1": "12345", "new_password2": "12345"})

    assert differ.status_code == weak.status_code == 400
    assert "didn’t match" in error_next_to(html_of(differ), "new_password2")
    assert "too short" in error_next_to(html_of(weak), "new_password2")
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_a_password_reset_lifts_the_sign_in_lockout(client):
    make_user(email="walter@example.org")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(LOGIN, {"username": "walter@example.org", "password": "nope"})
    locked = client.post(LOGIN, {"username": "walter@example.org", "password": PASSWORD})
    assert locked.status_code == 429

    client.post(RESET, {"email": "walter@example.org"})
    set_password = client.get(reset_link(mail.outbox[0]))["Location"]
    client.post(set_password, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    again = client.post(LOGIN, {"username": "walter@example.org", "password": NEW_PASSWORD})
    assert again.status_code == 302


def test_reset_requests_have_their_own_small_rate_so_no_inbox_is_flooded(client, monkeypatch):
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"password_reset": "2/hour"})
    for _ in range(2):
        assert client.post(RESET, {"email": "nobody@example.org"}).status_code == 302

    assert client.post(RESET, {"email": "someone.else@example.org"}).status_code == 429
    assert client.get(LOGIN).status_code == 200  # signing in is not held up by it


def test_the_default_reset_rate_is_a_handful_an_hour():
    from django.conf import settings

    rates: Any = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]  # type: ignore[index]
    assert ScopedRateThrottle().parse_rate(rates["password_reset"]) == (5, 3600)


# --- password change ---


def test_the_password_change_page_needs_a_sign_in(client):
    response = client.get(PASSWORD_CHANGE)

    assert response.status_code == 302
    assert response["Location"].startswith(f"{LOGIN}?next=/settings/password/")


def test_changing_the_password_keeps_this_session_and_says_so():
    user = make_user()
    client = signed_in(user)
    assert "no-store" in client.get(PASSWORD_CHANGE)["Cache-Control"]

    response = client.post(
        PASSWORD_CHANGE,
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )

    assert response.redirect_chain == [("/settings/", 302)]
    assert "Your password is changed." in html_of(response)
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_a_wrong_current_password_changes_nothing():
    user = make_user()

    response = signed_in(user).post(
        PASSWORD_CHANGE,
        {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.status_code == 400
    assert "incorrectly" in error_next_to(html_of(response), "old_password")
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


# --- settings ---


def settings_data(profile: Profile, **overrides: Any) -> dict[str, Any]:
    """The settings form as the browser sends it, with the stored values."""
    data: dict[str, Any] = {
        "diet_type": profile.diet_type,
        "birth_date": profile.birth_date.isoformat() if profile.birth_date else "",
        "pregnancy_status": profile.pregnancy_status,
        "reference_standard": profile.reference_standard,
        "risk_factors": list(profile.risk_factors),
        "timezone": profile.timezone,
        "home_timezone": profile.home_timezone,
        "quiet_hours_start": profile.quiet_hours_start.strftime("%H:%M")
        if profile.quiet_hours_start
        else "",
        "quiet_hours_end": profile.quiet_hours_end.strftime("%H:%M")
        if profile.quiet_hours_end
        else "",
        "notification_channels": list(profile.notification_channels),
    }
    if profile.discreet_notifications:
        data["discreet_notifications"] = "on"
    data.update(overrides)
    return {name: value for name, value in data.items() if value is not None}


def test_the_settings_page_needs_a_sign_in(client):
    response = client.get(SETTINGS)

    assert response.status_code == 302
    assert response["Location"].startswith(f"{LOGIN}?next=/settings/")


def test_the_settings_page_shows_every_setting_me_lets_a_person_change(user):
    Profile.objects.filter(user=user).update(
        diet_type="vegan",
        birth_date=date(1950, 3, 4),
        quiet_hours_start=time(22),
        quiet_hours_end=time(7),
        risk_factors=["metformin"],
    )

    response = signed_in(user).get(SETTINGS)

    html = html_of(response)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    for field in EDITABLE_PROFILE_FIELDS:
        assert f'name="{field}"' in html, field
    for heading in ("About you", "Time zone and quiet hours", "Notifications", "Your data"):
        assert f">{heading}</h2>" in html
    assert '<option value="vegan" selected>' in html
    assert 'value="1950-03-04"' in html
    assert 'value="22:00"' in html and 'value="07:00"' in html
    assert re.search(
        r'<input type="checkbox" name="risk_factors" value="metformin"[^>]*checked', html
    )
    assert '<option value="Europe/London" selected>' in html
    assert "Reminders due during quiet hours wait until they end." in html  # help texts
    assert "alice@example.org" in html
    for href in (
        "/api/v1/me/export/?format=json",
        "/api/v1/me/export/?format=csv",
        "/api/v1/me/export/?format=fhir",
        "/api/v1/me/report/?from=",
        "/care/",
        "/care/access-log/",
        "/settings/delete-account/",
        "/settings/password/",
    ):
        assert f'href="{href}' in html, href
    assert_no_inline_code(html)


def test_the_settings_links_reach_the_export_and_the_report_with_the_session(user):
    client = signed_in(user)
    links = re.findall(r'href="(/api/v1/me/[^"]+)"', html_of(client.get(SETTINGS)))

    answers = {link: client.get(link.replace("&amp;", "&")) for link in links}

    assert len(answers) == 6
    assert {link: response.status_code for link, response in answers.items()} == dict.fromkeys(
        links, 200
    )
    assert answers["/api/v1/me/export/?format=json"]["Content-Type"].startswith("application/json")


def test_saved_settings_are_stored_through_the_service(user):
    client = signed_in(user)
    profile = user.profile
    data = settings_data(
        profile,
        diet_type="vegetarian",
        birth_date="1948-11-02",
        pregnancy_status="not_applicable",
        reference_standard="UK",
        risk_factors=["metformin", "gastrectomy"],
        home_timezone="Europe/Dublin",
        quiet_hours_start="21:30",
        quiet_hours_end="06:45",
        notification_channels=["inapp", "email"],
    )
    data.pop("discreet_notifications")  # unticked

    response = client.post(SETTINGS, data, follow=True)

    assert response.redirect_chain == [("/settings/", 302)]
    assert "Your settings are saved." in html_of(response)
    stored = Profile.objects.get(user=user)
    assert stored.diet_type == "vegetarian"
    assert stored.birth_date == date(1948, 11, 2)
    assert stored.reference_standard == "UK"
    assert stored.risk_factors == ["metformin", "gastrectomy"]
    assert stored.home_timezone == "Europe/Dublin"
    assert (stored.quiet_hours_start, stored.quiet_hours_end) == (time(21, 30), time(6, 45))
    assert stored.notification_channels == ["inapp", "email"]
    assert stored.discreet_notifications is False
    assert stored.disclaimer_accepted_at == profile.disclaimer_accepted_at


def test_emptied_inputs_clear_the_stored_settings(user):
    Profile.objects.filter(user=user).update(
        diet_type="vegan",
        birth_date=date(1950, 3, 4),
        home_timezone="Europe/Paris",
        quiet_hours_start=time(22),
        quiet_hours_end=time(7),
        risk_factors=["metformin"],
    )
    user.refresh_from_db()
    data = settings_data(
        user.profile,
        diet_type="",
        birth_date="",
        home_timezone="",
        quiet_hours_start="",
        quiet_hours_end="",
        risk_factors=None,
    )

    assert signed_in(user).post(SETTINGS, data).status_code == 302

    stored = Profile.objects.get(user=user)
    assert (stored.diet_type, stored.birth_date, stored.home_timezone) == ("", None, "")
    assert (stored.quiet_hours_start, stored.quiet_hours_end) == (None, None)
    assert stored.risk_factors == []


def test_a_new_time_zone_on_the_settings_page_moves_the_reminders(user):
    now = datetime(2026, 12, 1, 6, tzinfo=UTC)
    with time_machine.travel(now, tick=False):
        reminder = create_reminder(user=user, now=now, kind="diary", times=["08:00"])
        assert reminder.next_fire_at == datetime(2026, 12, 1, 8, tzinfo=UTC)  # London, GMT
        response = signed_in(user).post(
            SETTINGS, settings_data(user.profile, timezone="America/New_York")
        )

    assert response.status_code == 302
    reminder.refresh_from_db()
    assert reminder.next_fire_at == datetime(2026, 12, 1, 13, tzinfo=UTC)  # 08:00 in New York
    assert Profile.objects.get(user=user).timezone == "America/New_York"


def test_new_quiet_hours_on_the_settings_page_move_the_reminders(user):
    now = datetime(2026, 12, 1, 6, tzinfo=UTC)
    with time_machine.travel(now, tick=False):
        reminder = create_reminder(user=user, now=now, kind="diary", times=["08:00"])
        response = signed_in(user).post(
            SETTINGS,
            settings_data(user.profile, quiet_hours_start="22:00", quiet_hours_end="09:30"),
        )

    assert response.status_code == 302
    reminder.refresh_from_db()
    assert reminder.next_fire_at == datetime(2026, 12, 1, 9, 30, tzinfo=UTC)


def test_saving_an_unchanged_settings_page_moves_no_reminder(user, monkeypatch):
    calls: list[Any] = []
    monkeypatch.setattr(
        "tracker.services.accounts.reschedule_for_profile", lambda **kwargs: calls.append(kwargs)
    )
    client = signed_in(user)

    unchanged = client.post(SETTINGS, settings_data(user.profile))
    changed = client.post(SETTINGS, settings_data(user.profile, diet_type="vegan"))

    assert unchanged.status_code == changed.status_code == 302
    assert calls == []
    assert Profile.objects.get(user=user).diet_type == "vegan"


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"quiet_hours_start": "22:00", "quiet_hours_end": ""}, "quiet_hours_end",
         "both the start and the end"),
        ({"quiet_hours_start": "22:00", "quiet_hours_end": "22:00"}, "quiet_hours_end",
         "different time"),
        ({"quiet_hours_start": "25:00"}, "quiet_hours_start", "valid time"),
        ({"birth_date": "2999-01-01"}, "birth_date", "cannot be in the future"),
        ({"birth_date": "1850-01-01"}, "birth_date", "after 1900"),
        ({"timezone": "Atlantis/Capital"}, "timezone", "valid choice"),
        ({"home_timezone": "localtime"}, "home_timezone", "valid choice"),
        ({"risk_factors": ["werewolf_bite"]}, "risk_factors", "valid choice"),
        ({"notification_channels": ["pigeon"]}, "notification_channels", "valid choice"),
        ({"diet_type": "carnivore"}, "diet_type", "valid choice"),
        ({"reference_standard": "XX"}, "reference_standard", "valid choice"),
    ],
)  # fmt: skip
def test_bad_settings_are_shown_next_to_their_field_and_store_nothing(
    user, overrides, field, words
):
    before = Profile.objects.filter(user=user).values().get()

    response = signed_in(user).post(
        SETTINGS, settings_data(user.profile, **{"diet_type": "vegan", **overrides})
    )

    assert response.status_code == 400
    html = html_of(response)
    assert words in error_next_to(html, field), error_next_to(html, field)
    assert f'href="#id_{field}"' in html  # the summary at the top links to it
    assert Profile.objects.filter(user=user).values().get() == before


def test_the_settings_form_refuses_a_post_without_the_csrf_token(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)

    response = client.post(SETTINGS, settings_data(user.profile, diet_type="vegan"))

    assert response.status_code == 403
    assert Profile.objects.get(user=user).diet_type == ""


def test_the_settings_page_shows_only_the_signed_in_persons_account(user, other_user):
    Profile.objects.filter(user=other_user).update(diet_type="vegan")

    html = html_of(signed_in(user).get(SETTINGS))
    signed_in(user).post(SETTINGS, settings_data(user.profile, diet_type="pescatarian"))

    assert "bob@example.org" not in html and 'America/New_York" selected' not in html
    assert Profile.objects.get(user=other_user).diet_type == "vegan"
    assert Profile.objects.get(user=user).diet_type == "pescatarian"


# Session, user, profile: the page reads nothing else.
SETTINGS_QUERIES = 3


@pytest.mark.parametrize("days", [1, 730])
def test_the_settings_page_costs_the_same_queries_for_one_day_and_two_years(
    days, django_assert_num_queries
):
    person = make_user(timezone="Europe/London")
    add_history(person, days=days, end=NOW)
    create_reminder(user=person, now=NOW, kind="diary", times=["08:00"])
    client = signed_in(person)

    with django_assert_num_queries(SETTINGS_QUERIES):
        response = client.get(SETTINGS)

    assert response.status_code == 200
    assert Reminder.objects.filter(owner=person).count() == 1
