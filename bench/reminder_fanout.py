"""Reminder fan-out: 1k and 10k reminders due in the same minute, dispatched by one real Celery
worker over Redis into PostgreSQL, with the outside deliveries (email, to a local SMTP server)
that the dispatch enqueues.

    .venv/bin/python bench/reminder_fanout.py [--database-url postgres://…/b12_fanout_x]
        [--redis-url redis://127.0.0.1:6379/12] [--sizes 1000 10000] [--rounds 1]
        [--concurrency 2] [--email-share 0.5] [--batch-size 500]

Creates its own database (default postgres://postgres@127.0.0.1:5432/b12_fanout_<pid>; refuses
one that exists already and drops the one it created at the end, even on failure) and migrates
it. Uses its own Redis database index (refused when it holds keys) and its own queue name,
and deletes only its own keys. One person per reminder (bulk-created); every reminder due one
minute ago; ``--email-share`` of them also go by email to an aiosmtpd server in this process.

Starts one worker (``celery -A tests.reminder_worker_app``, prefork, ``--concurrency``) whose
default queue is the bench queue, so the deliveries the dispatcher enqueues come back to it.
For each size: enqueue ``dispatch_reminders`` and poll the database every 20 ms for
(1) every notification with its in-app delivery sent, and (2) every outside delivery done
(no delivery pending or sending). Then measures raw Redis LPUSH throughput in the same run.

Targets (DESIGN.md): 10k reminders in the in-app inbox within 60 s on 2 cores with Redis;
linear growth, 10k <= 11 x 1k.
"""

import argparse
import logging
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from contextlib import suppress
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import redis
from pgdb import create_database, database_name, drop_database

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
IN_APP_TARGET_SECONDS = 60
LINEAR_TARGET = 11


# --- the database (as bench/insights.py) ------------------------------------------------------


# --- a mail server that only counts -----------------------------------------------------------


class CountingSMTP:
    def __init__(self) -> None:
        self.received = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.received += 1
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- the worker ---------------------------------------------------------------------------------


def start_worker(env: dict[str, str], queue: str, concurrency: int, log: Path) -> subprocess.Popen:
    command = [
        PYTHON, "-m", "celery", "-A", "tests.reminder_worker_app", "worker",
        "--pool", "prefork", "--concurrency", str(concurrency), "--queues", queue,
        "--hostname", f"{queue}@%h", "--without-gossip", "--without-mingle",
        "--without-heartbeat", "--loglevel", "INFO",
    ]  # fmt: skip
    worker = subprocess.Popen(
        command,
        cwd=ROOT,
        env={**env, "B12_TASK_DEFAULT_QUEUE": queue},
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while " ready." not in log.read_text():
        if worker.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"the worker did not start:\n{log.read_text()[-3000:]}")
        time.sleep(0.1)
    return worker


def stop_worker(worker: subprocess.Popen) -> None:
    if worker.poll() is None:
        os.killpg(worker.pid, signal.SIGTERM)
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait()


# --- rows ---------------------------------------------------------------------------------------


def seed_people(count: int) -> list[Any]:
    from django.utils import timezone

    from tracker.models import Profile, User

    now = timezone.now()
    users = [
        User(email=f"fanout{number}@example.org", password="!", date_joined=now)
        for number in range(count)
    ]
    User.objects.bulk_create(users, batch_size=2000)
    Profile.objects.bulk_create(
        [Profile(user=user, disclaimer_accepted_at=now) for user in users], batch_size=2000
    )
    return users


def seed_reminders(users: list[Any], count: int, email_share: float) -> Any:
    from django.db import connection
    from django.utils import timezone

    from tracker.models import Delivery, Notification, Reminder

    with connection.cursor() as cursor:
        tables = ", ".join(m._meta.db_table for m in (Delivery, Notification, Reminder))
        cursor.execute(f"TRUNCATE {tables} CASCADE")
    now = timezone.now().replace(second=0, microsecond=0)
    due = now - timedelta(minutes=1)
    later = (now + timedelta(hours=12)).strftime("%H:%M")  # no second occurrence in the run
    every = round(1 / email_share) if email_share else 0
    Reminder.objects.bulk_create(
        [
            Reminder(
                owner=users[number],
                kind="diary",
                times=[later],
                channels=["email"] if every and number % every == 0 else ["inapp"],
                next_occurrence_at=due,
                next_fire_at=due,
            )
            for number in range(count)
        ],
        batch_size=2000,
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return due


def fan_out(count: int, queue: str, smtp: CountingSMTP, log: Path) -> dict[str, Any]:
    from django.db.models import Count

    from tracker.models import Delivery, Notification
    from tracker.tasks import dispatch_reminders

    outside = Delivery.objects.exclude(channel="inapp")
    received_before = smtp.received
    dispatched_before = len(re.findall(r"dispatch_reminders\[[^]]+\] succeeded", log.read_text()))
    start = time.perf_counter()
    dispatch_reminders.apply_async(queue=queue)
    inbox_at = done_at = None
    deadline = start + 600
    while done_at is None:
        now = time.perf_counter()
        if now > deadline:
            raise SystemExit(f"not done after 600 s:\n{log.read_text()[-3000:]}")
        if inbox_at is None:
            inbox = Delivery.objects.filter(channel="inapp", status="sent").count()
            if inbox == count:
                inbox_at = now
        if inbox_at is not None:
            if not outside.filter(status__in=["pending", "sending"]).exists():
                done_at = time.perf_counter()
        time.sleep(0.02)
    assert inbox_at is not None
    runs = re.findall(
        r"dispatch_reminders\[[^]]+\] succeeded in ([\d.]+)s: (\d+)", log.read_text()
    )[dispatched_before:]
    assert Notification.objects.count() == count
    by_status = dict(outside.values_list("status").annotate(n=Count("id")))
    return {
        "inbox_s": inbox_at - start,
        "done_s": done_at - start,
        "dispatch_task_s": sum(float(seconds) for seconds, _ in runs),
        "dispatch_runs": len(runs),
        "emails_sent": by_status.get("sent", 0),
        "emails_other": {k: v for k, v in by_status.items() if k != "sent"},
        "smtp_received": smtp.received - received_before,
    }


def lpush_rate(redis_url: str) -> dict[str, float | str]:
    client = redis.Redis.from_url(redis_url)
    key = f"b12-bench-scratch-{os.getpid()}"
    value = b"x" * 1024  # about the size of one deliver_notifications message
    rates = []
    for _ in range(3):
        start = time.perf_counter()
        pipe = client.pipeline(transaction=False)
        for _ in range(10_000):
            pipe.lpush(key, value)
        pipe.execute()
        rates.append(10_000 / (time.perf_counter() - start))
        client.delete(key)
    # One round trip per LPUSH, as kombu publishes one message per call.
    start = time.perf_counter()
    for _ in range(2_000):
        client.lpush(key, value)
    single = 2_000 / (time.perf_counter() - start)
    client.delete(key)
    result: dict[str, float | str] = {"pipelined": max(rates), "one_per_round_trip": single}
    if shutil.which("redis-benchmark"):
        parts = urlsplit(redis_url)
        db = parts.path.lstrip("/") or "0"
        out = subprocess.run(
            [
                "redis-benchmark",
                "-h",
                parts.hostname or "127.0.0.1",
                "-p",
                str(parts.port or 6379),
                "--dbnum",
                db,
                "-t",
                "lpush",
                "-n",
                "100000",
                "-q",
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        # redis-benchmark pushes onto "mylist" in our own database index.
        client.delete("mylist")
        result["redis-benchmark"] = (
            out.stdout.strip().splitlines()[-1] if out.stdout else out.stderr
        )
    return result


# --- main -----------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        default=f"postgres://postgres@127.0.0.1:5432/b12_fanout_{os.getpid()}",
        help="The database to create (must not exist) and drop at the end.",
    )
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/12")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000])
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--email-share", type=float, default=0.5)
    parser.add_argument("--batch-size", type=int, default=None, help="REMINDER_BATCH_SIZE")
    args = parser.parse_args()

    client = redis.Redis.from_url(args.redis_url)
    if client.dbsize():
        raise SystemExit(f"{args.redis_url} holds keys: pick an empty database index")

    url = args.database_url
    smtp_port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "CELERY_BROKER_URL": args.redis_url,
        "CACHE_URL": "locmem://",
        "DJANGO_ENV": "development",
        "DEBUG": "0",  # no query log in the worker
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
    }
    if args.batch_size:
        env["REMINDER_BATCH_SIZE"] = str(args.batch_size)
    create_database(url)
    worker = None
    try:
        subprocess.run(
            [PYTHON, "manage.py", "migrate", "--noinput"],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )
        os.environ.update(env)
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        from aiosmtpd.controller import Controller
        from django.conf import settings
        from django.db import connection

        # aiosmtpd logs every SMTP command at INFO: thousands of lines, and CPU the worker needs.
        logging.getLogger("mail.log").setLevel(logging.WARNING)
        smtp = CountingSMTP()
        controller = Controller(smtp, hostname="127.0.0.1", port=smtp_port)
        controller.start()
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            server_version = cursor.fetchone()[0]
        users = seed_people(max(args.sizes))
        queue = f"b12-fanout-{uuid.uuid4().hex[:8]}"
        log = Path(f"/tmp/{queue}.log")
        worker = start_worker(env, queue, args.concurrency, log)
        print(
            f"PostgreSQL {server_version}, Redis {args.redis_url}, one worker (prefork, "
            f"concurrency {args.concurrency}), REMINDER_BATCH_SIZE {settings.REMINDER_BATCH_SIZE},"
            f" {os.cpu_count()} CPUs, email share {args.email_share:.0%} (aiosmtpd, this process)"
        )
        results: dict[int, list[dict[str, Any]]] = {size: [] for size in args.sizes}
        for round_ in range(args.rounds):
            for size in args.sizes:
                seed_reminders(users, size, args.email_share)
                result = fan_out(size, queue, smtp, log)
                results[size].append(result)
                print(
                    f"round {round_ + 1} {size:>6,} reminders: inbox {result['inbox_s']:6.2f} s "
                    f"(dispatch task {result['dispatch_task_s']:.2f} s in "
                    f"{result['dispatch_runs']} run), outside channels done "
                    f"{result['done_s']:6.2f} s ({result['emails_sent']:,} emails sent, "
                    f"{result['smtp_received']:,} received, other {result['emails_other']})"
                )
        rates = lpush_rate(args.redis_url)
        print(
            f"Redis LPUSH (1 KiB values): {rates['pipelined']:,.0f}/s pipelined, "
            f"{rates['one_per_round_trip']:,.0f}/s one per round trip"
            + (
                f"; redis-benchmark: {rates['redis-benchmark']}"
                if "redis-benchmark" in rates
                else ""
            )
        )
        small, large = min(args.sizes), max(args.sizes)
        if small != large:
            best = {size: min(r["inbox_s"] for r in results[size]) for size in args.sizes}
            done = {size: min(r["done_s"] for r in results[size]) for size in args.sizes}
            ratio = best[large] / best[small]
            print(
                f"inbox {large:,}/{small:,}: {ratio:.2f} (target <= {LINEAR_TARGET}) "
                f"{'ok' if ratio <= LINEAR_TARGET else 'MISSED'}; {large:,} in "
                f"{best[large]:.1f} s (target <= {IN_APP_TARGET_SECONDS} s) "
                f"{'ok' if best[large] <= IN_APP_TARGET_SECONDS else 'MISSED'}; outside "
                f"channels {done[large] / done[small]:.2f}"
            )
        controller.stop()
    finally:
        if worker is not None:
            stop_worker(worker)
        with suppress(Exception):
            from django.db import connections

            connections.close_all()
        drop_database(url)
        with suppress(Exception):
            client.delete(*[k for k in client.keys("*")])  # our own, checked empty at start
        print(f"dropped {database_name(url)}")


if __name__ == "__main__":
    main()
