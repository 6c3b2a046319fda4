"""`manage.py ensure_demo_account`: the local demo account `make run` prints at every start.

The first run creates demo@b12tracker.invalid (a reserved domain: no mail can reach it) with
90 days of made-up history from seed_demo; later runs change nothing and print the sign-in
again. The password is generated once and kept in ``var/demo-password.txt`` (owner-only, and
outside git like the rest of var/); when that file is lost or no longer matches, a new
password replaces it. Production (DJANGO_ENV=production) never gets the account: the command
says so and touches nothing.
"""

import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from tracker.models import User
from tracker.services.demo import (
    DEFAULT_SEED,
    DEFAULT_TIMEZONE,
    create_demo_user,
    generate_password,
    seed_history,
)

DEMO_EMAIL = "demo@b12tracker.invalid"
DEMO_DAYS = 90
PASSWORD_FILE = "demo-password.txt"


def password_path() -> Path:
    return Path(settings.VAR_DIR) / PASSWORD_FILE


def read_password(path: Path) -> str | None:
    try:
        return path.read_text().strip() or None
    except FileNotFoundError:
        return None


def store_password(path: Path, password: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600, exist_ok=True)
    path.chmod(0o600)
    path.write_text(password + "\n")


class Command(BaseCommand):
    help = (
        f"Create the local demo account {DEMO_EMAIL} with {DEMO_DAYS} days of made-up history "
        "if it is missing, and print its sign-in. Does nothing in production."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.IS_PRODUCTION:
            self.stderr.write(
                "No demo account in production (DJANGO_ENV=production): nothing was created."
            )
            return
        path = password_path()
        password = read_password(path)
        started = time.perf_counter()
        user = User.objects.filter(email=DEMO_EMAIL).first()
        if user is None:
            password = password or generate_password()
            # The file first: should seeding fail, the next run reuses the same password.
            store_password(path, password)
            now = timezone.now()
            with transaction.atomic():
                user = create_demo_user(
                    email=DEMO_EMAIL, password=password, tz_name=DEFAULT_TIMEZONE, now=now
                )
                result = seed_history(user=user, days=DEMO_DAYS, seed=DEFAULT_SEED, now=now)
            self.stdout.write(
                f"    Created the demo account with {result.describe()} "
                f"in {time.perf_counter() - started:.1f} s."
            )
        elif password is None or not user.check_password(password):
            # The password file was removed (or the database is shared with another checkout).
            password = generate_password()
            with transaction.atomic():
                user.set_password(password)
                user.save(update_fields=["password"])
            store_password(path, password)
            self.stdout.write(f"    New demo password (the one in {path} was missing or stale).")
        # Lined up with the URLs `make run` prints above it.
        self.stdout.write(f"    {'demo login':<12}{DEMO_EMAIL} / {password}  (made-up data)")
