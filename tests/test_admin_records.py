"""Staff admin pages for the logged records: they render, cost the same number of queries at
any history size, and are read-only."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import make_food, make_user
from tests.records import RESOURCES

pytestmark = pytest.mark.django_db

ADMIN_URLS = {
    "food-intakes": "/admin/tracker/foodintake/",
    "supplements": "/admin/tracker/supplement/",
    "supplement-doses": "/admin/tracker/supplementdose/",
    "injection-plans": "/admin/tracker/injectionplan/",
    "injections": "/admin/tracker/injection/",
    "symptom-entries": "/admin/tracker/symptomentry/",
    "lab-results": "/admin/tracker/labresult/",
}


def _queries_for(client, url: str) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("name", list(ADMIN_URLS))
def test_admin_list_costs_the_same_at_two_history_sizes(admin_client, name):
    spec, url = RESOURCES[name], ADMIN_URLS[name]
    people = [make_user() for _ in range(3)]
    now = timezone.now()
    for person in people:
        spec.row(person, now - timedelta(hours=1))
    small = _queries_for(admin_client, url)

    for person in people:
        for hours in range(2, 25):
            spec.row(person, now - timedelta(hours=hours))
    large = _queries_for(admin_client, url)

    assert small == large


@pytest.mark.parametrize("name", list(ADMIN_URLS))
def test_admin_shows_records_read_only(admin_client, user, name):
    spec, url = RESOURCES[name], ADMIN_URLS[name]
    row = spec.row(user, timezone.now() - timedelta(hours=1))

    assert admin_client.get(f"{url}add/").status_code == 403
    detail = admin_client.get(f"{url}{row.pk}/change/")
    assert detail.status_code == 200
    assert b'name="_save"' not in detail.content
    assert admin_client.post(f"{url}{row.pk}/delete/", {"post": "yes"}).status_code == 403
    assert spec.model.objects.filter(pk=row.pk).exists()


def test_food_admin_lists_and_searches_the_catalogue(admin_client):
    make_food(name="Clams, cooked", b12_ug_per_100g="98.9")
    make_food(name="Oat drink, fortified")
    response = admin_client.get("/admin/tracker/food/", {"q": "clams"})
    assert response.status_code == 200
    assert b"Clams, cooked" in response.content
    assert b"Oat drink" not in response.content


PIPELINE_URLS = [
    "/admin/tracker/reminder/",
    "/admin/tracker/notification/",
    "/admin/tracker/delivery/",
]


def _notifications(person, count: int) -> None:  # type: ignore[no-untyped-def]
    from tracker.models import Delivery, Notification, Reminder

    reminder = Reminder.objects.create(owner=person, kind="diary", times=["08:00"])
    now = timezone.now()
    for hours in range(count):
        notification = Notification.objects.create(
            owner=person,
            reminder=reminder,
            kind="diary",
            occurrence=now - timedelta(hours=hours),
            title="Time for your reminder",
            channels=["inapp", "email"],
        )
        for channel in ("inapp", "email"):
            Delivery.objects.create(notification=notification, channel=channel, next_attempt_at=now)


@pytest.mark.parametrize("url", PIPELINE_URLS)
def test_reminder_pipeline_admin_lists_cost_the_same_at_two_history_sizes(admin_client, url):
    people = [make_user() for _ in range(3)]
    for person in people:
        _notifications(person, 1)
    small = _queries_for(admin_client, url)
    for person in people:
        _notifications(person, 20)
    large = _queries_for(admin_client, url)

    assert small == large


def test_a_notification_shows_its_deliveries_read_only(admin_client, user):
    from tracker.models import Notification

    _notifications(user, 1)
    notification = Notification.objects.get()

    page = admin_client.get(f"/admin/tracker/notification/{notification.pk}/change/")

    assert page.status_code == 200 and b"email" in page.content
    assert b'name="_save"' not in page.content
    assert admin_client.get("/admin/tracker/delivery/add/").status_code == 403
