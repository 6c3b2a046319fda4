import pytest
import time_machine
from django.utils import timezone

from tests.conftest import client_for
from tests.factories import make_user
from tracker.models import Profile, User

ME = "/api/v1/me/"

pytestmark = pytest.mark.django_db


def test_anonymous_me_is_401(api_client):
    response = api_client.get(ME)
    assert response.status_code == 401
    assert api_client.patch(ME, {"diet_type": "vegan"}).status_code == 401


def test_me_shows_the_flat_profile_with_safe_defaults(api_client):
    registered = api_client.post(
        "/api/v1/auth/register/",
        {"email": "alice@example.org", "password": "correct-horse-battery-42",
         "timezone": "Europe/London"},
        format="json",
    ).json()  # fmt: skip
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {registered['tokens']['access']}")
    user = User.objects.get()

    body = api_client.get(ME).json()

    assert body == {
        "id": str(user.id),
        "email": "alice@example.org",
        "date_joined": body["date_joined"],
        "diet_type": "",
        "birth_date": None,
        "pregnancy_status": "not_applicable",
        "timezone": "Europe/London",
        "home_timezone": "",
        "reference_standard": "US",
        "risk_factors": [],
        "quiet_hours_start": None,
        "quiet_hours_end": None,
        "notification_channels": ["inapp"],
        "discreet_notifications": True,
        "disclaimer_accepted_at": None,
        "disclaimer_required": True,
        "disclaimer": body["disclaimer"],
    }
    assert "does not diagnose" in body["disclaimer"]


def test_each_person_sees_only_their_own_profile(user, other_user):
    assert client_for(user).get(ME).json()["email"] == "alice@example.org"
    assert client_for(other_user).get(ME).json()["email"] == "bob@example.org"


def test_patch_updates_the_profile(auth_client, user):
    changes = {
        "diet_type": "vegan",
        "birth_date": "1950-04-02",
        "pregnancy_status": "not_applicable",
        "timezone": "Australia/Sydney",
        "home_timezone": "Europe/Dublin",
        "reference_standard": "UK",
        "risk_factors": ["metformin", "proton_pump_inhibitor"],
        "quiet_hours_start": "22:00",
        "quiet_hours_end": "07:30",
        "notification_channels": ["inapp", "email"],
        "discreet_notifications": False,
    }

    response = auth_client.patch(ME, changes, format="json")

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["quiet_hours_start"] == "22:00:00"
    assert body["risk_factors"] == ["metformin", "proton_pump_inhibitor"]
    profile = Profile.objects.get(user=user)
    assert profile.diet_type == "vegan"
    assert profile.timezone == "Australia/Sydney"
    assert profile.effective_timezone == "Europe/Dublin"
    assert profile.notification_channels == ["inapp", "email"]
    assert profile.discreet_notifications is False


def _profile_values(user):  # type: ignore[no-untyped-def]
    return Profile.objects.filter(user=user).values().get()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"timezone": "Atlantis/Capital"}, "timezone"),
        ({"home_timezone": "Europe/Nowhere"}, "home_timezone"),
        ({"diet_type": "carnivore"}, "diet_type"),
        ({"reference_standard": "FR"}, "reference_standard"),
        ({"pregnancy_status": "maybe"}, "pregnancy_status"),
        ({"risk_factors": ["metformin", "chocolate"]}, "risk_factors"),
        ({"risk_factors": ["metformin", "metformin"]}, "risk_factors"),
        ({"risk_factors": "metformin"}, "risk_factors"),
        ({"notification_channels": ["pigeon"]}, "notification_channels"),
        ({"notification_channels": ["email", "email"]}, "notification_channels"),
        ({"quiet_hours_start": "22:00"}, "quiet_hours_end"),
        ({"quiet_hours_start": "22:00", "quiet_hours_end": "22:00"}, "quiet_hours_end"),
        ({"quiet_hours_start": "25:00", "quiet_hours_end": "07:00"}, "quiet_hours_start"),
        ({"birth_date": "2999-01-01"}, "birth_date"),
        ({"birth_date": "1850-01-01"}, "birth_date"),
        ({"birth_date": "yesterday"}, "birth_date"),
        ({"discreet_notifications": "sometimes"}, "discreet_notifications"),
    ],
)
def test_patch_rejects_bad_input_with_field_message_and_changes_nothing(
    auth_client, user, changes, field
):
    before = _profile_values(user)

    response = auth_client.patch(ME, {**changes, "diet_type": changes.get("diet_type", "vegan")})

    assert response.status_code == 400
    assert response.json()[field]
    assert _profile_values(user) == before


def test_patch_clearing_quiet_hours_needs_both_ends(auth_client, user):
    auth_client.patch(ME, {"quiet_hours_start": "21:00", "quiet_hours_end": "06:00"})

    half = auth_client.patch(ME, {"quiet_hours_end": None})
    assert half.status_code == 400
    both = auth_client.patch(ME, {"quiet_hours_start": None, "quiet_hours_end": None})
    assert both.status_code == 200
    assert Profile.objects.get(user=user).quiet_hours_start is None


def test_patch_ignores_read_only_fields(auth_client, user, other_user):
    response = auth_client.patch(
        ME,
        {
            "id": str(other_user.id),
            "email": "bob@example.org",
            "date_joined": "2000-01-01T00:00:00Z",
            "disclaimer_accepted_at": "2000-01-01T00:00:00Z",
            "is_staff": True,
        },
    )

    assert response.status_code == 200
    user.refresh_from_db()
    assert user.email == "alice@example.org"
    assert user.is_staff is False
    accepted_at = Profile.objects.get(user=user).disclaimer_accepted_at
    assert accepted_at is not None and accepted_at.year != 2000
    other_user.refresh_from_db()
    assert other_user.email == "bob@example.org"


def test_accepting_the_disclaimer_records_the_first_time_only():
    user = make_user(disclaimer_accepted_at=None)
    auth_client = client_for(user)
    first = timezone.now()
    with time_machine.travel(first, tick=False):
        accepted = auth_client.patch(ME, {"disclaimer_accepted": True}).json()
    with time_machine.travel(first.replace(year=first.year + 1), tick=False):
        again = client_for(user).patch(ME, {"disclaimer_accepted": True}).json()

    assert accepted["disclaimer_accepted_at"] == again["disclaimer_accepted_at"]
    assert Profile.objects.get(user=user).disclaimer_accepted_at == first


def test_put_is_not_allowed(auth_client):
    assert auth_client.put(ME, {"diet_type": "vegan"}).status_code == 405


def test_me_costs_a_fixed_number_of_queries(auth_client, django_assert_num_queries):
    # JWT authentication loads the user with the profile in one query; the view needs no more.
    with django_assert_num_queries(1):
        assert auth_client.get(ME).status_code == 200
