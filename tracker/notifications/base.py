from dataclasses import dataclass, field
from importlib import import_module
from typing import Any
from uuid import UUID


@dataclass(frozen=True)
class Message:
    """What a channel needs to deliver one notification to one person."""

    delivery_id: int
    notification_id: UUID
    user_id: UUID
    email: str
    kind: str  # supplement, injection, diary, lab, caregiver_missed_dose
    title: str  # already discreet unless the person opted out
    body: str
    # Where the notification opens (path on the web front; the apps map it to their screen).
    url: str
    data: dict[str, Any] = field(default_factory=dict)


class TransientError(Exception):
    """The channel may accept it later (network error, 5xx, 429): retry with backoff."""


class PermanentError(Exception):
    """The channel will never accept it (bad address, rejected payload): give up."""


class NoRecipient(Exception):
    """Nothing to deliver to on this channel (no device registered, no email address)."""


CHANNEL_MODULES = {
    "inapp": "tracker.notifications.inapp",
    "email": "tracker.notifications.email",
    "webpush": "tracker.notifications.webpush",
    "push": "tracker.notifications.push",
}


def send(channel: str, message: Message) -> str:
    module = import_module(CHANNEL_MODULES[channel])
    return str(module.send(message))
