from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from tracker.models import Injection, LabResult

URL = "/api/v1/lab-results/"
pytestmark = pytest.mark.django_db


def add(client, **fields):  # type: ignore[no-untyped-def]
    body = {
        "test": "serum_b12",
        "value": "300",
        "unit": "pg/mL",
        "sampled_at": (timezone.now() - timedelta(days=1)).isoformat(),
    }
    body.update(fields)
    return client.post(URL, body, format="json")


def test_serum_b12_in_pg_per_ml_reads_back_in_pmol_per_l(auth_client):
    response = add(auth_client, reference_low="180", reference_high="914")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["value"], body["unit"]) == (300.0, "pg/mL")
    assert (body["canonical_value"], body["canonical_unit"]) == (221.34, "pmol/L")
    assert body["values_by_unit"] == {"pmol/L": 221.34, "pg/mL": 300.0, "ng/L": 300.0}
    assert (body["reference_low"], body["reference_high"]) == (180.0, 914.0)


def test_unit_spellings_are_normalised(auth_client):
    body = add(auth_client, test="mma", value="0.3", unit="umol/l").json()
    assert body["unit"] == "\u00b5mol/L"
    assert (body["canonical_value"], body["canonical_unit"]) == (300.0, "nmol/L")


def test_the_error_lists_the_units_of_the_test(auth_client):
    response = add(auth_client, test="holotc", unit="pg/mL")
    assert response.status_code == 400
    assert "pmol/L" in response.json()["unit"][0]


def test_a_result_drawn_within_14_days_after_an_injection_is_flagged(auth_client, user):
    sampled = timezone.now() - timedelta(days=1)
    Injection.objects.create(owner=user, given_at=sampled - timedelta(days=5), dose_ug=1000)

    flagged = add(auth_client, sampled_at=sampled.isoformat()).json()
    earlier = add(auth_client, sampled_at=(sampled - timedelta(days=30)).isoformat()).json()

    assert flagged["drawn_after_injection"] is True
    assert earlier["drawn_after_injection"] is False
    listed = {r["id"]: r["drawn_after_injection"] for r in auth_client.get(URL).json()["results"]}
    assert listed == {flagged["id"]: True, earlier["id"]: False}


def test_another_persons_injection_never_flags_my_result(auth_client, other_user):
    sampled = timezone.now() - timedelta(days=1)
    Injection.objects.create(owner=other_user, given_at=sampled - timedelta(days=2), dose_ug=1000)
    assert add(auth_client, sampled_at=sampled.isoformat()).json()["drawn_after_injection"] is False


def test_changing_the_unit_recomputes_the_canonical_value(auth_client):
    result_id = add(auth_client).json()["id"]
    body = auth_client.patch(f"{URL}{result_id}/", {"value": "221.34", "unit": "pmol/L"}).json()
    assert body["canonical_value"] == 221.34
    assert LabResult.objects.get(id=result_id).unit == "pmol/L"
    assert LabResult.objects.get(id=result_id).canonical_value == Decimal("221.34")
