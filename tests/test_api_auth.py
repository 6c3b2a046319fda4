from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from rest_framework.throttling import ScopedRateThrottle

from tests.factories import PASSWORD, make_user
from tracker.models import Profile, User

REGISTER = "/api/v1/auth/register/"
TOKEN = "/api/v1/auth/token/"
REFRESH = "/api/v1/auth/token/refresh/"
LOGOUT = "/api/v1/auth/logout/"
ME = "/api/v1/me/"

pytestmark = pytest.mark.django_db


def register(client, **overrides):  # type: ignore[no-untyped-def]
    headers = {key: overrides.pop(key) for key in list(overrides) if key.startswith("HTTP_")}
    body = {"email": "new.person@example.org", "password": PASSWORD, "timezone": "Europe/Berlin"}
    body.update(overrides)
    return client.post(REGISTER, body, format="json", **headers)


def obtain(client, email: str, password: str, ip: str = "203.0.113.7"):  # type: ignore[no-untyped-def]
    return client.post(TOKEN, {"email": email, "password": password}, REMOTE_ADDR=ip)


# --- registration ---


def test_register_creates_user_with_profile_and_returns_tokens(api_client):
    response = register(api_client, disclaimer_accepted=True)

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["email"] == "new.person@example.org"
    assert body["timezone"] == "Europe/Berlin"
    assert body["discreet_notifications"] is True
    assert body["disclaimer_accepted_at"] is not None
    assert "password" not in body
    user = User.objects.get(email="new.person@example.org")
    assert user.check_password(PASSWORD)
    assert Profile.objects.get(user=user).timezone == "Europe/Berlin"
    me = api_client.get(ME, HTTP_AUTHORIZATION=f"Bearer {body['tokens']['access']}")
    assert me.status_code == 200
    assert me.json()["id"] == str(user.id)


def test_register_stores_the_email_lower_cased(api_client):
    response = register(api_client, email="  Mixed.Case@Example.ORG ")
    assert response.status_code == 201, response.json()
    assert User.objects.filter(email="mixed.case@example.org").count() == 1


def test_register_without_disclaimer_leaves_it_unaccepted(api_client):
    response = register(api_client)
    assert response.status_code == 201
    assert response.json()["disclaimer_accepted_at"] is None


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"email": "not-an-email"}, "email"),
        ({"email": ""}, "email"),
        ({"password": "short1"}, "password"),
        ({"password": "1234567890123"}, "password"),  # entirely numeric
        ({"password": "password1234"}, "password"),  # a common password
        ({"password": "new.person.example"}, "password"),  # too similar to the email
        ({"timezone": "Mars/Olympus_Mons"}, "timezone"),
        ({"timezone": "localtime"}, "timezone"),
        ({"timezone": ""}, "timezone"),
    ],
)
def test_register_rejects_bad_input_with_field_message_and_stores_nothing(
    api_client, overrides, field
):
    response = register(api_client, **overrides)

    assert response.status_code == 400
    messages = response.json()[field]
    assert messages and all(isinstance(m, str) and m for m in messages)
    assert User.objects.count() == 0
    assert Profile.objects.count() == 0


def test_register_requires_email_password_and_timezone(api_client):
    response = api_client.post(REGISTER, {}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"email", "password", "timezone"}
    assert User.objects.count() == 0


def test_register_refuses_a_duplicate_email_in_any_case(api_client):
    make_user(email="taken@example.org")

    response = register(api_client, email="Taken@Example.org")

    assert response.status_code == 400
    assert "already exists" in response.json()["email"][0]
    assert User.objects.count() == 1


def test_register_accepts_only_json(api_client):
    response = api_client.post(
        REGISTER,
        "email=a%40example.org&password=x&timezone=UTC",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 415
    assert User.objects.count() == 0


# --- tokens ---


def test_token_pair_for_valid_credentials_opens_me(api_client, user):
    response = obtain(api_client, "ALICE@example.org", PASSWORD)

    assert response.status_code == 200
    access = response.json()["access"]
    assert response.json()["refresh"]
    me = api_client.get(ME, HTTP_AUTHORIZATION=f"Bearer {access}")
    assert me.status_code == 200
    assert me.json()["email"] == "alice@example.org"


def test_wrong_password_is_401_without_saying_which_part_was_wrong(api_client, user):
    wrong_password = obtain(api_client, "alice@example.org", "not-the-password")
    unknown_email = obtain(api_client, "nobody@example.org", "not-the-password")

    assert wrong_password.status_code == unknown_email.status_code == 401
    assert wrong_password.json()["detail"] == unknown_email.json()["detail"]


def test_inactive_user_gets_no_token(api_client, user):
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert obtain(api_client, "alice@example.org", PASSWORD).status_code == 401


def test_lockout_after_repeated_failures_even_when_the_right_password_follows(
    api_client, user, settings
):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        assert obtain(api_client, "alice@example.org", "wrong-password").status_code in (401, 429)

    locked = obtain(api_client, "alice@example.org", PASSWORD)

    assert locked.status_code == 429
    assert locked["Content-Type"] == "application/json"
    assert locked.json()["code"] == "locked_out"
    assert int(locked["Retry-After"]) == settings.AXES_COOLOFF_TIME.total_seconds()
    assert "access" not in locked.json()


def test_lockout_counts_the_email_in_any_case(api_client, user, settings):
    for i in range(settings.AXES_FAILURE_LIMIT):
        email = "ALICE@example.org" if i % 2 else "alice@EXAMPLE.org"
        obtain(api_client, email, "wrong-password")

    assert obtain(api_client, "alice@example.org", PASSWORD).status_code == 429


def test_lockout_is_per_address_so_a_stranger_cannot_lock_the_owner_out(api_client, user, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        obtain(api_client, "alice@example.org", "wrong-password", ip="198.51.100.66")

    assert obtain(api_client, "alice@example.org", PASSWORD, ip="198.51.100.66").status_code == 429
    assert obtain(api_client, "alice@example.org", PASSWORD, ip="203.0.113.7").status_code == 200


def test_lockout_ends_after_the_cool_off(api_client, user, settings):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        for _ in range(settings.AXES_FAILURE_LIMIT):
            obtain(api_client, "alice@example.org", "wrong-password")
        assert obtain(api_client, "alice@example.org", PASSWORD).status_code == 429

        traveller.shift(settings.AXES_COOLOFF_TIME + timedelta(seconds=1))

        assert obtain(api_client, "alice@example.org", PASSWORD).status_code == 200


def test_admin_login_locks_out_too_with_an_html_page(client, settings):
    make_user(email="staff@example.org", is_staff=True)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            "/admin/login/", {"username": "staff@example.org", "password": "wrong-password"}
        )

    response = client.post("/admin/login/", {"username": "staff@example.org", "password": PASSWORD})

    assert response.status_code == 429
    assert b"Sign-in paused" in response.content
    assert "_auth_user_id" not in client.session


def test_token_endpoint_is_throttled(api_client, user, monkeypatch):
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"auth": "3/min"})
    statuses = [obtain(api_client, "alice@example.org", PASSWORD).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


# --- refresh and logout ---


def test_refresh_rotates_and_the_old_refresh_token_is_refused(api_client, user):
    first = obtain(api_client, "alice@example.org", PASSWORD).json()

    rotated = api_client.post(REFRESH, {"refresh": first["refresh"]})
    assert rotated.status_code == 200
    assert rotated.json()["refresh"] != first["refresh"]
    assert rotated.json()["access"]

    replay = api_client.post(REFRESH, {"refresh": first["refresh"]})
    assert replay.status_code == 401


def test_logout_revokes_the_refresh_token(api_client, user):
    tokens = obtain(api_client, "alice@example.org", PASSWORD).json()

    assert api_client.post(LOGOUT, {"refresh": tokens["refresh"]}).status_code == 204

    refused = api_client.post(REFRESH, {"refresh": tokens["refresh"]})
    assert refused.status_code == 401
    again = api_client.post(LOGOUT, {"refresh": tokens["refresh"]})
    assert again.status_code == 400
    assert again.json()["refresh"]


def test_logout_with_garbage_is_400(api_client):
    assert api_client.post(LOGOUT, {"refresh": "not-a-token"}).status_code == 400
    assert api_client.post(LOGOUT, {}).json()["refresh"]


def test_an_access_token_cannot_be_used_as_refresh_token(api_client, user):
    tokens = obtain(api_client, "alice@example.org", PASSWORD).json()
    assert api_client.post(REFRESH, {"refresh": tokens["access"]}).status_code == 401


def test_access_token_expires(api_client, user, settings):
    tokens = obtain(api_client, "alice@example.org", PASSWORD).json()
    lifetime = settings.SIMPLE_JWT["ACCESS_TOKEN_LIFETIME"]
    with time_machine.travel(timezone.now() + lifetime + timedelta(seconds=5)):
        response = api_client.get(ME, HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")
    assert response.status_code == 401


def test_changing_the_password_signs_out_existing_tokens(api_client, user):
    tokens = obtain(api_client, "alice@example.org", PASSWORD).json()
    user.set_password("a-brand-new-passphrase-77")
    user.save()

    assert api_client.get(ME, HTTP_AUTHORIZATION=f"Bearer {tokens['access']}").status_code == 401
    assert api_client.post(REFRESH, {"refresh": tokens["refresh"]}).status_code == 401


def test_refresh_token_of_a_deleted_or_inactive_user_is_refused(api_client, user, other_user):
    alice = obtain(api_client, "alice@example.org", PASSWORD).json()
    bob = obtain(api_client, "bob@example.org", PASSWORD).json()
    User.objects.filter(pk=user.pk).update(is_active=False)
    other_user.delete()

    assert api_client.post(REFRESH, {"refresh": alice["refresh"]}).status_code == 401
    assert api_client.post(REFRESH, {"refresh": bob["refresh"]}).status_code == 401


def test_a_forged_forwarded_for_header_does_not_escape_the_throttle(api_client, monkeypatch):
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"register": "3/hour"})
    statuses = [
        register(
            api_client, email=f"p{i}@example.org", HTTP_X_FORWARDED_FOR=f"198.51.100.{i}"
        ).status_code
        for i in range(4)
    ]
    assert statuses == [201, 201, 201, 429]


def test_behind_a_trusted_proxy_the_lockout_keys_on_the_forwarded_client(
    api_client, user, settings
):
    settings.TRUSTED_PROXY_COUNT = 1

    def attempt(password: str, client: str):  # type: ignore[no-untyped-def]
        return api_client.post(
            TOKEN,
            {"email": "alice@example.org", "password": password},
            REMOTE_ADDR="10.0.0.2",  # every request arrives from our proxy
            HTTP_X_FORWARDED_FOR=f"forged-by-client, {client}",
        )

    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt("wrong-password", "198.51.100.66")

    assert attempt(PASSWORD, "198.51.100.66").status_code == 429
    assert attempt(PASSWORD, "203.0.113.7").status_code == 200
