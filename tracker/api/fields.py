import re
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from django.http import HttpRequest
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


# --- JSON types ----------------------------------------------------------------------------

# A decimal amount sent as a string ("250.5"), which the schema allows besides a number: digits,
# at most one point, no exponent, sign or spaces.
DECIMAL_STRING = re.compile(r"-?\d{1,20}(?:\.\d{1,12})?")
_JSON_SCALARS = (str, int, float, bool)


def json_type_error(field: serializers.Field, value: Any) -> str | None:
    """Why ``value`` (as parsed from JSON) has the wrong type for ``field``, or None. DRF's
    fields coerce for HTML forms (0 → false, 12 → "12", "5" → 5, 7 → a UUID); the API's
    schema promises JSON types, and clients sending something else have a bug to hear about."""
    if isinstance(field, serializers.ListField):
        if isinstance(value, list) and field.child is not None:
            for item in value:
                if (message := json_type_error(field.child, item)) is not None:
                    return message
        return None
    if value is None or not isinstance(value, _JSON_SCALARS):
        return None  # null is the field's allow_null to judge; other types are not JSON
    if isinstance(field, serializers.BooleanField):
        return None if isinstance(value, bool) else str(_("Must be true or false."))
    if isinstance(field, serializers.IntegerField):
        whole = isinstance(value, int) or (isinstance(value, float) and value.is_integer())
        if whole and not isinstance(value, bool):
            return None
        return str(_("Must be a whole number."))
    if isinstance(field, serializers.DecimalField | serializers.FloatField):
        if isinstance(value, int | float) and not isinstance(value, bool):
            return None
        if isinstance(value, str) and DECIMAL_STRING.fullmatch(value):
            return None
        return str(_("Must be a number."))
    if isinstance(field, serializers.ChoiceField) and not all(
        isinstance(choice, str) for choice in field.choices
    ):
        return None  # non-string choices: the field's own lookup decides
    text_like = (
        serializers.CharField,
        serializers.ChoiceField,
        serializers.DateTimeField,
        serializers.DateField,
        serializers.TimeField,
        serializers.UUIDField,
    )
    if isinstance(field, text_like) and not isinstance(value, str):
        return str(_("Must be a string."))
    return None


class JsonTypesMixin:
    """For API serializers: values of the wrong JSON type are refused with 400 before DRF's
    fields coerce them (see json_type_error). The web pages validate through the same
    serializers (tracker.web.base.SerializerForm) with values Django's forms have already typed,
    with a Django HttpRequest in the context: those are left to the fields, as before."""

    def to_internal_value(self, data: Any) -> Any:
        context = getattr(self, "context", {})
        if isinstance(data, Mapping) and not isinstance(context.get("request"), HttpRequest):
            errors = {}
            for field in self._writable_fields:  # type: ignore[attr-defined]
                if field.field_name in data:
                    message = json_type_error(field, data[field.field_name])
                    if message is not None:
                        errors[field.field_name] = [message]
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)  # type: ignore[misc]
