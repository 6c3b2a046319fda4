"""Web Push (RFC 8030/8291/8292) to every browser the person subscribed, signed with VAPID.

Keys: ``VAPID_PRIVATE_KEY`` (base64url raw 32-byte key or DER) and ``VAPID_PUBLIC_KEY``
(base64url uncompressed point, handed to the browser's ``pushManager.subscribe``). Generate a
pair with ``vapid --gen`` (py-vapid) and ``vapid --applicationServerKey``. Without them the
channel records deliveries as skipped.

The payload is encrypted for the browser (aes128gcm), so the push service never reads it; the
texts in it are the notification's, already discreet unless the person opted out.
"""

import json
from dataclasses import dataclass, field

import requests
from django.conf import settings
from push_notifications.models import WebPushDevice
from pywebpush import WebPushException, webpush

from .base import Message, NoRecipient, PermanentError, TransientError

# A reminder is worth showing for a day; after that the push service may drop it.
TTL_SECONDS = 24 * 60 * 60
TIMEOUT_SECONDS = 10
EXPIRED_STATUSES = {404, 410}


def payload(message: Message) -> str:
    # The tag makes a re-sent notification replace the shown one instead of adding a second.
    return json.dumps(
        {
            "title": message.title,
            "body": message.body,
            "url": message.url,
            "notification_id": str(message.notification_id),
            "tag": f"notification-{message.notification_id}",
        }
    )


@dataclass
class Tally:
    """What happened at each device of one person, for the outcome text and the verdict."""

    devices: int = 0
    sent: int = 0
    expired: int = 0
    transient: int = 0
    refused: int = 0
    # Devices not tried, and why ("FCM not configured (1 skipped)").
    notes: list[str] = field(default_factory=list)

    def outcome(self, noun: str) -> str:
        text = f"sent to {self.sent} of {self.devices} {noun}"
        if self.expired:
            plural = "" if self.expired == 1 else "s"
            text += f"; {self.expired} expired subscription{plural} turned off"
        if self.transient:
            text += f"; {self.transient} to retry later"
        if self.refused:
            text += f"; {self.refused} refused"
        return "; ".join([text, *self.notes])

    def verdict(self, noun: str) -> str:
        """The outcome if any device got it (the person sees it there, so no retry even if
        another device failed); else a retry if any failure was temporary, else give up."""
        text = self.outcome(noun)
        if not self.devices:
            raise NoRecipient("; ".join(self.notes) or f"no {noun}")
        if self.sent:
            return text
        if self.transient:
            raise TransientError(text)
        if self.refused:
            raise PermanentError(text)
        raise NoRecipient(text)


def _send_to(device: WebPushDevice, data: str) -> int | None:
    """Push to one browser; the HTTP status of a failure, None when the service accepted it."""
    try:
        webpush(
            subscription_info={
                "endpoint": device.registration_id,
                "keys": {"p256dh": device.p256dh, "auth": device.auth},
            },
            data=data,
            vapid_private_key=settings.VAPID_PRIVATE_KEY,
            # A fresh dict per device: pywebpush writes the endpoint's origin into it as "aud".
            vapid_claims={"sub": settings.VAPID_SUBJECT},
            ttl=TTL_SECONDS,
            timeout=TIMEOUT_SECONDS,
        )
    except WebPushException as error:
        status = error.response.status_code if error.response is not None else None
        # No response: pywebpush refused the subscription itself (bad keys) — permanent.
        return status if status is not None else 400
    except requests.RequestException:
        return 503  # unreachable or timed out: same as the service being unavailable
    return None


def send(message: Message) -> str:
    if not settings.VAPID_PRIVATE_KEY or not settings.VAPID_PUBLIC_KEY:
        raise NoRecipient("web push not configured (no VAPID keys)")
    devices = list(
        WebPushDevice.objects.filter(user_id=message.user_id, active=True).order_by("pk")
    )
    if not devices:
        raise NoRecipient("no browser subscribed")
    data = payload(message)
    tally = Tally(devices=len(devices))
    for device in devices:
        status = _send_to(device, data)
        if status is None:
            tally.sent += 1
        elif status in EXPIRED_STATUSES:
            # The browser unsubscribed or the subscription expired: it will never work again.
            WebPushDevice.objects.filter(pk=device.pk).update(active=False)
            tally.expired += 1
        elif status == 429 or status >= 500:
            tally.transient += 1
        else:
            tally.refused += 1
    return tally.verdict("browsers")
