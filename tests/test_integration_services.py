"""Behaviour that only the production services show: PostgreSQL concurrency, Redis shared state."""

import threading

import pytest
import redis
from django.conf import settings
from django.db import connection
from rest_framework.test import APIClient

from tests.conftest import requires_postgres, requires_redis_cache
from tests.factories import PASSWORD, make_user
from tracker.models import Profile, User

pytestmark = pytest.mark.integration


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_sign_ups_with_one_email_create_one_account():
    assert connection.vendor == "postgresql"
    racers = 6
    barrier = threading.Barrier(racers)
    statuses: list[int] = []

    def sign_up(i: int) -> None:
        from django.db import connections

        client = APIClient()
        body = {"email": f"Same.Person@example.org{'' if i % 2 else ' '}", "password": PASSWORD}
        barrier.wait()
        try:
            response = client.post(
                "/api/v1/auth/register/", {**body, "timezone": "UTC"}, format="json"
            )
            statuses.append(response.status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sign_up, args=(i,)) for i in range(racers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(statuses) == [201] + [400] * (racers - 1)
    assert User.objects.count() == 1
    assert Profile.objects.count() == 1


@requires_redis_cache
@pytest.mark.django_db
def test_throttle_state_lives_in_the_shared_redis_cache():
    make_user(email="alice@example.org")
    client = APIClient()
    client.post("/api/v1/auth/token/", {"email": "alice@example.org", "password": PASSWORD})

    server = redis.Redis.from_url(settings.CACHE_URL)
    keys = list(server.scan_iter("b12:*throttle_auth_*"))
    assert keys, "no throttle key found in Redis"
