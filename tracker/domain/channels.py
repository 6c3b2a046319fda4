"""Notification channels a person can choose."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

CHANNELS: dict[str, str | Promise] = {
    "inapp": _("In-app inbox"),
    "email": _("Email"),
    "webpush": _("Browser notifications (Web Push)"),
    "push": _("Phone notifications (mobile app)"),
}
DEFAULT_CHANNELS = ["inapp"]
