"""`manage.py seed_demo`: a believable history for one person (tracker/services/demo.py)."""

import time
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from tracker.domain.timezones import is_valid_timezone
from tracker.models import User
from tracker.models.accounts import normalize_email_address
from tracker.services.demo import (
    DEFAULT_DAYS,
    DEFAULT_SEED,
    DEFAULT_TIMEZONE,
    MAX_DAYS,
    MIN_DAYS,
    create_demo_user,
    delete_history,
    generate_password,
    has_history,
    seed_history,
)


def refuse_in_production(what: str) -> None:
    if settings.IS_PRODUCTION:
        raise CommandError(
            f"{what} writes made-up health records and does not run in production "
            "(DJANGO_ENV=production)."
        )


class Command(BaseCommand):
    help = (
        "Create a person (if missing) with made-up history: food entries, a daily supplement, "
        "injections every 8 weeks, a symptom diary and quarterly labs. Refuses when the person "
        "already has records, unless --replace (which hard-deletes them first). Not in "
        "production."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--email", required=True, help="The person's email address.")
        parser.add_argument(
            "--password",
            default=None,
            help="Password for a new account (default: generated and printed). An existing "
            "account keeps its password.",
        )
        parser.add_argument(
            "--days",
            type=int,
            default=DEFAULT_DAYS,
            help=f"Days of history ending today ({MIN_DAYS}–{MAX_DAYS}, default {DEFAULT_DAYS}).",
        )
        parser.add_argument(
            "--timezone",
            default=None,
            help=f"IANA zone of a new account (default {DEFAULT_TIMEZONE}); an existing "
            "account keeps its own.",
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=DEFAULT_SEED,
            help="Random seed: the same seed, day and zone give the same history.",
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Hard-delete this person's food entries, supplements, doses, injection "
            "plans, injections, diary, alerts, lab results and label foods, then seed again.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        refuse_in_production("seed_demo")
        days: int = options["days"]
        if not MIN_DAYS <= days <= MAX_DAYS:
            raise CommandError(f"--days must be between {MIN_DAYS} and {MAX_DAYS}.")
        email = normalize_email_address(options["email"])
        try:
            validate_email(email)
        except ValidationError:
            raise CommandError(f"Not an email address: {options['email']!r}.") from None
        tz_name: str | None = options["timezone"]
        if tz_name is not None and not is_valid_timezone(tz_name):
            raise CommandError(f"Not an IANA time zone: {tz_name!r} (e.g. Europe/London).")

        started = time.perf_counter()
        now = timezone.now()
        generated: str | None = None
        deleted = 0
        with transaction.atomic():
            user = User.objects.select_related("profile").filter(email=email).first()
            if user is None:
                password = options["password"]
                if password is None:
                    password = generated = generate_password()
                user = create_demo_user(
                    email=email, password=password, tz_name=tz_name or DEFAULT_TIMEZONE, now=now
                )
                self.stdout.write(f"Created {email}.")
            else:
                if options["password"] is not None or tz_name is not None:
                    self.stderr.write(
                        f"{email} exists: its password, time zone and profile stay as they are."
                    )
                if has_history(user=user):
                    if not options["replace"]:
                        raise CommandError(
                            f"{email} already has records; nothing was added. Run again with "
                            "--replace to delete them (for good) and seed a fresh history."
                        )
                    deleted = delete_history(user=user)
            result = seed_history(user=user, days=days, seed=options["seed"], now=now)
        seconds = time.perf_counter() - started

        if deleted:
            self.stdout.write(f"Deleted {deleted} earlier rows of {email}.")
        self.stdout.write(f"Seeded {email} with {result.describe()} in {seconds:.2f} s.")
        if generated is not None:
            self.stdout.write(f"Password: {generated}")
