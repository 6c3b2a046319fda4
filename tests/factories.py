"""Plain factory functions (no global fixtures)."""

import itertools
from typing import Any

from tracker.models import User

PASSWORD = "correct-horse-battery-42"
_counter = itertools.count(1)


def make_user(
    *, email: str | None = None, password: str = PASSWORD, is_staff: bool = False, **profile: Any
) -> User:
    email = email or f"person{next(_counter)}@example.org"
    return User.objects.create_user(
        email=email, password=password, is_staff=is_staff, profile=profile
    )
