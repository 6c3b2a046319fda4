"""Dashboard and trends latency with two years of history, on PostgreSQL behind gunicorn, against
a plain 30-row `food-intakes/` page in the same run; and DRF `food-intakes/` requests/s against a
bare JsonResponse of the same 30 rows.

    .venv/bin/python bench/insights.py [--database-url postgres://…/b12_bench_x] [--rounds 5]

Creates its own database (default postgres://postgres@127.0.0.1:5432/b12_bench_<pid>; refuses
one that exists already, and drops the one it created at the end, even on failure), migrates
it, seeds 730 days for one person (`manage.py seed_demo`, else tests/history.py), runs gunicorn
(2 sync workers, DEBUG off, bench/settings_gunicorn.py for the bare view's URL) and measures
sequentially over HTTP, in interleaved rounds after a warm-up. Then counts queries and SQL time
per endpoint in-process (CaptureQueriesContext) to show where the time goes.

Targets (DESIGN.md): dashboard and trends p50 <= 1.5x the food-intakes p50; DRF list >= 0.4x the
requests/s of the bare view.
"""

import argparse
import cProfile
import http.client
import importlib
import io
import json
import os
import pstats
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import timedelta
from pathlib import Path
from typing import Any

from pgdb import create_database, database_name, drop_database

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
EMAIL = "bench@example.org"
PASSWORD = "bench-password-1234"
DAYS = 730
PAGE = 30
LATENCY_TARGET = 1.5
OVERHEAD_TARGET = 0.4


# --- the database -----------------------------------------------------------------------------


def manage(env: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=check,
    )


def seed(env: dict[str, str], seeder: str) -> str:
    """Two years for one person: seed_demo when it exists and works, else tests/history.py."""
    helped = manage(env, "seed_demo", "--help", check=False)
    if seeder == "history":
        pass
    elif helped.returncode == 0 and "--days" in helped.stdout:
        seeded = manage(
            env,
            "seed_demo",
            "--email",
            EMAIL,
            "--password",
            PASSWORD,
            "--days",
            str(DAYS),
            check=False,
        )
        if seeded.returncode == 0:
            return "manage.py seed_demo: " + seeded.stdout.strip().splitlines()[-1]
        print(f"seed_demo failed, using tests/history.py instead:\n{seeded.stderr[-2000:]}")
    else:
        print("seed_demo is missing or has no --days: using tests/history.py")
    from django.utils import timezone

    from tracker.models import User

    # Imported by name: tests/ is not bench's to type-check (mypy would follow a plain import).
    make_user = importlib.import_module("tests.factories").make_user
    add_history = importlib.import_module("tests.history").add_history
    User.objects.filter(email=EMAIL).delete()
    user = make_user(email=EMAIL, password=PASSWORD, timezone="Europe/London")
    add_history(user, days=DAYS, end=timezone.now())
    return f"tests/history.py add_history(days={DAYS})"


def row_counts() -> dict[str, int]:
    from django.db import connection

    from tracker.models import (
        Alert,
        Food,
        FoodIntake,
        Injection,
        InjectionPlan,
        LabResult,
        Supplement,
        SupplementDose,
        SymptomEntry,
        User,
    )

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # as a database in service would have its statistics
    models: list[Any] = [
        User,
        Food,
        FoodIntake,
        Supplement,
        SupplementDose,
        InjectionPlan,
        Injection,
        SymptomEntry,
        LabResult,
        Alert,
    ]
    return {model._meta.db_table: model.objects.count() for model in models}


# --- gunicorn and HTTP ------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def gunicorn(env: dict[str, str], port: int, workers: int) -> Iterator[None]:
    log = tempfile.NamedTemporaryFile(prefix="b12-gunicorn-", suffix=".log", delete=False)
    command = [
        GUNICORN,
        "config.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--timeout",
        "30",
    ]
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while True:
            if server.poll() is not None:
                raise SystemExit(f"gunicorn exited:\n{Path(log.name).read_text()[-3000:]}")
            with suppress(OSError):
                status, _, _ = Http(port).get("/healthz")
                if status == 200:
                    break
            if time.monotonic() > deadline:
                raise SystemExit(f"/healthz never answered 200:\n{Path(log.name).read_text()}")
            time.sleep(0.2)
        yield
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()
        os.unlink(log.name)


class Http:
    """One client connection, reused while the server keeps it open. (gunicorn's sync workers,
    the project's default, answer every response with `Connection: close`; http.client then
    reconnects on the next request, which costs a local TCP handshake.)"""

    def __init__(self, port: int) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.closed_by_server = 0

    def get(self, path: str, token: str = "") -> tuple[int, bytes, float]:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        start = time.perf_counter()
        self.conn.request("GET", path, headers=headers)
        response = self.conn.getresponse()
        body = response.read()
        elapsed = time.perf_counter() - start
        if response.will_close:
            self.closed_by_server += 1
        return response.status, body, elapsed

    def post_json(self, path: str, payload: dict[str, Any]) -> tuple[int, Any]:
        self.conn.request(
            "POST", path, body=json.dumps(payload), headers={"Content-Type": "application/json"}
        )
        response = self.conn.getresponse()
        return response.status, json.loads(response.read() or b"null")


# --- measuring --------------------------------------------------------------------------------


def endpoints(user_id: str, today: Any) -> list[tuple[str, str, bool]]:
    """(label, path, authenticated)."""
    api = "/api/v1"
    year_ago, two_years_ago = today - timedelta(days=365), today - timedelta(days=DAYS)
    return [
        (f"food-intakes/ ({PAGE} rows)", f"{api}/food-intakes/?page_size={PAGE}", True),
        ("dashboard/", f"{api}/dashboard/", True),
        ("trends/ (30 days, day)", f"{api}/trends/", True),
        (
            "trends/ (730 days, month)",
            f"{api}/trends/?from={two_years_ago}&to={today}&bucket=month",
            True,
        ),
        ("trends/ (365 days, week)", f"{api}/trends/?from={year_ago}&bucket=week", True),
        (f"bare JsonResponse ({PAGE} rows)", f"/bench/bare-food-intakes/{user_id}/", False),
    ]


def check_body(label: str, body: bytes) -> None:
    data = json.loads(body)
    if label.startswith(("food-intakes", "bare")):
        assert len(data["results"]) == PAGE, (label, len(data["results"]))
    elif label.startswith("trends/ (730"):
        assert len(data["series"]) >= 24, (label, len(data["series"]))


def measure(
    port: int, token: str, plan: list[tuple[str, str, bool]], rounds: int, per_round: int
) -> tuple[dict[str, list[float]], dict[str, int], int]:
    client = Http(port)
    sizes: dict[str, int] = {}
    for label, path, auth in plan:  # warm-up, and a look at each body
        for _ in range(20):
            status, body, _ = client.get(path, token if auth else "")
            assert status == 200, (label, status, body[:500])
        check_body(label, body)
        sizes[label] = len(body)
    # The two lists must show the very same rows.
    drf = json.loads(client.get(plan[0][1], token)[1])["results"]
    bare = json.loads(client.get(plan[-1][1])[1])["results"]
    assert [r["id"] for r in drf] == [r["id"] for r in bare], "DRF and bare rows differ"

    timings: dict[str, list[float]] = {label: [] for label, _, _ in plan}
    client.closed_by_server = 0
    for number in range(rounds):
        # Interleaved, and the order rotated every round, so drift hits every endpoint alike.
        shift = number % len(plan)
        for label, path, auth in plan[shift:] + plan[:shift]:
            for _ in range(per_round):
                status, body, elapsed = client.get(path, token if auth else "")
                assert status == 200, (label, status, body[:500])
                timings[label].append(elapsed)
    return timings, sizes, client.closed_by_server


def ms(seconds: float) -> float:
    return seconds * 1000


# --- in-process breakdown: queries, SQL time, and (optionally) a profile ------------------------


class SqlTimer:
    """A connection.execute_wrapper: every query's SQL and its time in the database driver
    (exact, where CaptureQueriesContext rounds to whole milliseconds)."""

    def __init__(self) -> None:
        self.queries: list[tuple[str, float]] = []

    def __call__(self, execute: Any, sql_text: str, params: Any, many: bool, context: Any) -> Any:
        start = time.perf_counter()
        try:
            return execute(sql_text, params, many, context)
        finally:
            self.queries.append((sql_text, time.perf_counter() - start))


def breakdown(plan: list[tuple[str, str, bool]], token: str, repeat: int) -> dict[str, Any]:
    """Per endpoint, in-process (Django's test client, same database): queries per request,
    median time per request, and the median share of it spent executing SQL."""
    from django.db import connection
    from django.test import Client

    client = Client()
    result: dict[str, Any] = {}
    for label, path, auth in plan:
        headers = {"Authorization": f"Bearer {token}"} if auth else {}
        for _ in range(5):
            client.get(path, headers=headers)
        totals, sql_times, counts = [], [], []
        for _ in range(repeat):
            timer = SqlTimer()
            with connection.execute_wrapper(timer):
                start = time.perf_counter()
                response = client.get(path, headers=headers)
                totals.append(time.perf_counter() - start)
            assert response.status_code == 200, (label, response.status_code)
            counts.append(len(timer.queries))
            sql_times.append(sum(seconds for _, seconds in timer.queries))
        result[label] = {
            "queries": max(counts),
            "total_ms": ms(statistics.median(totals)),
            "sql_ms": ms(statistics.median(sql_times)),
        }
    return result


def profile(path: str, token: str, repeat: int, lines: int) -> str:
    """The endpoint's queries with their time, then cProfile over ``repeat`` requests."""
    from django.db import connection
    from django.test import Client

    client = Client()
    headers = {"Authorization": f"Bearer {token}"}
    client.get(path, headers=headers)
    out = io.StringIO()
    timer = SqlTimer()
    with connection.execute_wrapper(timer):
        client.get(path, headers=headers)
    for sql_text, seconds in timer.queries:
        out.write(f"{ms(seconds):7.2f} ms  {sql_text[:200]}\n")
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(repeat):
        client.get(path, headers=headers)
    profiler.disable()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(lines)
    stats.sort_stats("tottime").print_stats(lines)
    return out.getvalue()


# --- main -------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL")
        or f"postgres://postgres@127.0.0.1:5432/b12_bench_{os.getpid()}",
        help="The database to create (must not exist) and drop at the end.",
    )
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--per-round", type=int, default=40, help="requests per endpoint")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--seeder",
        choices=["auto", "history"],
        default="auto",
        help="auto: manage.py seed_demo if it works, else tests/history.py; history: the latter",
    )
    parser.add_argument(
        "--profile",
        metavar="LABEL_PREFIX",
        action="append",
        default=[],
        help="cProfile (in-process) the endpoints whose label starts so; repeatable",
    )
    args = parser.parse_args()

    url = args.database_url
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_ENV": "development",
        "DEBUG": "0",  # realistic timings: no query log, no debug pages
        "JWT_ACCESS_MINUTES": "120",  # one token for the whole run
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    create_database(url)
    try:
        run(args, url, env)
    finally:
        with suppress(Exception):
            from django.db import connections

            connections.close_all()
        drop_database(url)
        print(f"dropped {database_name(url)}")


def run(args: argparse.Namespace, url: str, env: dict[str, str]) -> None:
    started = time.perf_counter()
    print(f"database: {database_name(url)} (created)")
    manage(env, "migrate", "--noinput")
    # The article library, as a deployment has it (the dashboard suggests articles from it).
    loaded = manage(env, "load_content", check=False)
    print(loaded.stdout.strip() or f"load_content failed: {loaded.stderr[-500:]}")
    # Django in this process, on the bench database (for seeding fallback, counts, breakdown).
    os.environ.update({**env, "DJANGO_SETTINGS_MODULE": "bench.settings_gunicorn"})
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection
    from django.utils import timezone

    from tracker.models import User

    print(f"seeded with {seed(env, args.seeder)}")
    counts = row_counts()
    print("rows: " + ", ".join(f"{table} {n:,}" for table, n in counts.items()))
    user = User.objects.select_related("profile").get(email=EMAIL)
    today = user.profile.today(timezone.now())
    plan = endpoints(str(user.pk), today)
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server_version = cursor.fetchone()[0]
    connection.close()
    print(f"setup took {time.perf_counter() - started:.0f} s")

    port = free_port()
    gunicorn_env = {**env, "DJANGO_SETTINGS_MODULE": "bench.settings_gunicorn"}
    with gunicorn(gunicorn_env, port, args.workers):
        status, tokens = Http(port).post_json(
            "/api/v1/auth/token/", {"email": EMAIL, "password": PASSWORD}
        )
        assert status == 200, (status, tokens)
        token = tokens["access"]
        timings, sizes, closed = measure(port, token, plan, args.rounds, args.per_round)

    food_label, bare_label = plan[0][0], plan[-1][0]
    food_p50 = statistics.median(timings[food_label])
    by_label = breakdown(plan, token, repeat=20)
    count = len(timings[food_label])
    print()
    print(
        f"PostgreSQL {server_version}, gunicorn {args.workers} sync workers, DEBUG off, "
        f"{count} sequential requests per endpoint in {args.rounds} interleaved rounds; "
        f"{closed} of {count * len(plan)} responses closed the connection"
    )
    header = (
        f"{'endpoint':<32} {'p50 ms':>8} {'p95 ms':>8} {'req/s':>7} {'× list':>7} "
        f"{'KiB':>6} {'queries':>7} {'in-proc ms':>10} {'SQL ms':>7}"
    )
    print(header)
    print("-" * len(header))
    for label, _, _ in plan:
        ordered = sorted(timings[label])
        p50 = statistics.median(ordered)
        p95 = percentile(ordered, 0.95)
        rps = len(ordered) / sum(ordered)
        info = by_label[label]
        print(
            f"{label:<32} {ms(p50):8.2f} {ms(p95):8.2f} {rps:7.0f} {p50 / food_p50:7.2f} "
            f"{sizes[label] / 1024:6.1f} {info['queries']:7d} {info['total_ms']:10.2f} "
            f"{info['sql_ms']:7.2f}"
        )
    print()
    worst = max(
        (label for label, _, _ in plan[1:-1]), key=lambda label: statistics.median(timings[label])
    )
    worst_ratio = statistics.median(timings[worst]) / food_p50
    verdict = "ok" if worst_ratio <= LATENCY_TARGET else "MISSED"
    print(
        f"slowest insight p50 / food-intakes p50: {worst_ratio:.2f} ({worst}; "
        f"target <= {LATENCY_TARGET}) {verdict}"
    )
    drf_rps = count / sum(timings[food_label])
    bare_rps = len(timings[bare_label]) / sum(timings[bare_label])
    ratio = drf_rps / bare_rps
    verdict = "ok" if ratio >= OVERHEAD_TARGET else "MISSED"
    print(
        f"DRF food-intakes/ {drf_rps:.0f} req/s vs bare {bare_rps:.0f} req/s: {ratio:.2f} "
        f"(target >= {OVERHEAD_TARGET}) {verdict}"
    )
    for prefix in args.profile:
        for label, path, auth in plan:
            if label.startswith(prefix) and auth:
                print(f"\n--- cProfile, in-process, 20 × {label} ---")
                print(profile(path, token, repeat=20, lines=35))


def percentile(ordered: list[float], share: float) -> float:
    # As bench/harness.py (not imported: it sets Django up on import, before the bench database).
    return ordered[max(int(len(ordered) * share) - 1, 0)]


if __name__ == "__main__":
    main()
