"""Delivery channels, one module each: inapp, email, webpush, push (FCM/APNs).

Every channel module exposes ``send(message: Message) -> str`` (a short outcome for the
delivery log, no health words) and raises ``TransientError`` (try again later),
``PermanentError`` (give up on this delivery) or ``NoRecipient`` (nothing to send to: no
device, no address — the delivery is recorded as skipped, never silently dropped).
"""

from .base import Message, NoRecipient, PermanentError, TransientError, send

__all__ = ["Message", "NoRecipient", "PermanentError", "TransientError", "send"]
