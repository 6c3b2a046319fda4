"""The mixed API workload of bench/load.py: 60 % reads, 40 % writes, by people who each use
their own account (a JWT per person, minted by load.py, read from B12_LOAD_PEOPLE).

    B12_LOAD_PEOPLE=people.json locust -f bench/locustfile.py --headless -u 100 -r 20 -t 60s \
        --host http://127.0.0.1:8000

Run through bench/load.py, which sets up the database, the people and the server. Task weights
are percentages of requests. Any response outside 2xx counts as a failure (locust's default
lets 3xx through), recorded as "HTTP <status>" under the endpoint's name.
B12_LOAD_THINK (seconds, default 0) is the mean pause between a person's requests.
"""

import itertools
import json
import os
import random
import uuid
from datetime import UTC, datetime
from typing import Any

from locust import between, constant, task
from locust.contrib.fasthttp import FastHttpUser

API = "/api/v1"
with open(os.environ["B12_LOAD_PEOPLE"]) as people_file:
    DATA = json.load(people_file)
PEOPLE: list[dict[str, Any]] = DATA["people"]
FOOD_IDS: list[str] = DATA["food_ids"]
THINK = float(os.environ.get("B12_LOAD_THINK", "0"))
_next_person = itertools.count()

# What people type in the food search: plain foods, fortified vegan sources, prefixes, typos.
SEARCHES = (
    "milk",
    "soy milk",
    "oat",
    "cereal",
    "nutritional yeast",
    "yeast",
    "egg",
    "cheese",
    "yogurt",
    "tofu",
    "veggie burger",
    "nutri",
    "soy mil",
    "chedar",
    "brocoli",
    "salmon",
)
SYMPTOMS = ("tiredness", "low_mood", "memory_concentration", "sore_tongue_mouth_ulcers")
MEALS = ("breakfast", "lunch", "dinner", "snack")
RECENT = 20  # own records a person remembers for PATCH


def now_iso() -> str:
    return datetime.now(UTC).isoformat()


class Person(FastHttpUser):
    wait_time = between(THINK * 0.5, THINK * 1.5) if THINK else constant(0)

    def on_start(self) -> None:
        person = PEOPLE[next(_next_person) % len(PEOPLE)]
        self.headers = {"Authorization": f"Bearer {person['token']}"}
        self.supplement_id = person["supplement_id"]
        self.recent: list[str] = list(person["intake_ids"])

    def call(self, method: str, path: str, name: str, payload: Any = None) -> Any:
        with self.client.request(
            method,
            API + path,
            name=name,
            headers=self.headers,
            json=payload,
            catch_response=True,
        ) as response:
            if 200 <= response.status_code < 300:
                response.success()
                return response.json() if method != "GET" else None
            response.failure(f"HTTP {response.status_code}")
            return None

    # --- reads: 60 ---

    @task(12)
    def dashboard(self) -> None:
        self.call("GET", "/dashboard/", "GET dashboard/")

    @task(10)
    def trends(self) -> None:
        self.call("GET", "/trends/", "GET trends/")

    @task(12)
    def food_intakes(self) -> None:
        self.call("GET", "/food-intakes/", "GET food-intakes/")

    @task(10)
    def food_search(self) -> None:
        term = random.choice(SEARCHES).replace(" ", "+")
        self.call("GET", f"/foods/?search={term}", "GET foods/?search=")

    @task(8)
    def notifications(self) -> None:
        self.call("GET", "/notifications/", "GET notifications/")

    @task(8)
    def reminders(self) -> None:
        self.call("GET", "/reminders/", "GET reminders/")

    # --- writes: 40 ---

    @task(14)
    def log_food(self) -> None:
        payload = {
            "id": str(uuid.uuid4()),  # as the mobile app sends it, for idempotent retries
            "food": random.choice(FOOD_IDS),
            "grams": random.choice((30, 150, 250)),
            "eaten_at": now_iso(),
            "meal": random.choice(MEALS),
        }
        created = self.call("POST", "/food-intakes/", "POST food-intakes/", payload)
        if created:
            self.recent = [created["id"], *self.recent][:RECENT]

    @task(8)
    def log_dose(self) -> None:
        payload = {"id": str(uuid.uuid4()), "supplement": self.supplement_id, "status": "taken"}
        self.call("POST", "/supplement-doses/", "POST supplement-doses/", payload)

    @task(8)
    def log_symptom(self) -> None:
        payload = {
            "id": str(uuid.uuid4()),
            "symptom": random.choice(SYMPTOMS),
            "severity": random.randint(0, 3),
            "recorded_at": now_iso(),
        }
        self.call("POST", "/symptom-entries/", "POST symptom-entries/", payload)

    @task(10)
    def edit_food(self) -> None:
        intake_id = random.choice(self.recent[:5])
        payload = {"grams": random.choice((100, 200, 300)), "note": "edited"}
        self.call("PATCH", f"/food-intakes/{intake_id}/", "PATCH food-intakes/{id}/", payload)
