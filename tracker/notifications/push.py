"""Mobile push through django-push-notifications: FCM (HTTP v1, firebase-admin) and APNs.

Configuration:

- FCM: ``FCM_CREDENTIALS_FILE`` (read with getattr; not in settings.py yet) names a Firebase
  service-account JSON file. Empty or absent: FCM devices are skipped. The default
  firebase_admin app is initialised from it on first use.
- APNs: ``PUSH_NOTIFICATIONS_SETTINGS`` keys ``APNS_AUTH_KEY_PATH`` + ``APNS_AUTH_KEY_ID`` +
  ``APNS_TEAM_ID`` (token auth) or ``APNS_CERTIFICATE``, and the ``aioapns`` package
  (django-push-notifications' ``[APNS]`` extra). Without them APNs devices are skipped.

Invalid tokens are turned off by django-push-notifications itself: FCM UNREGISTERED,
SENDER_ID_MISMATCH and INVALID_ARGUMENT replies (push_notifications.gcm), APNs
Unregistered, BadDeviceToken and DeviceTokenNotForTopic (push_notifications.apns_async).

The payload holds the title, body, the url to open and the notification's opaque id (which
the app needs to answer "taken/skipped/snooze"); nothing else, so in discreet mode the lock
screen shows only the discreet texts.
"""

import threading
from typing import Any

import firebase_admin
from django.conf import settings
from django.db.models import QuerySet
from firebase_admin import credentials, messaging
from firebase_admin.exceptions import FirebaseError
from push_notifications import gcm
from push_notifications.models import APNSDevice, GCMDevice
from push_notifications.settings import PUSH_NOTIFICATIONS_SETTINGS

from .base import Message, NoRecipient, PermanentError
from .webpush import Tally

# Replies worth trying again later (FCM error codes; HTTP 429, 500, 503, timeouts).
FCM_TRANSIENT_CODES = {
    "UNAVAILABLE",
    "INTERNAL",
    "RESOURCE_EXHAUSTED",
    "DEADLINE_EXCEEDED",
    "UNKNOWN",
    "ABORTED",
    "CANCELLED",
}
# APNs reasons (and django-push-notifications' own timeout/communication markers) to retry.
APNS_TRANSIENT_REASONS = (
    "TooManyRequests",
    "InternalServerError",
    "ServiceUnavailable",
    "Shutdown",
    "TimeoutError",
    "CommunicationError",
)

_firebase_lock = threading.Lock()
# The credentials file this module initialised the default firebase app from (None: not us).
_firebase_source: str | None = None


def firebase_app() -> firebase_admin.App | None:
    """The firebase app to send with, initialised lazily; None when FCM is not configured."""
    global _firebase_source
    path = settings.FCM_CREDENTIALS_FILE
    if not path:
        return None
    with _firebase_lock:
        try:
            app = firebase_admin.get_app()
        except ValueError:
            app = None
        if app is not None and _firebase_source in (None, path):
            return app  # ours from this file, or initialised by someone else on purpose
        if app is not None:
            firebase_admin.delete_app(app)  # ours, from a file the settings no longer name
        try:
            app = firebase_admin.initialize_app(credentials.Certificate(path))
        except (OSError, ValueError) as error:
            raise PermanentError(f"FCM credentials unreadable ({type(error).__name__})") from None
        _firebase_source = path
        return app


def fcm_message(message: Message) -> messaging.Message:
    tag = f"notification-{message.notification_id}"
    return messaging.Message(
        notification=messaging.Notification(title=message.title, body=message.body),
        data={"url": message.url, "notification_id": str(message.notification_id)},
        # The tag makes a re-sent notification replace the shown one on Android.
        android=messaging.AndroidConfig(notification=messaging.AndroidNotification(tag=tag)),
    )


def _turned_off(model: type[Any], pks: list[int]) -> set[int]:
    return set(model.objects.filter(pk__in=pks, active=False).values_list("pk", flat=True))


def _send_fcm(devices: list[GCMDevice], message: Message, tally: Tally) -> None:
    if firebase_app() is None:
        tally.notes.append(f"FCM not configured ({len(devices)} skipped)")
        return
    tally.devices += len(devices)
    try:
        batch = gcm.send_message([d.registration_id for d in devices], fcm_message(message))
    except FirebaseError as error:
        # The whole call failed (e.g. the OAuth token could not be fetched).
        if error.code in FCM_TRANSIENT_CODES:
            tally.transient += len(devices)
        else:
            tally.refused += len(devices)
        return
    assert batch is not None
    # gcm.send_message has already turned off the devices with invalid tokens.
    off = _turned_off(GCMDevice, [d.pk for d in devices])
    for device, response in zip(devices, batch.responses, strict=True):
        if response.success:
            tally.sent += 1
        elif device.pk in off:
            tally.expired += 1
        elif getattr(response.exception, "code", None) in FCM_TRANSIENT_CODES:
            tally.transient += 1
        else:
            tally.refused += 1


def apns_configured() -> bool:
    try:
        import aioapns  # noqa: F401  (django-push-notifications' [APNS] extra)
    except ImportError:
        return False
    conf = PUSH_NOTIFICATIONS_SETTINGS
    token_auth = all(
        conf.get(k) for k in ("APNS_AUTH_KEY_PATH", "APNS_AUTH_KEY_ID", "APNS_TEAM_ID")
    )
    return token_auth or bool(conf.get("APNS_CERTIFICATE"))


def _send_apns(devices: list[APNSDevice], message: Message, tally: Tally) -> None:
    if not apns_configured():
        tally.notes.append(f"APNs not configured ({len(devices)} skipped)")
        return
    from push_notifications.apns_async import Alert, apns_send_bulk_message
    from push_notifications.exceptions import APNSError, APNSServerError

    tally.devices += len(devices)
    failures: dict[int, str] = {}
    for device in devices:
        # One call per device: the bulk call reports only a joined error text for all tokens.
        try:
            apns_send_bulk_message(
                registration_ids=[device.registration_id],
                alert=Alert(title=message.title, body=message.body),
                extra={"url": message.url, "notification_id": str(message.notification_id)},
                # Same collapse id on a re-send: the phone replaces instead of adding.
                collapse_id=str(message.notification_id),
            )
        except APNSServerError:
            failures[device.pk] = "ServiceUnavailable"  # could not connect to APNs
        except APNSError as error:
            failures[device.pk] = str(error)
        else:
            tally.sent += 1
    off = _turned_off(APNSDevice, list(failures))
    for pk, reason in failures.items():
        if pk in off:
            tally.expired += 1
        elif any(marker in reason for marker in APNS_TRANSIENT_REASONS):
            tally.transient += 1
        else:
            tally.refused += 1


def _active(queryset: QuerySet, user_id: Any) -> list[Any]:
    return list(queryset.filter(user_id=user_id, active=True).order_by("pk"))


def send(message: Message) -> str:
    fcm_devices = _active(GCMDevice.objects.filter(cloud_message_type="FCM"), message.user_id)
    apns_devices = _active(APNSDevice.objects.all(), message.user_id)
    if not fcm_devices and not apns_devices:
        raise NoRecipient("no phone registered")
    tally = Tally()
    if fcm_devices:
        _send_fcm(fcm_devices, message, tally)
    if apns_devices:
        _send_apns(apns_devices, message, tally)
    return tally.verdict("phones")
