"""Food search: import the whole USDA catalogue, then time `search_foods` on realistic queries.

    .venv/bin/python bench/food_search.py [--repeat 20]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/food_search.py

Uses a throw-away test database on whatever DATABASE_URL selects (SQLite by default).
Targets (DESIGN.md): import < 60 s; p95 <= 25 ms per query on PostgreSQL.
"""

import argparse
import io
import statistics
import time

from harness import percentile, throwaway_database  # isort: skip  (sets Django up first)
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from tracker.models import Food, User  # noqa: E402
from tracker.queries.foods import search_foods  # noqa: E402

# What people type: plain foods, fortified vegan sources, multi-word names, prefixes typed so
# far, and typos.
QUERIES = [
    "milk",
    "egg",
    "eggs",
    "cheese",
    "cheddar",
    "yogurt",
    "chicken",
    "beef",
    "beef liver",
    "liver",
    "salmon",
    "tuna",
    "sardines",
    "clams",
    "oysters",
    "shrimp",
    "turkey",
    "pork chop",
    "soy milk",
    "oat milk",
    "almond milk",
    "rice milk",
    "coconut yogurt",
    "fortified cereal",
    "fortified soy",
    "corn flakes",
    "nutritional yeast",
    "yeast extract",
    "marmite",
    "tempeh",
    "tofu",
    "veggie burger",
    "nori",
    "spirulina",
    "energy drink",
    "nutri",
    "soy mil",
    "chedar",
    "chiken breast",
    "salmin",
    "brocoli",
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=20, help="Runs of each query.")
    args = parser.parse_args()

    with throwaway_database():
        started = time.perf_counter()
        summary = io.StringIO()
        call_command("import_foods", no_progress=True, stdout=summary)
        import_seconds = time.perf_counter() - started
        foods = Food.objects.filter(owner__isnull=True).count()
        user = User.objects.create_user(email="bench@example.org", password="bench-password-1234")

        # Warm up: connection, the typo vocabulary, the database's caches.
        for query in QUERIES:
            search_foods(user=user, query=query)
        durations: list[float] = []
        per_query: dict[str, list[float]] = {query: [] for query in QUERIES}
        # Interleaved rounds, so drift hits every query alike.
        for _ in range(args.repeat):
            for query in QUERIES:
                start = time.perf_counter()
                search_foods(user=user, query=query)
                elapsed = (time.perf_counter() - start) * 1000
                durations.append(elapsed)
                per_query[query].append(elapsed)

    ordered = sorted(durations)
    print(f"database: {connection.vendor}")
    print(summary.getvalue().strip())
    print(f"import: {import_seconds:.1f} s for {foods:,} catalogue foods (target < 60 s)")
    print(
        f"search: {len(QUERIES)} queries x {args.repeat} = {len(ordered)} calls: "
        f"p50 {statistics.median(ordered):.2f} ms, p95 {percentile(ordered, 0.95):.2f} ms, "
        f"max {ordered[-1]:.2f} ms (target p95 <= 25 ms on PostgreSQL)"
    )
    slowest = sorted(per_query.items(), key=lambda item: -statistics.median(item[1]))[:5]
    print(
        "slowest medians: " + ", ".join(f"{q!r} {statistics.median(d):.1f} ms" for q, d in slowest)
    )


if __name__ == "__main__":
    main()
