"""/healthz: 200 when the database and the broker answer, 503 naming what failed."""

from typing import Any

from django.conf import settings
from django.db import connection as default_connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from kombu import Connection

from tracker.models import ServiceHeartbeat

BROKER_TIMEOUT_SECONDS = 2


def check_database(connection: Any = default_connection) -> str | None:
    """None when the database answers, else the error's class name (no details leak out)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 — any failure means "unavailable"
        return type(exc).__name__
    return None


def check_broker(url: str, transport_options: dict[str, Any]) -> str | None:
    options = {
        **transport_options,
        "socket_connect_timeout": BROKER_TIMEOUT_SECONDS,
        "socket_timeout": BROKER_TIMEOUT_SECONDS,
    }
    try:
        with Connection(
            url, transport_options=options, connect_timeout=BROKER_TIMEOUT_SECONDS
        ) as conn:
            conn.ensure_connection(max_retries=1, timeout=BROKER_TIMEOUT_SECONDS)
    except Exception as exc:  # noqa: BLE001
        return type(exc).__name__
    return None


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    failures = {
        "database": check_database(),
        "broker": check_broker(
            settings.CELERY_BROKER_URL, settings.CELERY_BROKER_TRANSPORT_OPTIONS
        ),
    }
    failing = sorted(name for name, error in failures.items() if error)
    body: dict[str, Any] = {
        "status": "unavailable" if failing else "ok",
        "checks": {name: f"error: {error}" if error else "ok" for name, error in failures.items()},
    }
    if failing:
        body["failing"] = failing
    else:
        # Informational: beat and a worker run the heartbeat every minute. A stale value is not
        # a failure here, because the web tier can serve without them.
        heartbeat = ServiceHeartbeat.objects.filter(name="scheduler").first()
        body["scheduler_last_seen"] = heartbeat.seen_at.isoformat() if heartbeat else None
    return JsonResponse(body, status=503 if failing else 200)
