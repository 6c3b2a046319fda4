from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from tracker.models import Supplement, SupplementDose

DOSES = "/api/v1/supplement-doses/"
pytestmark = pytest.mark.django_db


@pytest.fixture
def supplement(user):  # type: ignore[no-untyped-def]
    return Supplement.objects.create(
        owner=user, name="B12 500", form="cyanocobalamin", route="chewable", dose_ug=Decimal(500)
    )


def test_a_taken_dose_without_a_time_is_taken_now(auth_client, supplement):
    now = timezone.now().replace(microsecond=0)
    with time_machine.travel(now, tick=False):
        body = auth_client.post(DOSES, {"supplement": str(supplement.id), "status": "taken"}).json()

    assert body["taken_at"].startswith(now.isoformat()[:19])
    assert body["occurred_at"] == body["taken_at"]
    assert body["b12_ug"] == 500.0
    assert body["route"] == "chewable"
    assert body["source"] == "manual"


def test_units_multiply_the_dose(auth_client, supplement):
    body = auth_client.post(
        DOSES, {"supplement": str(supplement.id), "status": "taken", "units": "2"}
    ).json()
    assert body["b12_ug"] == 1000.0


def test_skipped_and_missed_doses_count_zero(auth_client, supplement):
    scheduled = (timezone.now() - timedelta(hours=3)).isoformat()
    for status in ("skipped", "missed"):
        body = auth_client.post(
            DOSES,
            {"supplement": str(supplement.id), "status": status, "scheduled_for": scheduled},
        ).json()
        assert body["b12_ug"] == 0.0
        assert body["taken_at"] is None
        scheduled = (timezone.now() - timedelta(hours=2)).isoformat()


def test_one_record_per_scheduled_occurrence(auth_client, supplement):
    body = {
        "supplement": str(supplement.id),
        "status": "taken",
        "scheduled_for": (timezone.now() - timedelta(hours=1)).isoformat(),
    }
    assert auth_client.post(DOSES, body).status_code == 201

    again = auth_client.post(DOSES, body)

    assert again.status_code == 400
    assert again.json()["scheduled_for"]
    assert SupplementDose.objects.count() == 1


def test_regimen_edits_do_not_rewrite_logged_doses(auth_client, supplement):
    dose_id = auth_client.post(DOSES, {"supplement": str(supplement.id), "status": "taken"}).json()[
        "id"
    ]
    auth_client.patch(f"/api/v1/supplements/{supplement.id}/", {"dose_ug": "2000"})

    assert auth_client.get(f"{DOSES}{dose_id}/").json()["b12_ug"] == 500.0


def test_marking_a_taken_dose_skipped_clears_it(auth_client, supplement):
    dose_id = auth_client.post(DOSES, {"supplement": str(supplement.id), "status": "taken"}).json()[
        "id"
    ]
    body = auth_client.patch(f"{DOSES}{dose_id}/", {"status": "skipped"}).json()
    assert body["b12_ug"] == 0.0
    assert body["taken_at"] is None


def test_doses_of_a_deleted_supplement_are_refused_but_history_stays(auth_client, supplement):
    dose_id = auth_client.post(DOSES, {"supplement": str(supplement.id), "status": "taken"}).json()[
        "id"
    ]
    assert auth_client.delete(f"/api/v1/supplements/{supplement.id}/").status_code == 204

    refused = auth_client.post(DOSES, {"supplement": str(supplement.id), "status": "taken"})
    assert refused.status_code == 400
    assert auth_client.get(f"{DOSES}{dose_id}/").status_code == 200


def test_another_persons_supplement_cannot_be_dosed(auth_client, other_user):
    theirs = Supplement.objects.create(
        owner=other_user, name="X", form="cyanocobalamin", route="oral", dose_ug=Decimal(10)
    )
    response = auth_client.post(DOSES, {"supplement": str(theirs.id), "status": "taken"})
    assert response.status_code == 400
    assert "does not exist" in response.json()["supplement"][0]
    assert not SupplementDose.objects.exists()


def test_resending_unchanged_values_never_rewrites_the_snapshot(auth_client, supplement):
    dose_id = auth_client.post(DOSES, {"supplement": str(supplement.id), "status": "taken"}).json()[
        "id"
    ]
    auth_client.patch(f"/api/v1/supplements/{supplement.id}/", {"dose_ug": "50", "route": "nasal"})

    body = auth_client.patch(
        f"{DOSES}{dose_id}/", {"supplement": str(supplement.id), "units": "1", "status": "taken"}
    ).json()

    assert (body["b12_ug"], body["route"]) == (500.0, "chewable")
    doubled = auth_client.patch(f"{DOSES}{dose_id}/", {"units": "2"}).json()
    assert doubled["b12_ug"] == 1000.0  # scaled from the snapshot, not the new regimen


def test_an_edit_may_resend_a_supplement_deleted_since(auth_client, supplement):
    dose_id = auth_client.post(DOSES, {"supplement": str(supplement.id), "status": "taken"}).json()[
        "id"
    ]
    auth_client.delete(f"/api/v1/supplements/{supplement.id}/")

    response = auth_client.patch(
        f"{DOSES}{dose_id}/", {"supplement": str(supplement.id), "units": "1"}
    )

    assert response.status_code == 200, response.json()
