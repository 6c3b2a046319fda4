"""Concurrent writers on the SQLite default: 8 processes writing through the services for 60 s
must see no "database is locked".

    .venv/bin/python bench/sqlite_writers.py [--writers 8] [--seconds 60]
        [--options settings|deferred|django]

The database is the one `make run` uses — config/settings.py without DATABASE_URL, so
SQLite with the OPTIONS set there (WAL, synchronous=NORMAL, a 20 s busy timeout, IMMEDIATE
transactions) — in a temporary VAR_DIR instead of var/, migrated, with one person, a
catalogue food and a supplement per writer. Each writer is a separate process (multiprocessing,
spawn: its own interpreter, Django and SQLite connection, as the web server and the Celery
worker are) and cycles, as fast as it can, through what the API's write endpoints call:
``log_food_intake``, ``record_supplement_dose``, ``record_symptom``, a PATCH-like
``update_food_intake`` of its latest entry (read in autocommit, then written in its own
transaction, as the view does) and ``act_on_notification`` ("taken", then "skipped", on its
person's supplement reminder notification: a transaction that reads before it writes, the
pattern that fails at once under deferred transactions when another writer holds the lock;
the reminder dispatcher in the worker has the same shape). Every write is counted and timed
(lock waits included); every exception is counted by kind. At the end the rows in the file
must equal the writes that succeeded.

The writers go through the ORM and services rather than HTTP: the same functions and the same
transactions as the API views, without the JSON and DRF work in between, so each process
asks for the write lock several times more often than behind a web server — a harder test
of the locking, on 2 cores where HTTP would saturate the CPU long before the lock.

For contrast, ``--options django`` runs the same with Django's SQLite defaults (no OPTIONS:
rollback journal, deferred transactions, 5 s timeout) and ``--options deferred`` with the
settings' OPTIONS but deferred transactions (no "transaction_mode"), to show what the settings
prevent.
"""

import argparse
import multiprocessing
import os
import sqlite3
import statistics
import sys
import tempfile
import time
import traceback
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OPERATIONS = (
    "food_intake",
    "supplement_dose",
    "symptom_entry",
    "update_food_intake",
    "notification_act",
)


def setup_django(var_dir: str, options: str) -> None:
    """Django on the SQLite default, its file under ``var_dir``; called in every process."""
    os.environ.pop("DATABASE_URL", None)
    os.environ.pop("CELERY_BROKER_URL", None)  # the filesystem broker, as `make run` has
    os.environ.update(
        {
            "VAR_DIR": var_dir,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DJANGO_ENV": "development",
            "DEBUG": "0",  # no query log growing in the writers
            "LOG_LEVEL": "WARNING",
        }
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection

    # Before the first query: the connection is opened with these.
    if options == "django":
        connection.settings_dict["OPTIONS"] = {}
    elif options == "deferred":
        connection.settings_dict["OPTIONS"].pop("transaction_mode", None)


def seed(writers: int) -> list[str]:
    """One person per writer, each with a supplement, a supplement reminder and one notification
    of it in the inbox; one catalogue food for all."""
    from datetime import timedelta
    from decimal import Decimal

    from django.utils import timezone

    from tracker.domain.food_flags import normalize_search_name
    from tracker.models import Food, Notification, User
    from tracker.services.reminders import create_reminder
    from tracker.services.supplements import add_supplement

    name = "Fortified soy drink (bench)"
    Food.objects.create(
        name=name,
        search_name=normalize_search_name(name),
        b12_ug_per_100g=Decimal("0.38"),
        portion_name="1 cup",
        portion_grams=Decimal(243),
        source=Food.SOURCE_USDA,
        source_version="bench",
        data_type="sr_legacy_food",
    )
    emails = []
    now = timezone.now()
    for number in range(writers):
        email = f"writer{number}@example.org"
        user = User.objects.create_user(
            email=email, password=None, profile={"disclaimer_accepted_at": timezone.now()}
        )
        supplement = add_supplement(
            user=user, name="B12 50", form="cyanocobalamin", route="oral", dose_ug=Decimal(50)
        )
        reminder = create_reminder(
            user=user,
            now=now,
            kind="supplement",
            supplement=supplement,
            times=["08:00"],
            channels=["inapp"],
        )
        Notification.objects.create(
            owner=user,
            reminder=reminder,
            kind="supplement",
            occurrence=now - timedelta(hours=1),
            title="Reminder",
            channels=["inapp"],
        )
        emails.append(email)
    return emails


def writer(
    number: int,
    email: str,
    var_dir: str,
    options: str,
    start_at: float,
    seconds: float,
    results: Any,
) -> None:
    """One writing process: each operation in turn until the deadline."""
    try:
        setup_django(var_dir, options)
        from decimal import Decimal

        from django.db import OperationalError
        from django.utils import timezone

        from tracker.models import Food, FoodIntake, Notification, Supplement, User
        from tracker.services.diary import record_symptom
        from tracker.services.intakes import log_food_intake, update_food_intake
        from tracker.services.notifications import act_on_notification
        from tracker.services.supplements import record_supplement_dose

        user = User.objects.select_related("profile").get(email=email)
        food = Food.objects.get()
        supplement = Supplement.objects.get(owner=user)
        notification = Notification.objects.get(owner=user)
        answers = ("taken", "skipped")

        def food_intake() -> None:
            log_food_intake(
                user=user, food=food, eaten_at=timezone.now(), meal="snack", grams=Decimal(200)
            )

        def supplement_dose() -> None:
            record_supplement_dose(
                user=user, supplement=supplement, status="taken", now=timezone.now()
            )

        def symptom_entry() -> None:
            record_symptom(user=user, symptom="tiredness", severity=2, recorded_at=timezone.now())

        def update_latest() -> None:
            latest = FoodIntake.objects.filter(owner=user).latest("created_at")
            update_food_intake(intake=latest, changes={"grams": Decimal(250)})

        def notification_act() -> None:
            action = answers[done["notification_act"] % 2]
            act_on_notification(notification=notification, action=action, now=timezone.now())

        steps = dict(
            zip(
                OPERATIONS,
                (food_intake, supplement_dose, symptom_entry, update_latest, notification_act),
                strict=True,
            )
        )
        done: Counter[str] = Counter()
        errors: Counter[str] = Counter()
        timings: list[float] = []
        while time.time() < start_at:  # all writers start together
            time.sleep(0.001)
        deadline = start_at + seconds
        turn = 0
        while time.time() < deadline:
            name = OPERATIONS[turn % len(OPERATIONS)]
            turn += 1
            began = time.perf_counter()
            try:
                steps[name]()
            except OperationalError as error:
                errors[f"{name}: OperationalError: {error}"] += 1
            except Exception as error:  # counted, not hidden: any failure fails the run
                errors[f"{name}: {type(error).__name__}: {error}"] += 1
            else:
                timings.append(time.perf_counter() - began)
                done[name] += 1
        results.put({"number": number, "done": done, "errors": errors, "timings": timings})
    except Exception:
        results.put({"number": number, "crashed": traceback.format_exc()})


def ms(seconds: float) -> float:
    return seconds * 1000


def percentile(ordered: list[float], share: float) -> float:
    # As bench/harness.py (not imported: it sets Django up on import with a test database).
    return ordered[max(int(len(ordered) * share) - 1, 0)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument(
        "--options",
        choices=["settings", "deferred", "django"],
        default="settings",
        help="settings: config/settings.py's OPTIONS; deferred: those without transaction_mode;"
        " django: Django's defaults (no OPTIONS)",
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="b12-sqlite-writers-") as var_dir:
        setup_django(var_dir, args.options)
        from django.core.management import call_command
        from django.db import connection

        from tracker.models import FoodIntake, SupplementDose, SymptomEntry

        call_command("migrate", verbosity=0)
        emails = seed(args.writers)
        with connection.cursor() as cursor:
            pragmas = {}
            for name in ("journal_mode", "synchronous", "busy_timeout"):
                cursor.execute(f"PRAGMA {name}")
                pragmas[name] = cursor.fetchone()[0]
        opened_with = connection.settings_dict["OPTIONS"]
        connection.close()

        context = multiprocessing.get_context("spawn")
        results = context.Queue()
        start_at = time.time() + 5  # time for every process to import Django
        processes = [
            context.Process(
                target=writer,
                args=(n, email, var_dir, args.options, start_at, args.seconds, results),
            )
            for n, email in enumerate(emails)
        ]
        for process in processes:
            process.start()
        reports = [results.get(timeout=args.seconds + 120) for _ in processes]
        for process in processes:
            process.join()

        crashed = [r for r in reports if "crashed" in r]
        for report in crashed:
            print(f"writer {report['number']} crashed:\n{report['crashed']}")
        done: Counter[str] = Counter()
        errors: Counter[str] = Counter()
        timings: list[float] = []
        per_writer = []
        for report in reports:
            if "crashed" in report:
                continue
            done.update(report["done"])
            errors.update(report["errors"])
            timings.extend(report["timings"])
            per_writer.append(sum(report["done"].values()))
        rows = {
            "food_intake": FoodIntake.objects.count(),
            "supplement_dose": SupplementDose.objects.count(),
            "symptom_entry": SymptomEntry.objects.count(),
        }
        connection.close()

    total = sum(done.values())
    locked = sum(n for message, n in errors.items() if "database is locked" in message)
    ordered = sorted(timings)
    print(
        f"SQLite {sqlite3.sqlite_version}, {args.writers} writer processes, "
        f"{args.seconds:.0f} s, {os.cpu_count()} CPUs; "
        f"OPTIONS {opened_with or '{} (Django defaults)'}"
    )
    print(
        f"in effect: journal_mode={pragmas['journal_mode']}, synchronous={pragmas['synchronous']}"
        f", busy_timeout={pragmas['busy_timeout']} ms"
    )
    print(
        f"writes: {total:,} ({total / args.seconds:,.0f}/s; per writer "
        f"{min(per_writer, default=0):,}–{max(per_writer, default=0):,}) — "
        + ", ".join(f"{name} {done[name]:,}" for name in OPERATIONS)
    )
    if ordered:
        print(
            f"write latency, lock wait included: p50 {ms(statistics.median(ordered)):.1f} ms, "
            f"p95 {ms(percentile(ordered, 0.95)):.1f} ms, p99 {ms(percentile(ordered, 0.99)):.1f}"
            f" ms, max {ms(ordered[-1]):.0f} ms"
        )
    expected = {name: done[name] for name in rows}
    # Answering a notification records its dose once, then updates that same row.
    expected["supplement_dose"] += sum(
        1 for r in reports if "crashed" not in r and r["done"]["notification_act"]
    )
    print(
        "rows stored: "
        + ", ".join(f"{name} {n:,}" for name, n in rows.items())
        + (" (= writes that succeeded)" if rows == expected else f" (expected {expected})")
    )
    print(f'"database is locked": {locked:,}; errors in all: {sum(errors.values()):,}')
    for message, count in errors.most_common(10):
        print(f"  {count:>6,} × {message}")
    if locked or errors or crashed or rows != expected:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
