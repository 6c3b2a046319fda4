"""A bench script's own PostgreSQL database: created from DATABASE_URL's name, dropped after.
No Django here (the scripts run migrate and gunicorn in subprocesses against it)."""

from urllib.parse import urlsplit

import psycopg
from psycopg import sql


def database_name(url: str) -> str:
    name = urlsplit(url).path.lstrip("/")
    if not name:
        raise SystemExit(f"DATABASE_URL names no database: {url}")
    return name


def server_conninfo(url: str) -> str:
    """The same server, its maintenance database (to create and drop the bench one)."""
    parts = urlsplit(url)
    if parts.scheme not in {"postgres", "postgresql", "pgsql"}:
        raise SystemExit(f"the bench needs PostgreSQL, got {parts.scheme}://")
    return parts._replace(scheme="postgresql", path="/postgres").geturl()


def create_database(url: str) -> None:
    with psycopg.connect(server_conninfo(url), autocommit=True) as conn:
        # Fails when it exists: a database this script did not create is never dropped.
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database_name(url))))


def drop_database(url: str) -> None:
    with psycopg.connect(server_conninfo(url), autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(database_name(url))
            )
        )
