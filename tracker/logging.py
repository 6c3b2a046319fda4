"""Structured logs: one JSON object per line, tied to the request that wrote it.

What goes in is decided where the line is written, not here: loggers in this project log ids,
kinds and counts, never a health value, a token, a password, an email address or a query string
(DESIGN invariant 8). The formatter adds only what every line may carry: the time, the level,
the logger, the message, and the request's id, method and path (``request.path``, which never
includes the query string).

A path can hold a secret too: the password reset link is ``/accounts/reset/<uidb64>/<token>/``.
``safe_path`` writes such URL parameters as their names; that is the path every line carries.

- ``JsonFormatter``: the production format (``LOG_FORMAT=json``).
- ``RequestContextFilter``: puts the current request's id, method and safe path on every
  record, and puts the safe path in place of the raw one in a record's arguments (Django's
  "Not Found: /…" lines).
- ``StripQueryString``: for ``django.server`` (runserver), whose request lines carry the path
  and query string as sent (``/care/accept/?token=…``).
"""

import json
import logging
import re
from collections.abc import Sequence
from contextvars import ContextVar
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, get_urlconf, resolve

# The request being handled in this thread; set by tracker.middleware.RequestLogMiddleware.
current_request: ContextVar[dict[str, str] | None] = ContextVar("current_request", default=None)

# URL parameters that are credentials, never written to a log.
SECRET_URL_PARAMETERS = frozenset({"token", "uidb64"})


def _is_secret(name: str) -> bool:
    return name in SECRET_URL_PARAMETERS or "token" in name


@lru_cache(maxsize=8)
def _secret_prefixes(resolver: URLResolver) -> tuple[str, ...]:
    """How every route with a secret parameter starts (its literal text up to the first
    parameter): a path that starts otherwise holds no secret and is not resolved again. Where
    a route is not literal text (a regular expression, a translated route) the prefix stops
    there, which only makes it match more paths."""
    prefixes: list[str] = []

    def walk(entries: Sequence[URLPattern | URLResolver], prefix: str, literal: bool) -> None:
        for entry in entries:
            pattern = entry.pattern
            route = getattr(pattern, "_route", None)  # RoutePattern's text
            if literal and isinstance(route, str):
                head, parameter, _ = route.partition("<")
                start, still_literal = prefix + head, not parameter
            else:
                start, still_literal = prefix, False
            if any(_is_secret(name) for name in pattern.regex.groupindex):
                prefixes.append(start)
            elif isinstance(entry, URLResolver):
                walk(entry.url_patterns, start, still_literal)

    walk(resolver.url_patterns, "/", True)
    return tuple(prefixes)


def safe_path(path: str) -> str:
    """The path (no query string) with any secret URL parameter replaced by its name."""
    path = path.split("?", 1)[0]
    # Called for every request: most paths cannot hold a secret and need no resolving.
    if not path.startswith(_secret_prefixes(get_resolver(get_urlconf()))):
        return path
    try:
        match = resolve(path)
    except Resolver404:
        return path
    for name, value in match.kwargs.items():
        if _is_secret(name) and str(value):
            path = path.replace(str(value), f"<{name}>")
    return path


# ``extra`` keys that may be copied into the JSON line. An allow-list: Django passes the request
# object (``request``) and runserver its socket, and neither may be dumped into a log.
EXTRA_FIELDS = ("route", "status", "duration_ms", "status_code", "task", "view")


class RequestContextFilter(logging.Filter):
    """Adds ``request_id``, ``method`` and ``path`` of the current request (or "-"), and
    replaces the raw path by the safe one in the record's arguments."""

    def filter(self, record: logging.LogRecord) -> bool:
        context = current_request.get() or {}
        for name in ("request_id", "method", "path"):
            if not hasattr(record, name):
                setattr(record, name, context.get(name, "-"))
        raw, safe = context.get("raw_path"), context.get("path")
        if raw and raw != safe and isinstance(record.args, tuple):
            record.args = tuple(safe if arg == raw else arg for arg in record.args)
        return True


_QUERY = re.compile(r"\?\S*")
_REQUEST_LINE = re.compile(r"^(\S+) (\S+)( .*)?$")


class StripQueryString(logging.Filter):
    """Rewrites runserver's request lines ("GET /x/?token=… HTTP/1.1") with the safe path."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and record.args and isinstance(record.args[0], str):
            line = record.args[0]
            match = _REQUEST_LINE.match(line)
            if match:
                method, target, rest = match.groups()
                line = f"{method} {safe_path(target)}{rest or ''}"
            record.args = (_QUERY.sub("", line), *record.args[1:])
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message, request_id,
    method, path, and for request lines route, status and duration_ms; ``exc`` holds the
    traceback when there is one (code and exception types, never the request's body)."""

    def format(self, record: logging.LogRecord) -> str:
        context = current_request.get() or {}
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in ("request_id", "method", "path"):
            value = getattr(record, name, None) or context.get(name)
            if value and value != "-":
                line[name] = value
        for name in EXTRA_FIELDS:
            if name in record.__dict__:
                line[name] = record.__dict__[name]
        if "status_code" in line:  # django.request's name for it
            line.setdefault("status", line.pop("status_code"))
        if record.exc_info:
            line["exc"] = self.formatException(record.exc_info)
        elif record.exc_text:
            line["exc"] = record.exc_text
        if record.stack_info:
            line["stack"] = self.formatStack(record.stack_info)
        return json.dumps(line, ensure_ascii=False, default=str)
