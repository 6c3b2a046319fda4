import pytest
from django.db import IntegrityError, transaction

from tests.factories import PASSWORD, make_user
from tracker.models import Profile, User

pytestmark = pytest.mark.django_db


def test_every_user_gets_a_profile_with_safe_defaults():
    user = User.objects.create_user(email="a@example.org", password=PASSWORD)
    profile = Profile.objects.get(user=user)
    assert profile.timezone == "UTC"
    assert profile.discreet_notifications is True
    assert profile.notification_channels == ["inapp"]
    assert profile.risk_factors == []
    assert profile.disclaimer_accepted_at is None


def test_superusers_get_a_profile_too():
    admin = User.objects.create_superuser(email="root@example.org", password=PASSWORD)
    assert admin.is_staff and admin.is_superuser
    assert Profile.objects.filter(user=admin).exists()


def test_email_is_stored_lower_case_and_unique_in_any_case():
    make_user(email="Carer@Example.org")
    assert User.objects.get().email == "carer@example.org"
    with pytest.raises(IntegrityError), transaction.atomic():
        make_user(email="CARER@example.org")
    assert User.objects.count() == 1
    assert Profile.objects.count() == 1


def test_natural_key_lookup_ignores_case():
    user = make_user(email="dora@example.org")
    assert User.objects.get_by_natural_key("  DORA@example.ORG ") == user


def test_quiet_hours_need_both_ends_in_the_database():
    user = make_user()
    with pytest.raises(IntegrityError), transaction.atomic():
        Profile.objects.filter(user=user).update(quiet_hours_start="22:00")


def test_pinned_home_timezone_wins_over_the_device_zone():
    user = make_user(timezone="Asia/Tokyo")
    assert user.profile.effective_timezone == "Asia/Tokyo"
    user.profile.home_timezone = "Europe/Madrid"
    assert user.profile.effective_timezone == "Europe/Madrid"


def test_deleting_a_user_deletes_the_profile():
    user = make_user()
    user.delete()
    assert Profile.objects.count() == 0


def test_staff_admin_add_user_creates_the_profile(admin_client):
    response = admin_client.post(
        "/admin/tracker/user/add/",
        {"email": "Added@Example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302, response.content[:500]
    added = User.objects.get(email="added@example.org")
    assert Profile.objects.filter(user=added).exists()


def test_staff_admin_user_pages_render(admin_client):
    user = make_user()
    assert admin_client.get("/admin/tracker/user/").status_code == 200
    assert admin_client.get(f"/admin/tracker/user/{user.pk}/change/").status_code == 200


def test_today_is_the_persons_calendar_date():
    from datetime import UTC, date, datetime

    person = make_user(timezone="Pacific/Kiritimati")  # UTC+14
    assert person.profile.today(datetime(2026, 11, 22, 11, 0, tzinfo=UTC)) == date(2026, 11, 23)
