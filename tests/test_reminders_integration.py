"""The reminder pipeline end to end: real worker subprocesses, Redis as the broker, PostgreSQL,
a real SMTP server and a real Web Push endpoint on 127.0.0.1 (DESIGN invariants 3–4).

Each worker runs ``celery -A tests.reminder_worker_app`` with its default queue set to a queue of
this test's own, so the deliveries the dispatcher enqueues with ``.delay`` come back to it and
to no other worker on the same Redis. Tasks are sent with ``apply_async(queue=…)``, so the test
decides when each runs. DELIVERY_SWEEP_AFTER_SECONDS is not read from the environment: where a
claim or a message must look stale, the test runs ``notifications.sweep`` itself with a ``now``
beyond it (the worker then delivers what the sweep enqueues).
"""

import asyncio
import base64
import email
import email.policy
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import http_ece
import pytest
import redis
from aiosmtpd.controller import Controller
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from django.db.models import Count
from django.utils import timezone
from push_notifications.models import WebPushDevice

from config import celery_app
from tests.conftest import requires_postgres, requires_redis_broker
from tests.factories import make_user
from tests.test_celery import _database_url_for_worker
from tracker.models import Delivery, Notification, Reminder, User
from tracker.services import notifications as pipeline
from tracker.tasks import deliver_notifications, dispatch_reminders, sweep_deliveries

pytestmark = [pytest.mark.integration, requires_redis_broker]

WORKER_START_SECONDS = 45
requires_redis_server = pytest.mark.skipif(
    shutil.which("redis-server") is None,
    reason="needs the redis-server binary to run a private Redis it may stop and restart",
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


# --- worker subprocesses --------------------------------------------------------------------


@dataclass
class Worker:
    name: str
    process: subprocess.Popen
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def returns(self, task: str) -> list[str]:
        """The return values the worker logged for each successful run of ``task``."""
        pattern = rf"Task tracker\.tasks\.{task}\[[0-9a-f-]+\] succeeded in [\d.e-]+s: (.*)"
        return re.findall(pattern, self.log())

    def kill(self) -> None:
        """SIGKILL the worker and its pool children (its own process group): nothing is
        acknowledged, nothing is cleaned up, as when a machine loses power."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()


@dataclass
class Rig:
    """A test's queue, broker and workers; every worker is stopped at the end."""

    tmp_path: Path
    broker_url: str = field(default_factory=lambda: settings.CELERY_BROKER_URL)
    queue: str = field(default_factory=lambda: f"reminders-it-{uuid.uuid4().hex[:10]}")
    env: dict[str, str] = field(default_factory=dict)
    workers: list[Worker] = field(default_factory=list)

    def start_worker(
        self, *, pool: str = "solo", concurrency: int = 1, wait: bool = True
    ) -> Worker:
        name = f"w{len(self.workers) + 1}-{self.queue}"
        log_path = self.tmp_path / f"{name}.log"
        env = {
            **os.environ,
            "DATABASE_URL": _database_url_for_worker(),
            "CELERY_BROKER_URL": self.broker_url,
            "VAR_DIR": str(settings.VAR_DIR),
            "B12_TASK_DEFAULT_QUEUE": self.queue,
            "LOG_LEVEL": "INFO",
            **self.env,
        }
        command = [
            sys.executable, "-m", "celery", "-A", "tests.reminder_worker_app", "worker",
            "--pool", pool, "--concurrency", str(concurrency), "--queues", self.queue,
            "--hostname", f"{name}@%h", "--without-gossip", "--without-mingle",
            "--without-heartbeat", "--loglevel", "INFO",
        ]  # fmt: skip
        process = subprocess.Popen(
            command,
            cwd=settings.BASE_DIR,
            env=env,
            stdout=log_path.open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: kill() reaches the pool children
        )
        worker = Worker(name, process, log_path)
        self.workers.append(worker)
        if wait:
            self.wait_for(
                lambda: " ready." in worker.log(), f"{name} to start", WORKER_START_SECONDS
            )
        return worker

    def logs(self) -> str:
        return "\n".join(
            f"--- {w.name} (exit {w.process.poll()}) ---\n{w.log()}" for w in self.workers
        )

    def wait_for(self, condition: Callable[[], bool], what: str, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while not condition():
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"gave up after {seconds:.0f} s waiting for {what}\n{self.logs()}"
                )
            time.sleep(0.05)

    def send(self, task: Any, *args: Any) -> None:
        with celery_app.connection_for_write(self.broker_url) as conn:
            task.apply_async(args, queue=self.queue, connection=conn)

    def enqueue_deliveries(self, ids: list[int]) -> None:
        """What tracker.tasks.enqueue_deliveries does, onto this rig's queue and broker."""
        self.send(deliver_notifications, ids)

    def close(self) -> None:
        for worker in self.workers:
            worker.stop()
        # A killed worker leaves its unacknowledged message in Redis' "unacked" hash; drop
        # ours (and the queue) so nothing restores them into a queue nobody reads.
        with suppress_redis_errors():
            client = redis.Redis.from_url(self.broker_url)
            client.delete(
                self.queue,
                f"_kombu.binding.{self.queue}",
                f"_kombu.binding_permanent.{self.queue}",
            )
            for tag, raw in client.hgetall("unacked").items():
                if json.loads(raw)[2] == self.queue:
                    client.hdel("unacked", tag)
                    client.zrem("unacked_index", tag)


class suppress_redis_errors:
    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: Any, error: Any, trace: Any) -> bool:
        return kind is not None and issubclass(kind, redis.RedisError | OSError | ValueError)


@pytest.fixture
def rig(tmp_path: Path) -> Iterator[Rig]:
    rig = Rig(tmp_path)
    try:
        yield rig
    finally:
        rig.close()


# --- a mail server and a push service on 127.0.0.1 --------------------------------------------


class MailServer:
    """aiosmtpd recording each accepted message. Closing ``gate`` holds every session at RCPT
    (before any message is accepted), like a mail server that has stopped answering."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []
        self.gate = threading.Event()
        self.gate.set()
        self.held = 0
        self.controller = Controller(self, hostname="127.0.0.1", port=free_port())

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # type: ignore[no-untyped-def]
        self.held += 1
        while not self.gate.is_set():
            await asyncio.sleep(0.05)
        self.held -= 1
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append(parsed)  # type: ignore[arg-type]
        return "250 Message accepted for delivery"

    def env(self) -> dict[str, str]:
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(self.controller.port),
            "EMAIL_USE_TLS": "0",
        }

    def message_ids(self) -> Counter[str]:
        return Counter(str(m["Message-ID"]) for m in self.messages)


@pytest.fixture
def mail_server() -> Iterator[MailServer]:
    server = MailServer()
    server.controller.start()
    try:
        yield server
    finally:
        server.gate.set()
        server.controller.stop()


class Browser:
    """A browser's push subscription, as pushManager.subscribe makes one: a P-256 key pair and
    a 16-byte auth secret."""

    def __init__(self) -> None:
        self.private_key = ec.generate_private_key(ec.SECP256R1())
        self.auth_secret = os.urandom(16)
        self.p256dh = b64url(
            self.private_key.public_key().public_bytes(
                serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
            )
        )

    def decrypt(self, body: bytes) -> dict[str, Any]:
        plain = http_ece.decrypt(
            body, private_key=self.private_key, auth_secret=self.auth_secret, version="aes128gcm"
        )
        return dict(json.loads(plain))


class PushService:
    """An HTTP push endpoint that decrypts every payload with the subscription's keys."""

    def __init__(self, browser: Browser) -> None:
        self.payloads: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                service.headers.append({k.lower(): v for k, v in self.headers.items()})
                service.payloads.append(browser.decrypt(body))
                self.send_response(201)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.endpoint = f"http://127.0.0.1:{self.server.server_address[1]}/push/subscription-1"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)


def vapid_env() -> dict[str, str]:
    """A VAPID key pair in the format tracker.notifications.webpush reads (base64url raw
    private key, base64url uncompressed public point)."""
    key = ec.generate_private_key(ec.SECP256R1())
    public = key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return {
        "VAPID_PRIVATE_KEY": b64url(key.private_numbers().private_value.to_bytes(32, "big")),
        "VAPID_PUBLIC_KEY": b64url(public),
        "VAPID_SUBJECT": "mailto:ops@example.org",
    }


# --- a private Redis that may be stopped and restarted ----------------------------------------


class PrivateRedis:
    def __init__(self, tmp_path: Path) -> None:
        self.port = free_port()
        self.dir = tmp_path
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        command = [
            "redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
            "--save", "", "--appendonly", "no", "--dir", str(self.dir),
        ]  # fmt: skip
        log = (self.dir / "redis.log").open("a")
        self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        client = redis.Redis.from_url(self.url)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                return
            except redis.ConnectionError:
                assert time.monotonic() < deadline, (self.dir / "redis.log").read_text()
                time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)

    def client(self) -> redis.Redis:
        return redis.Redis.from_url(self.url)


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[PrivateRedis]:
    server = PrivateRedis(tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()


# --- rows -----------------------------------------------------------------------------------


def due_reminders(owners: list[User], count: int, *, channels: list[str]) -> datetime:
    """``count`` diary reminders spread over ``owners``, all due a minute ago; their rule fires
    next twelve hours from now, so no second occurrence falls due during the test. Returns the
    due instant (the occurrence every notification must carry)."""
    now = timezone.now().replace(second=0, microsecond=0)
    due = now - timedelta(minutes=1)
    later = (now + timedelta(hours=12)).strftime("%H:%M")
    Reminder.objects.bulk_create(
        [
            Reminder(
                owner=owners[number % len(owners)],
                kind="diary",
                times=[later],
                channels=channels,
                next_occurrence_at=due,
                next_fire_at=due,
            )
            for number in range(count)
        ],
        batch_size=1000,
    )
    return due


def notifications_per_reminder() -> Counter[int]:
    """How many reminders have 1, 2, … notifications (a reminder with none is not counted)."""
    counts = (
        Notification.objects.values("reminder").annotate(n=Count("id")).values_list("n", flat=True)
    )
    return Counter(counts)


def statuses(channel: str) -> dict[str, int]:
    rows = Delivery.objects.filter(channel=channel).values_list("status").annotate(n=Count("id"))
    return dict(rows)  # type: ignore[arg-type]


def late_sweep(rig: Rig) -> int:
    """The sweeper as it runs once DELIVERY_SWEEP_AFTER_SECONDS have passed."""
    later = timezone.now() + timedelta(seconds=settings.DELIVERY_SWEEP_AFTER_SECONDS + 1)
    return pipeline.sweep(now=later, enqueue=rig.enqueue_deliveries)


# --- (a) one reminder, every channel, exactly once ------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_one_due_reminder_reaches_inbox_smtp_and_web_push_once_however_often_it_runs(
    rig, mail_server
):  # type: ignore[no-untyped-def]
    browser = Browser()
    push = PushService(browser)
    push.thread.start()
    try:
        user = make_user(email="walker@example.org")
        WebPushDevice.objects.create(
            user=user,
            registration_id=push.endpoint,
            p256dh=browser.p256dh,
            auth=b64url(browser.auth_secret),
            browser="FIREFOX",
        )
        due = due_reminders([user], 1, channels=["email", "webpush"])
        vapid = vapid_env()
        rig.env.update({**mail_server.env(), **vapid})
        worker = rig.start_worker()

        rig.send(dispatch_reminders)
        rig.wait_for(
            lambda: len(mail_server.messages) >= 1 and len(push.payloads) >= 1,
            "one email at the SMTP server and one push at the endpoint",
        )
        rig.wait_for(
            lambda: statuses("email") == {"sent": 1} and statuses("webpush") == {"sent": 1},
            "the email and web push deliveries to be marked sent",
        )

        # Beat fires again, and the sweeper runs: on time and long after.
        rig.send(dispatch_reminders)
        rig.send(sweep_deliveries)
        rig.wait_for(
            lambda: (
                len(worker.returns("dispatch_reminders")) == 2
                and len(worker.returns("sweep_deliveries")) == 1
            ),
            "the second dispatch and the sweep to finish",
        )
        assert late_sweep(rig) == 0
        time.sleep(1)  # anything wrongly enqueued would arrive meanwhile
    finally:
        push.server.shutdown()
        push.server.server_close()

    assert worker.returns("dispatch_reminders") == ["1", "0"]
    notification = Notification.objects.get()
    assert notification.occurrence == due
    assert notification.channels == ["inapp", "email", "webpush"]
    assert statuses("inapp") == {"sent": 1}
    assert statuses("email") == {"sent": 1}
    assert statuses("webpush") == {"sent": 1}

    assert len(mail_server.messages) == 1
    received = mail_server.messages[0]
    email_delivery = Delivery.objects.get(channel="email")
    assert received["To"] == "walker@example.org"
    assert received["Subject"] == notification.title
    assert received["Message-ID"] == f"<delivery-{email_delivery.pk}@b12tracker>"

    assert len(push.payloads) == 1
    assert push.payloads[0] == {
        "title": notification.title,
        "body": notification.body,
        "url": f"/notifications/{notification.pk}/",
        "notification_id": str(notification.pk),
        "tag": f"notification-{notification.pk}",
    }
    assert push.headers[0]["content-encoding"] == "aes128gcm"
    assert f"k={vapid['VAPID_PUBLIC_KEY']}" in push.headers[0]["authorization"]


# --- (b) two dispatchers at once ----------------------------------------------------------------


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_two_dispatchers_at_once_claim_each_due_reminder_once(rig):  # type: ignore[no-untyped-def]
    owners = [make_user() for _ in range(20)]
    due = due_reminders(owners, 2000, channels=["inapp"])
    rig.env["REMINDER_BATCH_SIZE"] = "50"
    # Both runs wait in the queue before the worker starts, so its two pool processes take one
    # each at once.
    rig.send(dispatch_reminders)
    rig.send(dispatch_reminders)
    worker = rig.start_worker(pool="prefork", concurrency=2)
    rig.wait_for(lambda: len(worker.returns("dispatch_reminders")) == 2, "both dispatch runs", 90)

    claimed = [int(value) for value in worker.returns("dispatch_reminders")]
    # Each run counts the reminders it claimed: a reminder claimed by both would count twice.
    assert sum(claimed) == 2000, claimed
    assert min(claimed) > 0, f"the runs did not overlap, nothing was proven: {claimed}"
    assert notifications_per_reminder() == {1: 2000}
    assert not Notification.objects.exclude(occurrence=due).exists()
    assert statuses("inapp") == {"sent": 2000}
    assert not Reminder.objects.filter(next_fire_at__lte=timezone.now()).exists()
    assert Reminder.objects.filter(last_fired_at__isnull=False).count() == 2000


# --- (c) a worker killed mid-batch, and one killed while delivering ---------------------------


@pytest.mark.django_db(transaction=True)
def test_a_dispatcher_killed_mid_run_loses_and_doubles_nothing_after_a_restart(rig):  # type: ignore[no-untyped-def]
    owners = [make_user() for _ in range(20)]
    due_reminders(owners, 3000, channels=["inapp"])
    rig.env["REMINDER_BATCH_SIZE"] = "50"
    first = rig.start_worker()

    rig.send(dispatch_reminders)
    rig.wait_for(lambda: Notification.objects.exists(), "the first batch to commit")
    first.kill()

    made = Notification.objects.count()
    assert made < 3000, "the run finished before the kill: nothing was proven"
    # Batches commit whole: as many reminders advanced as notifications made, none half-done.
    assert made % 50 == 0, made
    assert Reminder.objects.filter(last_fired_at__isnull=False).count() == made
    assert statuses("inapp") == {"sent": made}

    second = rig.start_worker()
    rig.send(dispatch_reminders)
    rig.send(sweep_deliveries)
    rig.wait_for(
        lambda: second.returns("dispatch_reminders") and second.returns("sweep_deliveries"),
        "the second dispatch and the sweep",
        90,
    )

    assert int(second.returns("dispatch_reminders")[0]) == 3000 - made
    assert notifications_per_reminder() == {1: 3000}
    assert statuses("inapp") == {"sent": 3000}
    assert Reminder.objects.filter(last_fired_at__isnull=False).count() == 3000
    assert not Reminder.objects.filter(next_fire_at__lte=timezone.now()).exists()


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_while_sending_email_is_swept_and_each_email_arrives_once(rig, mail_server):  # type: ignore[no-untyped-def]
    user = make_user()
    due_reminders([user], 5, channels=["email"])
    rig.env.update(mail_server.env())
    mail_server.gate.clear()  # the mail server stops answering at RCPT
    first = rig.start_worker()

    rig.send(dispatch_reminders)
    rig.wait_for(
        lambda: mail_server.held == 1 and statuses("email").get("sending") == 1,
        "the worker to be stuck sending the first email",
    )
    first.kill()
    assert statuses("email") == {"sending": 1, "pending": 4}
    assert not mail_server.messages
    mail_server.gate.set()

    second = rig.start_worker()
    # The sweeper on time leaves a fresh claim alone; once it is stale, it frees the dead
    # worker's claim and enqueues that delivery and the four whose message died with the worker.
    rig.send(sweep_deliveries)
    rig.wait_for(lambda: second.returns("sweep_deliveries") == ["0"], "the on-time sweep")
    assert statuses("email") == {"sending": 1, "pending": 4}
    assert late_sweep(rig) == 5
    rig.wait_for(lambda: statuses("email") == {"sent": 5}, "all five emails to be sent")
    time.sleep(1)

    ids = mail_server.message_ids()
    emails = Delivery.objects.filter(channel="email").values_list("pk", flat=True)
    expected = {f"<delivery-{pk}@b12tracker>" for pk in emails}
    assert set(ids) == expected
    assert set(ids.values()) == {1}, ids
    assert Delivery.objects.get(attempts=2).log[-1]["outcome"] == "sent by email"


# --- (d) Redis restarted with deliveries on the queue -------------------------------------------


@requires_redis_server
@pytest.mark.django_db(transaction=True)
def test_redis_restarted_empty_mid_run_loses_no_delivery_and_doubles_none(
    rig, mail_server, private_redis, settings
):  # type: ignore[no-untyped-def]
    user = make_user()
    due_reminders([user], 15, channels=["email"])
    rig.broker_url = private_redis.url
    rig.env.update(mail_server.env())
    mail_server.gate.clear()
    worker = rig.start_worker()

    # Three batches of five: three messages of five deliveries each on the private Redis.
    settings.REMINDER_BATCH_SIZE = 5
    pipeline.dispatch_due(now_fn=timezone.now, enqueue=rig.enqueue_deliveries)
    rig.wait_for(
        lambda: mail_server.held == 1 and private_redis.client().llen(rig.queue) == 2,
        "the worker to hold the first message, stuck at the mail server, two more queued",
    )

    private_redis.stop()
    private_redis.start()  # empty: --save "" --appendonly no
    assert private_redis.client().dbsize() == 0
    mail_server.gate.set()
    rig.wait_for(lambda: statuses("email") == {"sent": 5, "pending": 10}, "the held five to go out")
    rig.wait_for(
        lambda: worker.log().count("Connected to redis://") >= 2,
        "the worker to reconnect to the restarted Redis",
    )

    assert late_sweep(rig) == 10
    rig.wait_for(lambda: statuses("email") == {"sent": 15}, "the ten lost deliveries to go out")
    time.sleep(1)

    assert worker.process.poll() is None, worker.log()
    assert Notification.objects.count() == 15
    ids = mail_server.message_ids()
    assert len(ids) == 15
    assert set(ids.values()) == {1}, ids
