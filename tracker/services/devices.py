"""Push registrations: one row per token or endpoint, moved to whoever registers it last."""

from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Model
from push_notifications.models import BROWSER_TYPES, APNSDevice, GCMDevice, WebPushDevice

from tracker.models import User

DEVICE_MODELS: dict[str, type[Model]] = {
    "fcm": GCMDevice,
    "apns": APNSDevice,
    "webpush": WebPushDevice,
}
BROWSERS = [code for code, _label in BROWSER_TYPES]


@dataclass(frozen=True)
class Registered:
    kind: str
    row: Any
    created: bool


def register_device(*, user: User, kind: str, registration_id: str, **fields: Any) -> Registered:
    """Create the registration, or take over and refresh the row with that token."""
    model: Any = DEVICE_MODELS[kind]
    name = fields.pop("name", None) or None
    if kind == "webpush":
        fields.setdefault("browser", BROWSERS[0])
    if kind == "fcm":
        fields["cloud_message_type"] = "FCM"
    for _attempt in range(2):
        with transaction.atomic():
            row = model.objects.select_for_update().filter(registration_id=registration_id).first()
            if row is None:
                try:
                    with transaction.atomic():  # a concurrent create of the same token
                        row = model.objects.create(
                            user=user, registration_id=registration_id, name=name, **fields
                        )
                except IntegrityError:
                    continue  # the other request won: update its row instead
                return Registered(kind, row, created=True)
            if row.user_id != user.pk:
                row.name = None  # the previous owner's name for it is theirs
            row.user = user
            if name is not None:
                row.name = name
            for key, value in fields.items():
                setattr(row, key, value)
            row.active = True
            row.save()
            return Registered(kind, row, created=False)
    raise IntegrityError("registration_id kept colliding")
