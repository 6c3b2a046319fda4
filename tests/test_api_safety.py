from datetime import timedelta

import pytest
from django.utils import timezone

from tests.conftest import client_for
from tests.factories import make_user
from tracker.models import Alert, SymptomEntry

ENTRIES = "/api/v1/symptom-entries/"
pytestmark = pytest.mark.django_db


def log(client, symptom="numbness", severity=8, **fields):  # type: ignore[no-untyped-def]
    body = {"symptom": symptom, "severity": severity, "recorded_at": timezone.now().isoformat()}
    body.update(fields)
    return client.post(ENTRIES, body, format="json")


def test_a_severity_8_numbness_entry_raises_a_recorded_seek_advice_alert(auth_client, user):
    response = log(auth_client)

    assert response.status_code == 201, response.json()
    (alert,) = response.json()["alerts"]
    assert alert["level"] == "urgent"
    assert alert["message"].startswith("Please seek medical advice urgently")
    assert alert["source"]["url"] == "https://www.nice.org.uk/guidance/ng239"
    assert Alert.objects.filter(owner=user, rule="severe_nerve_symptom").count() == 1
    listed = auth_client.get("/api/v1/alerts/").json()["results"]
    assert [a["id"] for a in listed] == [alert["id"]]


def test_a_tagged_emergency_asks_for_urgent_advice(auth_client):
    body = log(auth_client, symptom="tiredness", severity=2, red_flags=["vision_loss"]).json()
    assert [(a["rule"], a["level"]) for a in body["alerts"]] == [("vision_loss", "urgent")]
    assert body["alerts"][0]["message"].startswith("Please seek medical advice urgently")


def test_a_rise_over_14_days_alerts(auth_client):
    earlier = (timezone.now() - timedelta(days=10)).isoformat()
    assert log(auth_client, severity=2, recorded_at=earlier).json()["alerts"] == []
    rules = [a["rule"] for a in log(auth_client, severity=5).json()["alerts"]]
    assert rules == ["rising_symptom"]


def test_a_backfilled_lower_score_makes_a_later_entry_a_rise(auth_client, user):
    later = log(auth_client, severity=6).json()  # below the severe threshold
    assert later["alerts"] == []
    backfilled = (timezone.now() - timedelta(days=5)).isoformat()

    log(auth_client, severity=2, recorded_at=backfilled)

    alert = Alert.objects.get(owner=user)
    assert (str(alert.symptom_entry_id), alert.rule) == (later["id"], "rising_symptom")


def test_deleting_an_entry_retires_its_alerts(auth_client):
    entry = log(auth_client).json()
    assert auth_client.delete(f"{ENTRIES}{entry['id']}/").status_code == 204
    assert auth_client.get("/api/v1/alerts/").json()["results"] == []
    assert Alert.objects.get().deleted_at is not None  # kept, not destroyed


def test_an_ordinary_entry_raises_nothing(auth_client):
    assert log(auth_client, symptom="tiredness", severity=4).json()["alerts"] == []
    assert not Alert.objects.exists()


def test_editing_an_entry_never_duplicates_its_alert(auth_client):
    entry = log(auth_client).json()
    auth_client.patch(f"{ENTRIES}{entry['id']}/", {"severity": 9})
    auth_client.patch(f"{ENTRIES}{entry['id']}/", {"note": "left foot"})
    assert Alert.objects.count() == 1


def test_unknown_red_flag_tags_are_refused(auth_client):
    response = log(auth_client, red_flags=["feels_odd"])
    assert response.status_code == 400
    assert response.json()["red_flags"]
    assert not SymptomEntry.objects.exists()


def test_acknowledging_keeps_the_alert(auth_client):
    alert = log(auth_client).json()["alerts"][0]
    body = auth_client.post(f"/api/v1/alerts/{alert['id']}/acknowledge/").json()
    assert body["acknowledged_at"] is not None
    assert Alert.objects.filter(id=alert["id"], deleted_at__isnull=True).exists()


def test_another_persons_alerts_are_404(auth_client, other_user):
    theirs = log(client_for(other_user)).json()["alerts"][0]
    assert auth_client.get(f"/api/v1/alerts/{theirs['id']}/").status_code == 404
    assert auth_client.post(f"/api/v1/alerts/{theirs['id']}/acknowledge/").status_code == 404
    assert auth_client.get("/api/v1/alerts/").json()["results"] == []


def test_a_metformin_user_with_tiredness_sees_a_sourced_screening_prompt():
    person = make_user(risk_factors=["metformin"])
    client = client_for(person)
    log(client, symptom="tiredness", severity=3)

    body = client.get("/api/v1/screening/").json()

    assert body["talk_to_clinician"] is True
    assert "talk to your doctor" in body["message"]
    reasons = {r["code"]: r for r in body["reasons"]}
    assert reasons["metformin"]["source"]["url"].startswith("https://www.gov.uk/")
    assert reasons["tiredness"]["kind"] == "symptom"
    assert "does not diagnose" in body["disclaimer"]


def test_screening_without_symptoms_does_not_prompt(auth_client):
    body = auth_client.get("/api/v1/screening/").json()
    assert body["talk_to_clinician"] is False
    assert auth_client.get("/api/v1/screening/").status_code == 200


def test_screening_and_alerts_need_sign_in(api_client):
    assert api_client.get("/api/v1/screening/").status_code == 401
    assert api_client.get("/api/v1/alerts/").status_code == 401


def test_logging_waits_for_the_disclaimer_but_reading_does_not():
    person = make_user(disclaimer_accepted_at=None)
    client = client_for(person)

    refused = log(client, symptom="tiredness", severity=2)
    assert refused.status_code == 403
    assert refused.json()["code"] == "disclaimer_required"
    assert "disclaimer" in refused.json()["detail"]
    assert client.get(ENTRIES).status_code == 200
    assert client.get("/api/v1/me/").json()["disclaimer_required"] is True
    assert not SymptomEntry.objects.exists()

    client.patch("/api/v1/me/", {"disclaimer_accepted": True})
    created = log(client, symptom="tiredness", severity=2)
    assert created.status_code == 201


def test_deleting_ones_own_data_never_waits_for_the_disclaimer():
    person = make_user(disclaimer_accepted_at=None)
    entry = SymptomEntry.objects.create(
        owner=person, symptom="tiredness", severity=1, recorded_at=timezone.now()
    )
    assert client_for(person).delete(f"{ENTRIES}{entry.id}/").status_code == 204


def test_the_screening_page_shows_sourced_reasons_to_a_signed_in_person(client):
    person = make_user(risk_factors=["proton_pump_inhibitor"])
    SymptomEntry.objects.create(
        owner=person, symptom="pins_and_needles", severity=3, recorded_at=timezone.now()
    )
    assert client.get("/screening/").status_code == 302  # sign-in first

    client.force_login(person)
    html = client.get("/screening/").content.decode()

    assert "reasons to talk to your doctor" in html
    assert "https://doi.org/10.1001/jama.2013.280490" in html
    assert "Pins and needles" in html
    assert "does not diagnose" in html


def test_the_web_disclaimer_page_records_acceptance_once_and_returns_safely(client):
    person = make_user(disclaimer_accepted_at=None)
    client.force_login(person)

    page = client.get("/disclaimer/?next=/screening/")
    assert b"does not diagnose" in page.content and b"csrfmiddlewaretoken" in page.content
    accepted = client.post("/disclaimer/", {"next": "/screening/"})
    assert accepted.status_code == 302 and accepted["Location"] == "/screening/"
    person.profile.refresh_from_db()
    first = person.profile.disclaimer_accepted_at
    assert first is not None

    offsite = client.post("/disclaimer/", {"next": "https://evil.example/"})
    assert offsite["Location"] == "/learn/"
    person.profile.refresh_from_db()
    assert person.profile.disclaimer_accepted_at == first


def test_alerts_sync_acknowledgements_and_retirements(auth_client):
    first = log(auth_client).json()
    second = log(auth_client, symptom="balance_problems").json()
    mark = timezone.now().isoformat()
    auth_client.post(f"/api/v1/alerts/{first['alerts'][0]['id']}/acknowledge/")
    auth_client.delete(f"{ENTRIES}{second['id']}/")

    synced = auth_client.get("/api/v1/alerts/", {"updated_since": mark}).json()["results"]

    changes = {a["id"]: a for a in synced}
    assert set(changes) == {first["alerts"][0]["id"], second["alerts"][0]["id"]}
    assert changes[first["alerts"][0]["id"]]["acknowledged_at"] is not None
    assert changes[second["alerts"][0]["id"]]["deleted_at"] is not None


def test_the_schema_documents_the_disclaimer_gate_and_replays(client):
    schema = client.get("/api/schema/?format=json").json()
    create = schema["paths"]["/api/v1/food-intakes/"]["post"]["responses"]
    update = schema["paths"]["/api/v1/food-intakes/{id}/"]["patch"]["responses"]
    assert {"200", "201", "403"} <= set(create)
    assert "403" in update
