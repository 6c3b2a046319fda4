"""IANA time zone names.

Reminder times and "today" are computed in the user's zone (DESIGN invariant 5), so a zone must
be a real IANA region name that ``zoneinfo`` can load — not "localtime" (whatever the server's
clock says), "Factory", or a "posix/…"/"right/…" duplicate found in some system databases.
"""

from functools import cache
from zoneinfo import available_timezones

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
