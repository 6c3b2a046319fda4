import base64
import os

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from push_notifications.models import APNSDevice, GCMDevice, WebPushDevice

from tests.conftest import client_for

URL = "/api/v1/devices/"
APNS_TOKEN = "0f" * 32
ENDPOINT = "https://updates.push.services.mozilla.com/wpush/v2/gAAAAABexample"


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def subscription_keys() -> dict[str, str]:
    public = ec.generate_private_key(ec.SECP256R1()).public_key()
    point = public.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return {"p256dh": b64url(point), "auth": b64url(os.urandom(16))}


def webpush_body(endpoint: str = ENDPOINT, **extra: str) -> dict[str, str]:
    return {"type": "webpush", "registration_id": endpoint, **subscription_keys(), **extra}


def stored_count() -> int:
    return GCMDevice.objects.count() + APNSDevice.objects.count() + WebPushDevice.objects.count()


@pytest.mark.parametrize(
    ("body", "model"),
    [
        ({"type": "fcm", "registration_id": "fcm-token-1", "name": "Pixel"}, GCMDevice),
        ({"type": "apns", "registration_id": APNS_TOKEN, "name": "iPhone"}, APNSDevice),
        (None, WebPushDevice),
    ],
    ids=["fcm", "apns", "webpush"],
)
def test_registering_each_kind_of_device_answers_201_with_a_typed_id(
    auth_client, user, body, model
):  # type: ignore[no-untyped-def]
    body = body or webpush_body(browser="firefox", name="Laptop")

    response = auth_client.post(URL, body)

    assert response.status_code == 201, response.data
    row = model.objects.get()
    assert row.user == user and row.active
    assert response.data["id"] == f"{body['type']}:{row.pk}"
    assert response.data["type"] == body["type"]
    assert response.data["registration_id"] == body["registration_id"]
    if model is WebPushDevice:
        assert (row.browser, row.p256dh, row.auth) == ("FIREFOX", body["p256dh"], body["auth"])
    if model is GCMDevice:
        assert row.cloud_message_type == "FCM"


def test_re_registering_a_known_token_updates_that_row_and_answers_200(auth_client):  # type: ignore[no-untyped-def]
    first = auth_client.post(URL, webpush_body(name="Old"))
    auth_client.delete(f"{URL}{first.data['id']}/")
    keys = subscription_keys()

    again = auth_client.post(URL, {**webpush_body(name="New"), **keys})

    assert again.status_code == 200
    assert again.data["id"] == first.data["id"]
    row = WebPushDevice.objects.get()
    assert (row.name, row.p256dh, row.auth, row.active) == (
        "New",
        keys["p256dh"],
        keys["auth"],
        True,
    )


def test_a_token_registered_by_another_account_moves_to_the_current_one(user, other_user):  # type: ignore[no-untyped-def]
    client_for(other_user).post(URL, {"type": "fcm", "registration_id": "shared", "name": "Bob's"})

    response = client_for(user).post(URL, {"type": "fcm", "registration_id": "shared"})

    assert response.status_code == 200
    row = GCMDevice.objects.get()
    assert row.user == user
    assert row.name is None  # the other account's name for it is not shown
    assert client_for(other_user).get(URL).data["results"] == []


def test_the_list_shows_only_my_active_devices_of_every_kind(auth_client, user, other_user):  # type: ignore[no-untyped-def]
    auth_client.post(URL, {"type": "fcm", "registration_id": "mine-fcm"})
    auth_client.post(URL, {"type": "apns", "registration_id": APNS_TOKEN})
    auth_client.post(URL, webpush_body())
    gone = auth_client.post(URL, {"type": "fcm", "registration_id": "mine-old"})
    auth_client.delete(f"{URL}{gone.data['id']}/")
    client_for(other_user).post(URL, {"type": "fcm", "registration_id": "theirs"})

    response = auth_client.get(URL)

    assert response.status_code == 200
    assert sorted(d["registration_id"] for d in response.data["results"]) == sorted(
        ["mine-fcm", APNS_TOKEN, ENDPOINT]
    )


def test_retrieve_shows_my_device(auth_client):  # type: ignore[no-untyped-def]
    created = auth_client.post(URL, {"type": "apns", "registration_id": APNS_TOKEN, "name": "iPad"})

    response = auth_client.get(f"{URL}{created.data['id']}/")

    assert response.status_code == 200
    assert response.data["name"] == "iPad"


def test_another_users_device_is_404_on_retrieve_and_delete(auth_client, other_user):  # type: ignore[no-untyped-def]
    theirs = client_for(other_user).post(URL, webpush_body())

    assert auth_client.get(f"{URL}{theirs.data['id']}/").status_code == 404
    assert auth_client.delete(f"{URL}{theirs.data['id']}/").status_code == 404
    assert WebPushDevice.objects.get().active is True


def test_delete_turns_the_device_off_and_answers_204(auth_client):  # type: ignore[no-untyped-def]
    created = auth_client.post(URL, {"type": "fcm", "registration_id": "tok"})

    response = auth_client.delete(f"{URL}{created.data['id']}/")

    assert response.status_code == 204
    assert GCMDevice.objects.get().active is False
    assert auth_client.get(f"{URL}{created.data['id']}/").status_code == 404


@pytest.mark.parametrize("device_id", ["fcm:999", "wns:1", "fcm:abc", "12"])
def test_unknown_or_malformed_device_ids_are_404(auth_client, device_id):  # type: ignore[no-untyped-def]
    assert auth_client.get(f"{URL}{device_id}/").status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"type": "webpush", "registration_id": ENDPOINT}, "p256dh"),
        (
            {"type": "webpush", "registration_id": ENDPOINT, "p256dh": "abc", "auth": "abc"},
            "p256dh",
        ),
        ({**webpush_body(), "auth": b64url(b"short")}, "auth"),
        (webpush_body(endpoint="http://push.example.com/sub/1"), "registration_id"),
        (webpush_body(endpoint="not a url"), "registration_id"),
        ({"type": "wns", "registration_id": "x"}, "type"),
        ({"registration_id": "x"}, "type"),
        ({"type": "fcm", "registration_id": ""}, "registration_id"),
        ({"type": "fcm", "registration_id": "two words"}, "registration_id"),
        ({"type": "fcm"}, "registration_id"),
        ({"type": "apns", "registration_id": "not-hex!"}, "registration_id"),
        ({"type": "fcm", "registration_id": "tok", "p256dh": "x"}, "p256dh"),
    ],
    ids=[
        "webpush-without-keys",
        "webpush-bad-p256dh",
        "webpush-bad-auth",
        "webpush-http-endpoint",
        "webpush-not-a-url",
        "unknown-type",
        "missing-type",
        "empty-token",
        "token-with-space",
        "missing-token",
        "apns-not-hex",
        "keys-on-fcm",
    ],
)
def test_bad_input_is_400_with_field_messages_and_stores_nothing(auth_client, body, field):  # type: ignore[no-untyped-def]
    response = auth_client.post(URL, body)

    assert response.status_code == 400
    assert field in response.data, response.data
    assert stored_count() == 0


def test_a_loopback_http_endpoint_is_accepted_in_development_only(auth_client, settings):  # type: ignore[no-untyped-def]
    body = webpush_body(endpoint="http://127.0.0.1:8111/push/1")
    settings.IS_PRODUCTION = True
    assert auth_client.post(URL, body).status_code == 400
    settings.IS_PRODUCTION = False
    assert auth_client.post(URL, body).status_code == 201


def test_anonymous_requests_are_401(api_client, db):  # type: ignore[no-untyped-def]
    assert api_client.get(URL).status_code == 401
    assert api_client.post(URL, {"type": "fcm", "registration_id": "x"}).status_code == 401
    assert api_client.get(f"{URL}vapid-public-key/").status_code == 401
    assert stored_count() == 0


def test_vapid_public_key_is_served_when_configured(auth_client, settings):  # type: ignore[no-untyped-def]
    settings.VAPID_PUBLIC_KEY = "BPublicKeyExample"
    settings.VAPID_PRIVATE_KEY = "private"

    response = auth_client.get(f"{URL}vapid-public-key/")

    assert response.status_code == 200
    assert response.data == {"public_key": "BPublicKeyExample"}


def test_vapid_public_key_is_null_when_web_push_is_not_configured(auth_client, settings):  # type: ignore[no-untyped-def]
    settings.VAPID_PUBLIC_KEY = ""
    settings.VAPID_PRIVATE_KEY = ""

    assert auth_client.get(f"{URL}vapid-public-key/").data == {"public_key": None}
