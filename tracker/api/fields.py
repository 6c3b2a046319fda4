from datetime import UTC, datetime, timedelta
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

# Clocks on phones drift and people log in other time zones, so a little future is allowed;
# more than a day ahead is a typo (DESIGN: "times more than a day in the future" are refused).
FUTURE_TOLERANCE = timedelta(days=1)
EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)


class LoggedAtField(serializers.DateTimeField):
    """An instant something happened: ISO 8601 with an offset, not more than a day ahead."""

    default_error_messages = {
        "future": _("This time is more than a day in the future."),
        "too_old": _("This time is before 1900."),
        "naive": _("Give the time with a UTC offset, e.g. 2026-11-22T08:30:00+01:00."),
    }

    def to_internal_value(self, value: Any) -> datetime:
        if isinstance(value, str) and value and not _has_offset(value):
            self.fail("naive")
        instant = super().to_internal_value(value)
        if instant > timezone.now() + FUTURE_TOLERANCE:
            self.fail("future")
        if instant < EARLIEST:
            self.fail("too_old")
        return instant


def _has_offset(text: str) -> bool:
    # Django's parser (the one the field uses) decides, so no spelling slips through as UTC.
    try:
        parsed = parse_datetime(text)
    except ValueError:
        return True  # a malformed value: the parent field reports the format error
    return parsed is None or parsed.tzinfo is not None
