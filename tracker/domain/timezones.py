"""IANA time zone names.

Reminder times and "today" are computed in the user's zone (DESIGN invariant 5), so a zone must
be one ``zoneinfo`` can load, named canonically — not "localtime" or a file path.
"""

from functools import cache
from zoneinfo import available_timezones


@cache
def _known_zones() -> frozenset[str]:
    return frozenset(available_timezones())


def is_valid_timezone(name: str) -> bool:
    return name in _known_zones()
