"""IANA time zone names.

Reminder times and "today" are computed in the user's zone (DESIGN invariant 5), so a zone must
be a real IANA region name that ``zoneinfo`` can load — not "localtime" (whatever the server's
clock says), "Factory", or a "posix/…"/"right/…" duplicate found in some system databases.
"""

from datetime import date, datetime, time
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

_NOT_A_PLACE = {"localtime", "posixrules", "Factory"}


@cache
def known_timezones() -> frozenset[str]:
    return frozenset(
        name
        for name in available_timezones()
        if name not in _NOT_A_PLACE and not name.startswith(("posix/", "right/"))
    )


def is_valid_timezone(name: str) -> bool:
    return name in known_timezones()


def local_day_bounds(day: date, tz_name: str) -> datetime:
    """The instant a local calendar day starts (DST-safe: zoneinfo resolves gaps with fold=0)."""
    return datetime.combine(day, time.min, tzinfo=ZoneInfo(tz_name))
