import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, transaction

from config import celery_app
from tests.conftest import requires_redis_broker
from tracker.models import ServiceHeartbeat
from tracker.tasks import record_heartbeat

WORKER_DEADLINE_SECONDS = 90


def test_celery_is_configured_for_safe_json_tasks_with_time_limits():
    conf = celery_app.conf
    assert conf.task_serializer == "json"
    assert conf.accept_content == ["json"]
    assert 0 < conf.task_soft_time_limit < conf.task_time_limit
    assert conf.worker_prefetch_multiplier == 1
    assert conf.timezone == "UTC"


def test_visibility_timeout_outlasts_any_countdown_plus_time_limit():
    longest_wait = settings.CELERY_MAX_COUNTDOWN_SECONDS + celery_app.conf.task_time_limit
    assert settings.CELERY_VISIBILITY_TIMEOUT_SECONDS > longest_wait
    if not settings.CELERY_BROKER_URL.startswith("filesystem://"):
        assert (
            celery_app.conf.broker_transport_options["visibility_timeout"]
            == settings.CELERY_VISIBILITY_TIMEOUT_SECONDS
        )


def test_beat_schedule_is_static_and_names_registered_tasks():
    celery_app.loader.import_default_modules()
    for name, entry in celery_app.conf.beat_schedule.items():
        assert entry["task"] in celery_app.tasks, name
        assert entry["schedule"] >= 60, name


def test_idempotent_tasks_acknowledge_late():
    assert record_heartbeat.acks_late is True
    assert record_heartbeat.reject_on_worker_lost is True


@pytest.mark.django_db
def test_heartbeat_task_is_idempotent():
    record_heartbeat.run("scheduler")
    record_heartbeat.run("scheduler")
    assert ServiceHeartbeat.objects.filter(name="scheduler").count() == 1


@pytest.mark.django_db
def test_enqueue_waits_for_the_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        with transaction.atomic():
            record_heartbeat.apply_async_on_commit(args=["anything"], queue="never-consumed")
    # Registered for after the commit, nothing sent yet.
    assert len(callbacks) == 1


def _database_url_for_worker() -> str:
    """The URL of the database this test run uses (pytest-django's test database)."""
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{db['NAME']}"
    user = db.get("USER") or ""
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    auth = f"{user}{password}@" if user else ""
    return f"postgres://{auth}{db.get('HOST') or 'localhost'}:{db.get('PORT') or 5432}/{db['NAME']}"


def _start_worker(queue: str, log_path: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": _database_url_for_worker(),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "VAR_DIR": str(settings.VAR_DIR),
    }
    command = [
        sys.executable, "-m", "celery", "-A", "config", "worker",
        "--pool", "solo", "--queues", queue, "--hostname", f"{queue}@%h",
        "--without-gossip", "--without-mingle", "--loglevel", "INFO",
    ]  # fmt: skip
    return subprocess.Popen(
        command,
        cwd=settings.BASE_DIR,
        env=env,
        stdout=log_path.open("w"),
        stderr=subprocess.STDOUT,
    )


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_task_enqueued_on_commit_runs_in_a_real_worker_process(tmp_path):
    """Against Redis when CELERY_BROKER_URL says so (always in CI), else the filesystem broker."""
    queue = f"test-{uuid.uuid4().hex[:12]}"
    name = f"probe-{uuid.uuid4().hex[:12]}"
    log_path = tmp_path / "worker.log"
    worker = _start_worker(queue, log_path)
    try:
        with transaction.atomic():
            record_heartbeat.apply_async_on_commit(args=[name], queue=queue)
            assert not ServiceHeartbeat.objects.filter(name=name).exists()

        deadline = time.monotonic() + WORKER_DEADLINE_SECONDS
        while not ServiceHeartbeat.objects.filter(name=name).exists():
            assert worker.poll() is None, f"worker exited:\n{log_path.read_text()}"
            assert time.monotonic() < deadline, f"task did not run:\n{log_path.read_text()}"
            time.sleep(0.2)
    finally:
        worker.terminate()
        worker.wait(timeout=30)

    assert "succeeded" in log_path.read_text()


@pytest.mark.integration
@requires_redis_broker
def test_redis_broker_carries_the_visibility_timeout():
    with celery_app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1)
        channel = conn.default_channel
        assert channel.visibility_timeout == settings.CELERY_VISIBILITY_TIMEOUT_SECONDS
