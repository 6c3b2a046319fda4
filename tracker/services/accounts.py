from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from tracker.models import Profile, User
from tracker.services.reminders import reschedule_for_profile

# Profile fields a person may change about themselves through me/ or the settings page, in the
# order clients show them.
EDITABLE_PROFILE_FIELDS = (
    "diet_type",
    "birth_date",
    "pregnancy_status",
    "timezone",
    "home_timezone",
    "reference_standard",
    "risk_factors",
    "quiet_hours_start",
    "quiet_hours_end",
    "notification_channels",
    "discreet_notifications",
)


def register_user(
    *, email: str, password: str, timezone: str, disclaimer_accepted: bool, now: datetime
) -> User:
    profile: dict[str, Any] = {"timezone": timezone}
    if disclaimer_accepted:
        profile["disclaimer_accepted_at"] = now
    try:
        with transaction.atomic():
            return User.objects.create_user(email=email, password=password, profile=profile)
    except IntegrityError:
        # Two sign-ups with one address raced past the serializer's uniqueness check.
        raise ValidationError(
            {"email": [_("An account with this email already exists.")]}
        ) from None


RESCHEDULING_FIELDS = {"timezone", "home_timezone", "quiet_hours_start", "quiet_hours_end"}


def update_profile(
    *, profile: Profile, changes: dict[str, Any], disclaimer_accepted: bool, now: datetime
) -> Profile:
    unknown = set(changes).difference(EDITABLE_PROFILE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable: {sorted(unknown)}")
    for field, value in changes.items():
        setattr(profile, field, value)
    if disclaimer_accepted:
        profile.accept_disclaimer(now)
    # Model validation again, so every caller (API, web form, admin) meets the same rules.
    profile.full_clean(exclude=["user"])
    with transaction.atomic():
        profile.save()
        if RESCHEDULING_FIELDS & set(changes):
            # Reminders keep their local wall-clock times in the new zone or quiet hours.
            reschedule_for_profile(user=profile.user, now=now)
    return profile
