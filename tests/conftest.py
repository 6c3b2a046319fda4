import json
import os
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from tests.factories import make_user

# CI sets this: an integration test that is skipped there fails the run instead.
REQUIRE_INTEGRATION = os.environ.get("REQUIRE_INTEGRATION") == "1"
# WhiteNoise warns on every request when the static root is missing (before `collectstatic`).
Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
_integration_outcomes: dict[str, str] = {}


def postgres_configured() -> bool:
    return settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


def redis_broker_configured() -> bool:
    return settings.CELERY_BROKER_URL.startswith(("redis://", "rediss://"))


def redis_cache_configured() -> bool:
    return settings.CACHE_URL.startswith(("redis://", "rediss://"))


requires_postgres = pytest.mark.skipif(
    not postgres_configured(),
    reason="needs PostgreSQL: set DATABASE_URL=postgres://… (CI always does)",
)
requires_redis_broker = pytest.mark.skipif(
    not redis_broker_configured(),
    reason="needs Redis as the broker: set CELERY_BROKER_URL=redis://… (CI always does)",
)
requires_redis_cache = pytest.mark.skipif(
    not redis_cache_configured(),
    reason="needs Redis as the cache: set CACHE_URL=redis://… (CI always does)",
)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):  # type: ignore[no-untyped-def]
    outcome = yield
    report = outcome.get_result()
    if item.get_closest_marker("integration") is None:
        return
    if report.when == "call" or (report.when == "setup" and not report.passed):
        _integration_outcomes[item.nodeid] = report.outcome
        if report.skipped and REQUIRE_INTEGRATION:
            reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
            report.outcome = "failed"
            report.longrepr = f"integration test skipped where it must run (CI): {reason}"
            _integration_outcomes[item.nodeid] = "failed"


def pytest_sessionfinish(session, exitstatus):  # type: ignore[no-untyped-def]
    # Read by .ci/run, which fails when no integration test ran at all.
    counts: dict[str, int] = {}
    for outcome in _integration_outcomes.values():
        counts[outcome] = counts.get(outcome, 0) + 1
    report = Path(settings.VAR_DIR) / "integration-report.json"
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text(json.dumps({"counts": counts, "tests": _integration_outcomes}, indent=1))


@pytest.fixture(autouse=True)
def _fast_hashing_and_clean_cache(settings):  # type: ignore[no-untyped-def]
    # Tests create many users; the production hasher is deliberately slow.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()  # throttle counters must not leak between tests
    yield
    cache.clear()


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def user(db):  # type: ignore[no-untyped-def]
    return make_user(email="alice@example.org", timezone="Europe/London")


@pytest.fixture
def other_user(db):  # type: ignore[no-untyped-def]
    return make_user(email="bob@example.org", timezone="America/New_York")


def client_for(user) -> APIClient:  # type: ignore[no-untyped-def]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(user).access_token}")
    return client


@pytest.fixture
def auth_client(user) -> APIClient:  # type: ignore[no-untyped-def]
    return client_for(user)
