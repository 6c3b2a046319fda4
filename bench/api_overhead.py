"""API overhead: the DRF `me/` endpoint (JWT auth, serializer) vs a bare JsonResponse of the
same row, in one process and one run, so the ratio is what matters, not the machine.

    .venv/bin/python bench/api_overhead.py [--requests 2000]

Uses a throw-away test database on whatever DATABASE_URL selects (SQLite by default).
Target (DESIGN.md): DRF endpoints at >= 0.4x the requests/s of the bare view.
"""

import argparse
import statistics
import time

from harness import percentile, throwaway_database  # isort: skip  (sets Django up first)
from django.db import connection  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from rest_framework_simplejwt.tokens import RefreshToken  # noqa: E402

from tracker.models import User  # noqa: E402


def timed_requests(client: Client, url: str, count: int, token: str = "") -> list[float]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    durations = []
    for _ in range(count):
        start = time.perf_counter()
        response = client.get(url, headers=headers)
        durations.append(time.perf_counter() - start)
        assert response.status_code == 200, response.content
    return durations


def summarize(durations: list[float]) -> tuple[float, float, float]:
    ordered = sorted(durations)
    rps = len(ordered) / sum(ordered)
    p50 = statistics.median(ordered) * 1000
    p95 = percentile(ordered, 0.95) * 1000
    return rps, p50, p95


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=4)
    args = parser.parse_args()

    with throwaway_database():
        with override_settings(
            ROOT_URLCONF="bench.urls",
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        ):
            user = User.objects.create_user(
                email="bench@example.org",
                password="bench-password-1234",
                profile={"timezone": "Europe/London", "risk_factors": ["metformin"]},
            )
            token = str(RefreshToken.for_user(user).access_token)
            client = Client()
            per_round = max(args.requests // args.rounds, 1)
            drf: list[float] = []
            bare: list[float] = []
            # Warm up both paths, then interleave rounds so drift hits both alike.
            timed_requests(client, "/api/v1/me/", 50, token=token)
            timed_requests(client, f"/bench/bare/{user.id}/", 50)
            for _ in range(args.rounds):
                drf += timed_requests(client, "/api/v1/me/", per_round, token=token)
                bare += timed_requests(client, f"/bench/bare/{user.id}/", per_round)

    drf_rps, drf_p50, drf_p95 = summarize(drf)
    bare_rps, bare_p50, bare_p95 = summarize(bare)
    print(f"database: {connection.vendor}, requests per endpoint: {len(drf)}")
    row = "{:<18}: {:8.0f} req/s  p50 {:6.2f} ms  p95 {:6.2f} ms"
    print(row.format("bare JsonResponse", bare_rps, bare_p50, bare_p95))
    print(row.format("DRF me/ (JWT)", drf_rps, drf_p50, drf_p95))
    print(f"ratio DRF/bare    : {drf_rps / bare_rps:.2f} (target >= 0.40)")


if __name__ == "__main__":
    main()
