"""The SQLite default (what `make run` uses) is set up for concurrent writers: WAL, a busy
timeout, IMMEDIATE transactions. Checked on real connections to a temporary database file
opened with the settings as config/settings.py builds them without DATABASE_URL, whatever
database this test run itself uses. bench/sqlite_writers.py measures the same under load."""

import runpy
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

SETTINGS_FILE = Path(__file__).resolve().parent.parent / "config" / "settings.py"
ALIAS = "sqlite_default"


def default_database(monkeypatch: pytest.MonkeyPatch, var_dir: Path) -> dict[str, Any]:
    """DATABASES["default"] as config/settings.py makes it with no DATABASE_URL, its file
    under ``var_dir`` (VAR_DIR) instead of the checkout's var/."""
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("VAR_DIR", str(var_dir))
    database: dict[str, Any] = runpy.run_path(str(SETTINGS_FILE))["DATABASES"]["default"]
    return database


@pytest.fixture
def sqlite_default(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, django_db_blocker: Any
) -> Iterator[BaseDatabaseWrapper]:
    database = default_database(monkeypatch, tmp_path)
    # A second alias beside the test run's own, so transaction.atomic(using=ALIAS) works on it;
    # configure_settings fills in the keys Django adds to every DATABASES entry.
    connections.settings[ALIAS] = connections.configure_settings(
        {DEFAULT_DB_ALIAS: dict(database), ALIAS: database}
    )[ALIAS]
    try:
        with django_db_blocker.unblock():
            connections[ALIAS].ensure_connection()
            yield connections[ALIAS]
    finally:
        connections[ALIAS].close()
        del connections[ALIAS]
        del connections.settings[ALIAS]


def pragma(connection: BaseDatabaseWrapper, name: str) -> Any:
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA {name}")
        return cursor.fetchone()[0]


def test_default_database_is_a_sqlite_file_under_var_dir(monkeypatch, tmp_path):
    database = default_database(monkeypatch, tmp_path)

    assert database["ENGINE"] == "django.db.backends.sqlite3"
    assert database["NAME"] == str(tmp_path / "db.sqlite3")


def test_connections_use_write_ahead_logging(sqlite_default):
    assert Path(sqlite_default.settings_dict["NAME"]).is_file()  # a file: :memory: has no WAL
    assert pragma(sqlite_default, "journal_mode") == "wal"


def test_connections_wait_for_the_write_lock_instead_of_failing(sqlite_default):
    # sqlite3.connect(timeout=20) is PRAGMA busy_timeout in milliseconds.
    assert pragma(sqlite_default, "busy_timeout") == 20_000


def test_commits_sync_at_checkpoints_only(sqlite_default):
    # 1 = NORMAL: in WAL mode a power cut can lose the last commits but never corrupts the file.
    assert pragma(sqlite_default, "synchronous") == 1


def test_atomic_blocks_take_the_write_lock_when_they_begin(sqlite_default):
    other = sqlite3.connect(sqlite_default.settings_dict["NAME"], timeout=0)
    try:
        with transaction.atomic(using=ALIAS):
            # Only a read so far; a DEFERRED transaction would hold no lock yet.
            pragma(sqlite_default, "user_version")
            with pytest.raises(sqlite3.OperationalError, match="database is locked"):
                other.execute("BEGIN IMMEDIATE")
        other.execute("BEGIN IMMEDIATE")  # released on commit
        other.rollback()
    finally:
        other.close()


def test_a_writer_queues_behind_another_process_holding_the_lock(sqlite_default):
    with sqlite_default.cursor() as cursor:
        cursor.execute("CREATE TABLE entry (id INTEGER PRIMARY KEY, note TEXT)")
    holder = sqlite3.connect(
        sqlite_default.settings_dict["NAME"], isolation_level=None, check_same_thread=False
    )
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("INSERT INTO entry (note) VALUES ('first')")
    release = threading.Timer(0.5, holder.execute, args=("COMMIT",))
    release.start()
    try:
        started = time.monotonic()
        with transaction.atomic(using=ALIAS), sqlite_default.cursor() as cursor:
            cursor.execute("INSERT INTO entry (note) VALUES ('second')")
        waited = time.monotonic() - started
    finally:
        release.join()
        holder.close()

    assert waited >= 0.4  # it waited for the other writer's commit ...
    with sqlite_default.cursor() as cursor:  # ... and then wrote, after it
        cursor.execute("SELECT note FROM entry ORDER BY id")
        assert [row[0] for row in cursor.fetchall()] == ["first", "second"]
