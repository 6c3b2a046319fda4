"""The outside channels at their network boundaries.

Email goes through a real SMTP server (aiosmtpd on 127.0.0.1) and Web Push through a real HTTP
push endpoint (http.server on 127.0.0.1) that decrypts what it received. FCM is exercised at
the HTTP boundary of firebase-admin (requests' HTTPAdapter.send answers the OAuth token and
FCM v1 requests). APNs: the aioapns package is not installed here; a stand-in for its client
(the APNs class and its send_notification) runs under the real django-push-notifications code.
"""

import base64
import email
import email.policy
import json
import socket
import sys
import threading
import time
import types
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

import firebase_admin
import http_ece
import pytest
import requests
from aiosmtpd.controller import Controller
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from push_notifications.models import APNSDevice, GCMDevice, WebPushDevice
from push_notifications.settings import PUSH_NOTIFICATIONS_SETTINGS
from requests.structures import CaseInsensitiveDict

from tracker.notifications import Message, NoRecipient, PermanentError, TransientError
from tracker.notifications import email as email_channel
from tracker.notifications import push as push_channel
from tracker.notifications import webpush as webpush_channel

DISCREET_TITLE = "Time for your reminder"
DISCREET_BODY = "Open the app to see it."
HEALTH_WORDS = ["b12", "vitamin", "supplement", "injection", "dose", "cobalamin", "symptom", "lab"]


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def make_message(user: Any, **overrides: Any) -> Message:
    fields: dict[str, Any] = {
        "delivery_id": 41,
        "notification_id": uuid.uuid4(),
        "user_id": user.pk,
        "email": user.email,
        "kind": "supplement",
        "title": DISCREET_TITLE,
        "body": DISCREET_BODY,
        "url": "/dashboard/",
    }
    fields.update(overrides)
    return Message(**fields)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- email through a real SMTP server ---


class SMTPRecorder:
    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []
        self.envelopes: list[Any] = []
        self.rcpt_reply: str | None = None
        self.mail_reply: str | None = None
        self.data_reply: str | None = None

    async def handle_MAIL(self, server, session, envelope, address, mail_options):  # type: ignore[no-untyped-def]
        if self.mail_reply:
            return self.mail_reply
        envelope.mail_from = address
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # type: ignore[no-untyped-def]
        if self.rcpt_reply:
            return self.rcpt_reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        if self.data_reply:
            return self.data_reply
        self.envelopes.append(envelope)
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append(parsed)  # type: ignore[arg-type]
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server(settings) -> Iterator[SMTPRecorder]:  # type: ignore[no-untyped-def]
    recorder = SMTPRecorder()
    controller = Controller(recorder, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    try:
        yield recorder
    finally:
        controller.stop()


def test_email_arrives_once_with_the_discreet_subject_both_parts_and_the_message_id(
    smtp_server, user
):  # type: ignore[no-untyped-def]
    outcome = email_channel.send(make_message(user, delivery_id=41))

    assert outcome == "sent by email"
    assert len(smtp_server.messages) == 1
    received = smtp_server.messages[0]
    assert smtp_server.envelopes[0].rcpt_tos == [user.email]
    assert received["Subject"] == DISCREET_TITLE
    assert received["Message-ID"] == "<delivery-41@b12tracker>"
    text = received.get_body(preferencelist=("plain",)).get_content()
    html = received.get_body(preferencelist=("html",)).get_content()
    for part in (text, html):
        assert DISCREET_TITLE in part
        assert DISCREET_BODY in part
        assert "http://127.0.0.1/dashboard/" in part  # the link, joined to the site
        assert "notification settings" in part  # the footer
    assert '<html lang="en">' in html


def test_email_adds_no_health_words_beyond_the_given_texts(smtp_server, user):  # type: ignore[no-untyped-def]
    email_channel.send(make_message(user))

    received = smtp_server.messages[0]
    everything = "\n".join(
        [
            received["Subject"],
            received.get_body(preferencelist=("plain",)).get_content(),
            received.get_body(preferencelist=("html",)).get_content(),
        ]
    ).lower()
    for word in HEALTH_WORDS:
        assert word not in everything, word


def test_email_resent_after_a_crash_carries_the_same_message_id(smtp_server, user):  # type: ignore[no-untyped-def]
    message = make_message(user, delivery_id=7)
    email_channel.send(message)
    email_channel.send(message)

    assert [m["Message-ID"] for m in smtp_server.messages] == ["<delivery-7@b12tracker>"] * 2


def test_email_refused_recipient_with_550_is_a_permanent_error(smtp_server, user):  # type: ignore[no-untyped-def]
    smtp_server.rcpt_reply = "550 5.1.1 No such user"

    with pytest.raises(PermanentError, match="550"):
        email_channel.send(make_message(user))
    assert smtp_server.messages == []


def test_email_refused_sender_with_553_is_a_permanent_error(smtp_server, user):  # type: ignore[no-untyped-def]
    smtp_server.mail_reply = "553 5.7.1 Sender not allowed"

    with pytest.raises(PermanentError, match="553"):
        email_channel.send(make_message(user))


def test_email_deferred_with_451_is_a_transient_error(smtp_server, user):  # type: ignore[no-untyped-def]
    smtp_server.data_reply = "451 4.3.0 Try again later"

    with pytest.raises(TransientError, match="451"):
        email_channel.send(make_message(user))


def test_email_recipient_deferred_with_450_is_a_transient_error(smtp_server, user):  # type: ignore[no-untyped-def]
    smtp_server.rcpt_reply = "450 4.2.1 Mailbox busy"

    with pytest.raises(TransientError, match="450"):
        email_channel.send(make_message(user))


def test_email_to_a_refused_connection_is_a_transient_error(settings, user):  # type: ignore[no-untyped-def]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = free_port()  # nothing listens there

    with pytest.raises(TransientError, match="unreachable"):
        email_channel.send(make_message(user))


def test_email_without_an_address_has_no_recipient(user):  # type: ignore[no-untyped-def]
    with pytest.raises(NoRecipient):
        email_channel.send(make_message(user, email=""))


# --- Web Push through a real local push endpoint ---


class PushService:
    """A push service on 127.0.0.1: records each POST and answers the status set per path."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        self.statuses: dict[str, int] = {}
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                service.received.append(
                    {
                        "path": self.path,
                        "headers": CaseInsensitiveDict(self.headers.items()),
                        "body": body,
                    }
                )
                self.send_response(service.statuses.get(self.path, 201))
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.origin = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def endpoint(self, name: str) -> str:
        return f"{self.origin}/push/{name}"


@pytest.fixture
def push_service() -> Iterator[PushService]:
    service = PushService()
    service.thread.start()
    try:
        yield service
    finally:
        service.server.shutdown()
        service.server.server_close()


@pytest.fixture
def vapid(settings) -> ec.EllipticCurvePublicKey:  # type: ignore[no-untyped-def]
    key = ec.generate_private_key(ec.SECP256R1())
    public = key.public_key()
    settings.VAPID_PRIVATE_KEY = b64url(key.private_numbers().private_value.to_bytes(32, "big"))
    settings.VAPID_PUBLIC_KEY = b64url(
        public.public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
    )
    settings.VAPID_SUBJECT = "mailto:ops@example.org"
    return public


class Browser:
    """A browser's push subscription: its ECDH P-256 key pair and 16-byte auth secret."""

    def __init__(self) -> None:
        self.private_key = ec.generate_private_key(ec.SECP256R1())
        self.auth_secret = uuid.uuid4().bytes  # 16 random bytes
        self.p256dh = b64url(
            self.private_key.public_key().public_bytes(
                serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
            )
        )
        self.auth = b64url(self.auth_secret)

    def register(self, user: Any, endpoint: str) -> WebPushDevice:
        return WebPushDevice.objects.create(
            user=user,
            registration_id=endpoint,
            p256dh=self.p256dh,
            auth=self.auth,
            browser="FIREFOX",
        )

    def decrypt(self, body: bytes) -> dict[str, Any]:
        plain = http_ece.decrypt(
            body, private_key=self.private_key, auth_secret=self.auth_secret, version="aes128gcm"
        )
        return dict(json.loads(plain))


def verify_vapid(
    header: str, public_key: ec.EllipticCurvePublicKey, public_b64: str
) -> dict[str, Any]:
    """Check an ``Authorization: vapid t=<jwt>, k=<key>`` header; return the JWT's claims."""
    scheme, _, params = header.partition(" ")
    assert scheme == "vapid"
    fields = dict(part.strip().split("=", 1) for part in params.split(","))
    assert fields["k"] == public_b64
    signing_input, _, signature = fields["t"].rpartition(".")
    raw = b64url_decode(signature)
    der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
    public_key.verify(der, signing_input.encode(), ec.ECDSA(hashes.SHA256()))  # raises if forged
    header_part, payload_part = signing_input.split(".")
    assert json.loads(b64url_decode(header_part))["alg"] == "ES256"
    return dict(json.loads(b64url_decode(payload_part)))


def test_web_push_payload_decrypts_at_the_endpoint_and_the_vapid_signature_verifies(
    push_service, vapid, settings, user
):  # type: ignore[no-untyped-def]
    browser = Browser()
    browser.register(user, push_service.endpoint("a"))
    message = make_message(user)

    outcome = webpush_channel.send(message)

    assert outcome == "sent to 1 of 1 browsers"
    assert len(push_service.received) == 1
    request = push_service.received[0]
    assert request["path"] == "/push/a"
    assert request["headers"]["Content-Encoding"] == "aes128gcm"
    assert int(request["headers"]["TTL"]) == webpush_channel.TTL_SECONDS
    assert DISCREET_TITLE.encode() not in request["body"]  # encrypted on the wire
    assert browser.decrypt(request["body"]) == {
        "title": DISCREET_TITLE,
        "body": DISCREET_BODY,
        "url": "/dashboard/",
        "notification_id": str(message.notification_id),
        "tag": f"notification-{message.notification_id}",
    }
    claims = verify_vapid(request["headers"]["Authorization"], vapid, settings.VAPID_PUBLIC_KEY)
    assert claims["aud"] == push_service.origin
    assert claims["sub"] == "mailto:ops@example.org"
    assert claims["exp"] > time.time()


def test_web_push_endpoint_answering_410_turns_the_subscription_off(push_service, vapid, user):  # type: ignore[no-untyped-def]
    device = Browser().register(user, push_service.endpoint("gone"))
    push_service.statuses["/push/gone"] = 410

    with pytest.raises(NoRecipient, match="1 expired subscription turned off"):
        webpush_channel.send(make_message(user))

    device.refresh_from_db()
    assert device.active is False


def test_web_push_endpoint_answering_503_is_transient_and_keeps_the_subscription(
    push_service, vapid, user
):  # type: ignore[no-untyped-def]
    device = Browser().register(user, push_service.endpoint("busy"))
    push_service.statuses["/push/busy"] = 503

    with pytest.raises(TransientError):
        webpush_channel.send(make_message(user))

    device.refresh_from_db()
    assert device.active is True


def test_web_push_endpoint_answering_429_is_transient(push_service, vapid, user):  # type: ignore[no-untyped-def]
    Browser().register(user, push_service.endpoint("slow"))
    push_service.statuses["/push/slow"] = 429

    with pytest.raises(TransientError):
        webpush_channel.send(make_message(user))


def test_web_push_endpoint_answering_400_is_permanent(push_service, vapid, user):  # type: ignore[no-untyped-def]
    device = Browser().register(user, push_service.endpoint("bad"))
    push_service.statuses["/push/bad"] = 400

    with pytest.raises(PermanentError, match="1 refused"):
        webpush_channel.send(make_message(user))
    device.refresh_from_db()
    assert device.active is True


def test_web_push_with_one_expired_and_one_live_browser_counts_as_sent(push_service, vapid, user):  # type: ignore[no-untyped-def]
    gone = Browser().register(user, push_service.endpoint("gone"))
    live_browser = Browser()
    live = live_browser.register(user, push_service.endpoint("live"))
    push_service.statuses["/push/gone"] = 410

    outcome = webpush_channel.send(make_message(user))

    assert outcome == "sent to 1 of 2 browsers; 1 expired subscription turned off"
    gone.refresh_from_db()
    live.refresh_from_db()
    assert (gone.active, live.active) == (False, True)
    delivered = [r for r in push_service.received if r["path"] == "/push/live"]
    assert live_browser.decrypt(delivered[0]["body"])["title"] == DISCREET_TITLE


def test_web_push_with_one_unavailable_and_one_live_browser_counts_as_sent(
    push_service, vapid, user
):  # type: ignore[no-untyped-def]
    Browser().register(user, push_service.endpoint("busy"))
    Browser().register(user, push_service.endpoint("live"))
    push_service.statuses["/push/busy"] = 503

    assert webpush_channel.send(make_message(user)) == "sent to 1 of 2 browsers; 1 to retry later"


def test_web_push_to_an_unreachable_endpoint_is_transient(vapid, user):  # type: ignore[no-untyped-def]
    Browser().register(user, f"http://127.0.0.1:{free_port()}/push/nobody")

    with pytest.raises(TransientError):
        webpush_channel.send(make_message(user))


def test_web_push_skips_inactive_and_other_peoples_subscriptions(
    push_service, vapid, user, other_user
):  # type: ignore[no-untyped-def]
    Browser().register(other_user, push_service.endpoint("theirs"))
    mine = Browser().register(user, push_service.endpoint("old"))
    WebPushDevice.objects.filter(pk=mine.pk).update(active=False)

    with pytest.raises(NoRecipient, match="no browser"):
        webpush_channel.send(make_message(user))
    assert push_service.received == []


def test_web_push_without_vapid_keys_has_no_recipient_and_says_why(push_service, settings, user):  # type: ignore[no-untyped-def]
    settings.VAPID_PRIVATE_KEY = ""
    settings.VAPID_PUBLIC_KEY = ""
    Browser().register(user, push_service.endpoint("a"))

    with pytest.raises(NoRecipient, match="not configured"):
        webpush_channel.send(make_message(user))
    assert push_service.received == []


# --- FCM at firebase-admin's HTTP boundary ---

PROJECT_ID = "b12-test-project"
FCM_URL = f"https://fcm.googleapis.com/v1/projects/{PROJECT_ID}/messages:send"
TOKEN_URL = "https://oauth2.googleapis.com/token"


class FakeGoogle:
    """Answers what firebase-admin sends through requests: the OAuth token exchange and FCM
    v1 sends. Anything else is refused as if the network were down."""

    def __init__(self, public_key: rsa.RSAPublicKey) -> None:
        self.public_key = public_key
        self.token_requests: list[dict[str, str]] = []
        self.sends: list[dict[str, Any]] = []
        self.replies: dict[str, tuple[int, dict[str, Any]]] = {}
        self.others: list[str] = []

    def handle(self, request: requests.PreparedRequest) -> requests.Response:
        if request.url == TOKEN_URL:
            body = request.body or b""
            text = body.decode() if isinstance(body, bytes) else str(body)
            self.token_requests.append({k: v[0] for k, v in parse_qs(text).items()})
            return self.response(
                request,
                200,
                {"access_token": "fake-access", "expires_in": 3600, "token_type": "Bearer"},
            )
        if request.url == FCM_URL:
            assert request.headers["Authorization"] == "Bearer fake-access"
            body = json.loads(request.body)  # type: ignore[arg-type]
            self.sends.append(body)
            token = body["message"]["token"]
            status, reply = self.replies.get(
                token, (200, {"name": f"projects/{PROJECT_ID}/messages/1"})
            )
            return self.response(request, status, reply)
        self.others.append(str(request.url))
        raise requests.ConnectionError(f"blocked in tests: {request.url}")

    @staticmethod
    def response(
        request: requests.PreparedRequest, status: int, body: dict[str, Any]
    ) -> requests.Response:
        response = requests.Response()
        response.status_code = status
        response._content = json.dumps(body).encode()
        response.headers = CaseInsensitiveDict({"Content-Type": "application/json; charset=UTF-8"})
        response.url = str(request.url)
        response.request = request
        response.reason = "OK" if status == 200 else "Error"
        return response


def fcm_error(status: int, code: str, fcm_code: str | None = None) -> tuple[int, dict[str, Any]]:
    error: dict[str, Any] = {"code": status, "message": "error", "status": code}
    if fcm_code:
        error["details"] = [
            {"@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError", "errorCode": fcm_code}
        ]
    return status, {"error": error}


@pytest.fixture
def fcm(settings, tmp_path, monkeypatch) -> Iterator[FakeGoogle]:  # type: ignore[no-untyped-def]
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    service_account = {
        "type": "service_account",
        "project_id": PROJECT_ID,
        "private_key_id": "test-key-1",
        "private_key": pem,
        "client_email": f"sender@{PROJECT_ID}.iam.gserviceaccount.com",
        "client_id": "1",
        "token_uri": TOKEN_URL,
    }
    path = tmp_path / "service-account.json"
    path.write_text(json.dumps(service_account))
    settings.FCM_CREDENTIALS_FILE = str(path)
    google = FakeGoogle(key.public_key())
    # Below urllib3's retries: the test answers exactly what firebase-admin sends.
    monkeypatch.setattr(
        requests.adapters.HTTPAdapter, "send", lambda adapter, request, **kw: google.handle(request)
    )
    monkeypatch.setattr(push_channel, "_firebase_source", None)
    try:
        yield google
    finally:
        try:
            firebase_admin.delete_app(firebase_admin.get_app())
        except ValueError:
            pass


def fcm_device(user: Any, token: str) -> GCMDevice:
    return GCMDevice.objects.create(user=user, registration_id=token, cloud_message_type="FCM")


def test_fcm_sends_exactly_the_discreet_texts_with_an_oauth_token_from_the_service_account(
    fcm, user
):  # type: ignore[no-untyped-def]
    fcm_device(user, "token-a")
    message = make_message(user)

    outcome = push_channel.send(message)

    assert outcome == "sent to 1 of 1 phones"
    assert fcm.sends == [
        {
            "message": {
                "notification": {"title": DISCREET_TITLE, "body": DISCREET_BODY},
                "data": {"url": "/dashboard/", "notification_id": str(message.notification_id)},
                "android": {"notification": {"tag": f"notification-{message.notification_id}"}},
                "token": "token-a",
            }
        }
    ]
    # The token came from a JWT assertion signed with the service account's key.
    (form,) = fcm.token_requests
    assertion = form["assertion"]
    assert form["grant_type"] == "urn:ietf:params:oauth:grant-type:jwt-bearer"
    signing_input, _, signature = assertion.rpartition(".")
    fcm.public_key.verify(
        b64url_decode(signature), signing_input.encode(), padding.PKCS1v15(), hashes.SHA256()
    )
    claims = json.loads(b64url_decode(signing_input.split(".")[1]))
    assert claims["iss"] == f"sender@{PROJECT_ID}.iam.gserviceaccount.com"
    assert claims["aud"] == TOKEN_URL
    assert "https://www.googleapis.com/auth/cloud-platform" in claims["scope"].split()
    assert fcm.others == []


def test_fcm_unregistered_token_is_turned_off_and_the_other_phone_still_gets_it(fcm, user):  # type: ignore[no-untyped-def]
    stale = fcm_device(user, "token-stale")
    live = fcm_device(user, "token-live")
    fcm.replies["token-stale"] = fcm_error(404, "NOT_FOUND", "UNREGISTERED")

    outcome = push_channel.send(make_message(user))

    assert outcome == "sent to 1 of 2 phones; 1 expired subscription turned off"
    stale.refresh_from_db()
    live.refresh_from_db()
    assert (stale.active, live.active) == (False, True)
    assert sorted(s["message"]["token"] for s in fcm.sends) == ["token-live", "token-stale"]


def test_fcm_unavailable_is_transient_and_keeps_the_device(fcm, user):  # type: ignore[no-untyped-def]
    device = fcm_device(user, "token-a")
    fcm.replies["token-a"] = fcm_error(503, "UNAVAILABLE")

    with pytest.raises(TransientError):
        push_channel.send(make_message(user))
    device.refresh_from_db()
    assert device.active is True


def test_fcm_quota_exceeded_is_transient(fcm, user):  # type: ignore[no-untyped-def]
    fcm_device(user, "token-a")
    fcm.replies["token-a"] = fcm_error(429, "RESOURCE_EXHAUSTED", "QUOTA_EXCEEDED")

    with pytest.raises(TransientError):
        push_channel.send(make_message(user))


def test_fcm_without_credentials_skips_the_phones_and_calls_nothing(fcm, settings, user):  # type: ignore[no-untyped-def]
    settings.FCM_CREDENTIALS_FILE = ""
    fcm_device(user, "token-a")

    with pytest.raises(NoRecipient, match="FCM not configured"):
        push_channel.send(make_message(user))
    assert fcm.sends == [] and fcm.token_requests == []


def test_push_without_any_phone_has_no_recipient(fcm, user, other_user):  # type: ignore[no-untyped-def]
    fcm_device(other_user, "their-token")

    with pytest.raises(NoRecipient, match="no phone"):
        push_channel.send(make_message(user))
    assert fcm.sends == []


# --- APNs: the real django-push-notifications code over a stand-in aioapns client ---


class FakeAPNsClient:
    """Stands in for aioapns.APNs: records each NotificationRequest (its ``message`` is the
    JSON body aioapns would POST over HTTP/2) and answers the (status, reason) set per token."""

    created: list[dict[str, Any]] = []
    requests: list[Any] = []
    replies: dict[str, tuple[str, str | None]] = {}

    def __init__(self, **kwargs: Any) -> None:
        FakeAPNsClient.created.append(kwargs)

    async def send_notification(self, request: Any) -> Any:
        FakeAPNsClient.requests.append(request)
        status, reason = FakeAPNsClient.replies.get(request.device_token, ("200", None))
        return FakeNotificationResult(request.notification_id, status, reason)


class FakeNotificationRequest:
    # Same constructor as aioapns.common.NotificationRequest.
    def __init__(
        self,
        device_token: str,
        message: dict[str, Any],
        notification_id: str | None = None,
        time_to_live: int | None = None,
        priority: int | None = None,
        collapse_key: str | None = None,
        push_type: Any = None,
    ) -> None:
        self.device_token = device_token
        self.message = message
        self.notification_id = notification_id or str(uuid.uuid4())
        self.time_to_live = time_to_live
        self.priority = priority
        self.collapse_key = collapse_key


class FakeNotificationResult:
    def __init__(self, notification_id: str, status: str, description: str | None = None) -> None:
        self.notification_id = notification_id
        self.status = status
        self.description = description

    @property
    def is_successful(self) -> bool:
        return self.status == "200"


@pytest.fixture
def apns(monkeypatch, tmp_path) -> Iterator[type[FakeAPNsClient]]:  # type: ignore[no-untyped-def]
    aioapns = types.ModuleType("aioapns")
    common = types.ModuleType("aioapns.common")
    aioapns.APNs = FakeAPNsClient  # type: ignore[attr-defined]
    aioapns.NotificationRequest = FakeNotificationRequest  # type: ignore[attr-defined]
    aioapns.ConnectionError = type("ConnectionError", (Exception,), {})  # type: ignore[attr-defined]
    common.NotificationResult = FakeNotificationResult  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "aioapns", aioapns)
    monkeypatch.setitem(sys.modules, "aioapns.common", common)
    sys.modules.pop("push_notifications.apns_async", None)
    key = tmp_path / "AuthKey_TEST.p8"
    key.write_bytes(
        ec.generate_private_key(ec.SECP256R1()).private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    monkeypatch.setitem(PUSH_NOTIFICATIONS_SETTINGS, "APNS_AUTH_KEY_PATH", str(key))
    monkeypatch.setitem(PUSH_NOTIFICATIONS_SETTINGS, "APNS_AUTH_KEY_ID", "KEY123")
    monkeypatch.setitem(PUSH_NOTIFICATIONS_SETTINGS, "APNS_TEAM_ID", "TEAM123")
    FakeAPNsClient.created, FakeAPNsClient.requests, FakeAPNsClient.replies = [], [], {}
    try:
        yield FakeAPNsClient
    finally:
        sys.modules.pop("push_notifications.apns_async", None)


def apns_device(user: Any, token: str) -> APNSDevice:
    return APNSDevice.objects.create(user=user, registration_id=token)


def test_apns_payload_holds_only_the_discreet_texts_url_and_id(apns, settings, user):  # type: ignore[no-untyped-def]
    apns_device(user, "ab" * 32)
    message = make_message(user)

    assert push_channel.send(message) == "sent to 1 of 1 phones"

    (request,) = apns.requests
    assert request.device_token == "ab" * 32
    assert request.collapse_key == str(message.notification_id)
    assert request.message == {
        "aps": {
            "alert": {"title": DISCREET_TITLE, "body": DISCREET_BODY},
            "badge": None,
            "sound": None,
            "thread-id": None,
        },
        "url": "/dashboard/",
        "notification_id": str(message.notification_id),
    }
    assert apns.created[0]["topic"] == settings.PUSH_NOTIFICATIONS_SETTINGS["APNS_TOPIC"]
    assert apns.created[0]["key_id"] == "KEY123"


def test_apns_unregistered_token_is_turned_off_and_the_other_phone_still_gets_it(apns, user):  # type: ignore[no-untyped-def]
    stale = apns_device(user, "aa" * 32)
    live = apns_device(user, "bb" * 32)
    apns.replies["aa" * 32] = ("410", "Unregistered")

    outcome = push_channel.send(make_message(user))

    assert outcome == "sent to 1 of 2 phones; 1 expired subscription turned off"
    stale.refresh_from_db()
    live.refresh_from_db()
    assert (stale.active, live.active) == (False, True)


def test_apns_service_unavailable_is_transient_and_keeps_the_device(apns, user):  # type: ignore[no-untyped-def]
    device = apns_device(user, "aa" * 32)
    apns.replies["aa" * 32] = ("503", "ServiceUnavailable")

    with pytest.raises(TransientError):
        push_channel.send(make_message(user))
    device.refresh_from_db()
    assert device.active is True


def test_apns_payload_too_large_is_permanent(apns, user):  # type: ignore[no-untyped-def]
    apns_device(user, "aa" * 32)
    apns.replies["aa" * 32] = ("413", "PayloadTooLarge")

    with pytest.raises(PermanentError):
        push_channel.send(make_message(user))


def test_apns_without_aioapns_installed_skips_iphones_with_a_clear_outcome(user):  # type: ignore[no-untyped-def]
    apns_device(user, "aa" * 32)

    with pytest.raises(NoRecipient, match="APNs not configured"):
        push_channel.send(make_message(user))


def test_fcm_phone_gets_it_while_unconfigured_apns_is_noted(fcm, user):  # type: ignore[no-untyped-def]
    fcm_device(user, "token-a")
    apns_device(user, "aa" * 32)

    assert push_channel.send(make_message(user)) == (
        "sent to 1 of 1 phones; APNs not configured (1 skipped)"
    )
