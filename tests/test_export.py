"""GET /api/v1/me/export/: all of a person's data as JSON, a ZIP of CSVs, or a FHIR R4 Bundle."""

import csv
import io
import json
import zipfile
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db.models import Model, Q
from django.utils import timezone
from fhir.resources.R4B.bundle import Bundle
from rest_framework.test import APIClient

from tests.conftest import client_for
from tests.factories import make_food, make_user
from tracker.domain.disclaimer import DISCLAIMER
from tracker.exports import export_tables
from tracker.models import (
    AccessLog,
    Alert,
    CareLink,
    Food,
    FoodIntake,
    Injection,
    InjectionPlan,
    LabResult,
    Notification,
    Profile,
    Reminder,
    Supplement,
    SupplementDose,
    SymptomEntry,
    User,
)
from tracker.services.audit import record_access  # noqa: E402

pytestmark = pytest.mark.django_db

URL = "/api/v1/me/export/"
LOINC = "http://loinc.org"

# The API resource names the tables must keep (DESIGN "Public API").
EXPECTED_NAMES: dict[type[Model], str] = {
    User: "user",
    Profile: "profile",
    Food: "foods",
    FoodIntake: "food_intakes",
    Supplement: "supplements",
    SupplementDose: "supplement_doses",
    InjectionPlan: "injection_plans",
    Injection: "injections",
    SymptomEntry: "symptom_entries",
    LabResult: "lab_results",
    Alert: "alerts",
    Reminder: "reminders",
    Notification: "notifications",
    CareLink: "care_links",
    AccessLog: "access_logs",
}


def user_linked_models() -> list[type[Model]]:
    """The user model and every tracker model with a foreign key or one-to-one link to it:
    walked from the model graph, so a new table that belongs to people shows up here."""
    user_model = get_user_model()
    linked = [
        model
        for model in apps.get_app_config("tracker").get_models()
        if any(f.is_relation and f.related_model is user_model for f in model._meta.fields)
    ]
    return [user_model, *[model for model in linked if model is not user_model]]


def linked_to(model: type[Model], person: User) -> Q:
    user_model = get_user_model()
    if model is user_model:
        return Q(pk=person.pk)
    condition = Q(pk__in=[])
    for field in model._meta.fields:
        if field.is_relation and field.related_model is user_model:
            condition |= Q(**{field.name: person})
    return condition


def rows_of(person: User) -> dict[type[Model], set[str]]:
    return {
        model: {
            str(pk)
            for pk in model._base_manager.filter(linked_to(model, person)).values_list(
                "pk", flat=True
            )
        }
        for model in user_linked_models()
    }


def _history(person: User, *, days: int = 1, start: datetime | None = None) -> None:
    """One row of every owned model (several per day of history), incl. soft-deleted ones."""
    start = start or timezone.now() - timedelta(days=days)
    label_food = make_food(
        name=f"Nutritional yeast ({person.email})", b12_ug_per_100g="40", owner=person
    )
    supplement = Supplement.objects.create(
        owner=person, name="B12 1000", form="cyanocobalamin", route="sublingual", dose_ug=1000
    )
    Supplement.objects.create(
        owner=person,
        name="Old spray",
        form="methylcobalamin",
        route="spray",
        dose_ug=500,
        active=False,
        deleted_at=start,
    )
    plan = InjectionPlan.objects.create(
        owner=person,
        product="Hydroxocobalamin 1 mg/mL",
        dose_ug=1000,
        dose_unit="mg",
        route="im",
        maintenance_interval_days=90,
    )
    for day in range(days):
        at = start + timedelta(days=day, hours=8)
        FoodIntake.objects.create(
            owner=person,
            food=label_food,
            grams=Decimal(10),
            eaten_at=at,
            meal="breakfast",
            b12_ug=Decimal("4.000"),
        )
        SupplementDose.objects.create(
            owner=person,
            supplement=supplement,
            status="taken",
            taken_at=at,
            scheduled_for=at,
            occurred_at=at,
            b12_ug=Decimal(1000),
            route="sublingual",
        )
        SupplementDose.objects.create(
            owner=person,
            supplement=supplement,
            status="skipped",
            scheduled_for=at + timedelta(hours=12),
            occurred_at=at + timedelta(hours=12),
            b12_ug=Decimal(0),
            route="sublingual",
        )
        Injection.objects.create(
            owner=person, plan=plan, given_at=at, dose_ug=1000, site="left_deltoid", lot="A1"
        )
        entry = SymptomEntry.objects.create(
            owner=person,
            symptom="numbness",
            severity=8,
            recorded_at=at,
            red_flags=["vision_loss"],
        )
        Alert.objects.create(
            owner=person, symptom_entry=entry, rule="severe_nerve_symptom", level="urgent"
        )
        LabResult.objects.create(
            owner=person,
            test="serum_b12",
            value=Decimal(300),
            unit="pg/mL",
            reference_low=Decimal(180),
            reference_high=Decimal(914),
            sampled_at=at,
            canonical_value=Decimal("221.34"),
            canonical_unit="pmol/L",
            lab_name="City lab",
        )
        LabResult.objects.create(
            owner=person,
            test="serum_b12",
            value=Decimal(250),
            unit="pmol/L",
            sampled_at=at,
            canonical_value=Decimal(250),
            canonical_unit="pmol/L",
        )
        LabResult.objects.create(
            owner=person,
            test="mma",
            value=Decimal(210),
            unit="nmol/L",
            reference_high=Decimal(271),
            sampled_at=at,
            canonical_value=Decimal(210),
            canonical_unit="nmol/L",
        )
        LabResult.objects.create(
            owner=person,
            test="holotc",
            value=Decimal(60),
            unit="pmol/L",
            sampled_at=at,
            canonical_value=Decimal(60),
            canonical_unit="pmol/L",
        )
    SymptomEntry.objects.create(
        owner=person, symptom="tiredness", severity=2, recorded_at=start, deleted_at=start
    )
    reminder = Reminder.objects.create(
        owner=person, kind="supplement", supplement=supplement, times=["08:00"]
    )
    Notification.objects.create(
        owner=person,
        reminder=reminder,
        kind="supplement",
        occurrence=start,
        title="Time for your reminder",
        channels=["inapp"],
    )
    helper = make_user()
    CareLink.objects.create(
        patient=person, caregiver=helper, status="active", permissions=["missed_dose_alerts"]
    )
    record_access(actor=helper, patient=person, what="summary", channel="api", now=start)
    LabResult.objects.create(
        owner=person,
        test="folate",
        value=Decimal(5),
        unit="ng/mL",
        sampled_at=start,
        canonical_value=Decimal(5),
        canonical_unit="ng/mL",
        deleted_at=start,
    )


def _zip_tables(content: bytes) -> tuple[dict[str, list[list[str]]], str]:
    archive = zipfile.ZipFile(io.BytesIO(content))
    tables = {
        name.removesuffix(".csv"): list(csv.reader(io.StringIO(archive.read(name).decode())))
        for name in archive.namelist()
        if name.endswith(".csv")
    }
    return tables, archive.read("README.txt").decode()


def _all_bodies(client: APIClient) -> dict[str, str]:
    """Every byte a person can download, as text, per format (CSV: every file in the ZIP)."""
    bodies = {
        "json": client.get(URL, {"format": "json"}).content.decode(),
        "fhir": client.get(URL, {"format": "fhir"}).content.decode(),
    }
    archive = zipfile.ZipFile(io.BytesIO(client.get(URL, {"format": "csv"}).content))
    for name in archive.namelist():
        bodies[f"csv:{name}"] = archive.read(name).decode()
    return bodies


# --- JSON: every table, exactly the person's rows ---


def test_every_table_linked_to_a_person_is_exported_with_exactly_their_rows(
    user, other_user, auth_client
):
    _history(user)
    _history(other_user)

    response = auth_client.get(URL, {"format": "json"})

    assert response.status_code == 200
    tables = response.json()["tables"]
    accounted: set[str] = set()
    for model, expected in rows_of(user).items():
        assert expected, f"give the person a {model.__name__} row in _history()"
        pk = model._meta.pk.attname
        name = EXPECTED_NAMES.get(model)
        assert name is not None, (
            f"{model.__name__} links to the user: export it in tracker/exports/rows.py and "
            "add its table name here"
        )
        assert name in tables, f"{model.__name__} is missing from the export"
        exported = [str(row[pk]) for row in tables[name]]
        assert sorted(exported) == sorted(expected), f"{name}: not exactly the person's rows"
        accounted.add(name)
    assert set(tables) == accounted


def test_json_export_has_the_disclaimer_and_an_attachment_filename(user, auth_client):
    response = auth_client.get(URL)  # json is the default

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    today = user.profile.today(timezone.now()).isoformat()
    assert response["Content-Disposition"] == (f'attachment; filename="b12-export-{today}.json"')
    body = response.json()
    assert body["disclaimer"] == str(DISCLAIMER)
    assert datetime.fromisoformat(body["exported_at"]).utcoffset() == timedelta(0)


def test_account_row_has_only_id_email_and_date_joined_and_never_the_password_hash(
    user, auth_client
):
    response = auth_client.get(URL, {"format": "json"})

    [account] = response.json()["tables"]["user"]
    assert set(account) == {"id", "email", "date_joined"}
    assert account["id"] == str(user.id)
    assert user.password not in response.content.decode()
    assert "password" not in response.content.decode()


def test_soft_deleted_rows_are_in_the_json_export_with_their_deleted_at(user, auth_client):
    _history(user)
    deleted = SymptomEntry.objects.get(owner=user, deleted_at__isnull=False)

    tables = auth_client.get(URL, {"format": "json"}).json()["tables"]

    [row] = [row for row in tables["symptom_entries"] if row["id"] == str(deleted.id)]
    assert datetime.fromisoformat(row["deleted_at"]) == deleted.deleted_at
    assert any(row["deleted_at"] for row in tables["supplements"])


def test_values_are_json_friendly_uuids_iso_times_with_offset_and_decimal_strings(
    user, auth_client
):
    _history(user)

    tables = auth_client.get(URL, {"format": "json"}).json()["tables"]

    lab = next(row for row in tables["lab_results"] if row["unit"] == "pg/mL")
    assert lab["value"] == "300.0000"
    assert lab["reference_low"] == "180.0000"
    assert lab["sampled_at"].endswith("+00:00")
    assert lab["owner_id"] == str(user.id)
    intake = tables["food_intakes"][0]
    assert intake["b12_ug"] == "4.000"
    assert Food.objects.filter(pk=intake["food_id"], owner=user).exists()
    [profile] = tables["profile"]
    assert isinstance(profile["notification_channels"], list)
    assert profile["discreet_notifications"] is True
    [entry] = [row for row in tables["symptom_entries"] if row["symptom"] == "numbness"]
    assert entry["red_flags"] == ["vision_loss"]


def test_rows_are_ordered_by_the_time_they_are_about(user, auth_client):
    _history(user, days=3)

    tables = auth_client.get(URL, {"format": "json"}).json()["tables"]

    eaten = [row["eaten_at"] for row in tables["food_intakes"]]
    assert eaten == sorted(eaten) and len(eaten) == 3
    given = [row["given_at"] for row in tables["injections"]]
    assert given == sorted(given)


def test_label_foods_of_the_person_are_exported_but_not_the_shared_catalogue(user, auth_client):
    catalogue = make_food(name="Fortified soy drink")
    own = make_food(name="My oat drink", owner=user)

    foods = auth_client.get(URL, {"format": "json"}).json()["tables"]["foods"]

    assert [row["id"] for row in foods] == [str(own.id)]
    assert str(catalogue.id) not in json.dumps(foods)


def test_table_names_do_not_depend_on_the_request_language(user, auth_client, settings):
    settings.LANGUAGES = [("en", "English"), ("de", "German")]
    english = auth_client.get(URL, {"format": "json"}).json()["tables"]
    german = auth_client.get(URL, {"format": "json"}, HTTP_ACCEPT_LANGUAGE="de").json()["tables"]

    assert list(german) == list(english) == [table.name for table in export_tables()]


# --- nobody else's data, in any format ---


def test_no_other_persons_id_or_row_appears_in_any_format(user, other_user, auth_client):
    _history(user)
    _history(other_user)
    forbidden = {other_user.email} | set().union(*rows_of(other_user).values())
    assert str(other_user.id) in forbidden and len(forbidden) > 15

    for fmt, body in _all_bodies(auth_client).items():
        leaked = sorted(value for value in forbidden if value in body)
        assert not leaked, f"{fmt} contains another person's data: {leaked}"


def test_another_person_exporting_sees_none_of_my_rows(user, other_user):
    _history(user)
    mine = {user.email} | set().union(*rows_of(user).values())

    for fmt, body in _all_bodies(client_for(other_user)).items():
        assert not [value for value in mine if value in body], fmt


# --- CSV ---


def test_csv_export_is_a_zip_with_one_file_per_table_and_the_right_row_counts(
    user, other_user, auth_client
):
    _history(user, days=2)
    _history(other_user)
    json_tables = auth_client.get(URL, {"format": "json"}).json()["tables"]

    response = auth_client.get(URL, {"format": "csv"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    today = user.profile.today(timezone.now()).isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="b12-export-{today}.zip"'
    tables, readme = _zip_tables(response.content)
    assert set(tables) == set(json_tables)
    for name, rows in tables.items():
        header, *data = rows
        [columns] = [table.columns for table in export_tables() if table.name == name]
        assert header == list(columns)
        assert len(data) == len(json_tables[name]), name
    assert len(tables["supplement_doses"]) == 1 + 4
    assert len(tables["symptom_entries"]) == 1 + 3  # two days + the deleted one
    for name in tables:
        assert f"{name}.csv" in readme
    assert str(DISCLAIMER) in readme


def test_csv_cells_hold_json_text_for_json_fields_and_blank_for_no_value(user, auth_client):
    _history(user)

    tables, _readme = _zip_tables(auth_client.get(URL, {"format": "csv"}).content)

    header, row = tables["profile"]
    profile = dict(zip(header, row, strict=True))
    assert json.loads(profile["notification_channels"]) == user.profile.notification_channels
    assert profile["discreet_notifications"] == "true"
    assert profile["birth_date"] == ""
    header, *rows = tables["symptom_entries"]
    entries = [dict(zip(header, row, strict=True)) for row in rows]
    red_flags = {entry["symptom"]: entry["red_flags"] for entry in entries}
    assert json.loads(red_flags["numbness"]) == ["vision_loss"]
    assert json.loads(red_flags["tiredness"]) == []


def test_a_person_with_no_history_gets_every_csv_with_just_its_header_row(auth_client):
    tables, _readme = _zip_tables(auth_client.get(URL, {"format": "csv"}).content)

    assert len(tables["user"]) == 2 and len(tables["profile"]) == 2
    assert all(len(rows) == 1 for name, rows in tables.items() if name not in {"user", "profile"})


# --- FHIR ---


def _fhir(client: APIClient) -> dict[str, Any]:
    response = client.get(URL, {"format": "fhir"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/fhir+json")
    return response.json()


def _resources(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def _loinc(observation: dict[str, Any]) -> list[str]:
    return [c["code"] for c in observation["code"]["coding"] if c["system"] == LOINC]


def test_fhir_bundle_validates_as_r4_and_holds_the_expected_resources(user, auth_client):
    Profile.objects.filter(user=user).update(birth_date=date(1950, 4, 2))
    _history(user)

    bundle = _fhir(auth_client)

    Bundle.model_validate(bundle)  # raises on any structural error
    assert bundle["resourceType"] == "Bundle" and bundle["type"] == "collection"
    [patient] = _resources(bundle, "Patient")
    assert patient == {"resourceType": "Patient", "id": str(user.id), "birthDate": "1950-04-02"}
    assert len(_resources(bundle, "MedicationStatement")) == 1  # the deleted one is left out
    administrations = _resources(bundle, "MedicationAdministration")
    assert sorted(a["status"] for a in administrations) == ["completed", "completed", "not-done"]
    observations = _resources(bundle, "Observation")
    assert len(observations) == 4 + 1 + 1  # labs (deleted folate left out), symptom, intake
    for entry in bundle["entry"]:
        resource = entry["resource"]
        assert entry["fullUrl"] == f"urn:uuid:{resource['id']}"
        if resource["resourceType"] != "Patient":
            assert resource["subject"] == {"reference": f"Patient/{user.id}"}


def test_fhir_lab_observations_use_verified_loinc_codes_that_fit_the_entered_unit(
    user, auth_client
):
    _history(user)

    labs = [
        o
        for o in _resources(_fhir(auth_client), "Observation")
        if o["category"][0]["coding"][0]["code"] == "laboratory"
    ]

    by_unit = {(o["code"]["coding"][-1]["code"], o["valueQuantity"]["unit"]): o for o in labs}
    serum_mass = by_unit[("serum_b12", "pg/mL")]
    assert _loinc(serum_mass) == ["2132-9"]
    assert serum_mass["valueQuantity"] == {
        "value": 300,
        "unit": "pg/mL",
        "system": "http://unitsofmeasure.org",
        "code": "pg/mL",
    }
    assert serum_mass["referenceRange"] == [
        {
            "low": {"value": 180, "unit": "pg/mL", "system": "http://unitsofmeasure.org",
                    "code": "pg/mL"},
            "high": {"value": 914, "unit": "pg/mL", "system": "http://unitsofmeasure.org",
                     "code": "pg/mL"},
        }
    ]  # fmt: skip
    # 2132-9 is a mass concentration: a result in pmol/L does not get it.
    assert _loinc(by_unit[("serum_b12", "pmol/L")]) == []
    mma = by_unit[("mma", "nmol/L")]
    assert _loinc(mma) == ["13964-2"]
    assert mma["referenceRange"] == [{"high": {"value": 271, "unit": "nmol/L",
        "system": "http://unitsofmeasure.org", "code": "nmol/L"}}]  # fmt: skip
    holotc = by_unit[("holotc", "pmol/L")]
    assert _loinc(holotc) == []
    assert holotc["code"]["coding"] == [
        {
            "system": "https://b12tracker.example/fhir/CodeSystem/lab-test",
            "code": "holotc",
            "display": "Active B12 (holotranscobalamin)",
        }
    ]
    assert all(o["effectiveDateTime"].endswith("+00:00") for o in labs)


def test_fhir_medication_records_describe_regimens_injections_and_doses(user, auth_client):
    _history(user)

    bundle = _fhir(auth_client)

    [statement] = _resources(bundle, "MedicationStatement")
    assert statement["status"] == "active"
    assert statement["medicationCodeableConcept"] == {"text": "B12 1000"}
    dosage = statement["dosage"][0]
    assert "1000 µg" in dosage["text"] and dosage["route"] == {"text": "Under the tongue"}
    administrations = {a["id"]: a for a in _resources(bundle, "MedicationAdministration")}
    injection = administrations[str(Injection.objects.get(owner=user).id)]
    assert injection["medicationCodeableConcept"] == {"text": "Hydroxocobalamin 1 mg/mL"}
    assert injection["dosage"]["dose"] == {
        "value": 1000,
        "unit": "µg",
        "system": "http://unitsofmeasure.org",
        "code": "ug",
    }
    assert injection["dosage"]["site"] == {"text": "Left upper arm (deltoid)"}
    assert injection["dosage"]["route"] == {"text": "Intramuscular"}
    skipped = administrations[str(SupplementDose.objects.get(owner=user, status="skipped").id)]
    assert skipped["status"] == "not-done" and "dosage" not in skipped
    assert skipped["statusReason"] == [{"text": "Skipped"}]


def test_fhir_symptom_and_intake_observations(user, auth_client):
    _history(user)

    observations = _resources(_fhir(auth_client), "Observation")

    [symptom] = [o for o in observations if o["category"][0]["coding"][0]["code"] == "survey"]
    assert symptom["code"]["coding"][0] == {
        "system": "https://b12tracker.example/fhir/CodeSystem/symptom",
        "code": "numbness",
        "display": "Numbness",
    }
    assert symptom["valueInteger"] == 8
    assert symptom["component"][0]["code"]["coding"][0]["code"] == "vision_loss"
    [intake] = [o for o in observations if o["code"]["text"] == "Vitamin B12 intake"]
    assert intake["valueQuantity"] == {
        "value": 4,
        "unit": "µg",
        "system": "http://unitsofmeasure.org",
        "code": "ug",
    }
    assert intake["note"][0]["text"].startswith(f"Nutritional yeast ({user.email}), 10 g")
    eaten_at = FoodIntake.objects.get(owner=user).eaten_at
    assert datetime.fromisoformat(intake["effectiveDateTime"]) == eaten_at


def test_fhir_bundle_leaves_out_soft_deleted_rows(user, auth_client):
    _history(user)
    deleted = {
        str(pk)
        for model in (Supplement, SymptomEntry, LabResult)
        for pk in model.objects.filter(owner=user, deleted_at__isnull=False).values_list(
            "pk", flat=True
        )
    }
    assert len(deleted) == 3

    ids = {entry["resource"]["id"] for entry in _fhir(auth_client)["entry"]}

    assert not ids & deleted


def test_fhir_client_sending_its_own_accept_header_still_gets_the_bundle(auth_client):
    response = auth_client.get(URL, {"format": "fhir"}, HTTP_ACCEPT="application/fhir+json")

    assert response.status_code == 200
    Bundle.model_validate(response.json())


# --- errors and headers ---


def test_unknown_format_is_a_400_naming_the_format_field(auth_client):
    for bad in ("xml", "", "CSV", "api"):
        response = auth_client.get(URL, {"format": bad})

        assert response.status_code == 400, bad
        assert list(response.json()) == ["format"]
        assert isinstance(response.json()["format"], list)


@pytest.mark.parametrize("fmt", [None, "json", "csv", "fhir"])
def test_anonymous_export_is_a_401_for_every_format_never_a_404(api_client, fmt):
    response = api_client.get(URL, {} if fmt is None else {"format": fmt})

    assert response.status_code == 401
    assert response["Cache-Control"] == "private, no-store"


def test_every_response_is_private_and_never_stored(auth_client):
    for params in ({"format": "json"}, {"format": "csv"}, {"format": "fhir"}, {"format": "x"}):
        response = auth_client.get(URL, params)

        assert response["Cache-Control"] == "private, no-store", params


def test_writes_are_not_allowed(auth_client):
    assert auth_client.post(URL, {}).status_code == 405
    assert auth_client.delete(URL).status_code == 405


def test_filename_carries_the_persons_own_date_not_the_utc_date():
    # 03:00 UTC on 1 March is still 29 February in New York.
    with time_machine.travel(datetime(2024, 3, 1, 3, 0, tzinfo=UTC), tick=False):
        person = make_user(email="carol@example.org", timezone="America/New_York")
        response = client_for(person).get(URL, {"format": "csv"})

    assert response["Content-Disposition"] == ('attachment; filename="b12-export-2024-02-29.zip"')


# --- query budget ---


@pytest.mark.parametrize("fmt", ["json", "csv", "fhir"])
def test_query_count_does_not_grow_with_history(
    user, auth_client, fmt, django_assert_max_num_queries
):
    # One query per table (FHIR: per resource kind from the database), plus authentication.
    budget = {"json": len(export_tables()), "csv": len(export_tables()), "fhir": 6}[fmt] + 1
    _history(user, days=1)
    with django_assert_max_num_queries(budget) as short:
        assert auth_client.get(URL, {"format": fmt}).status_code == 200

    _history(user, days=30, start=timezone.now() - timedelta(days=400))
    with django_assert_max_num_queries(budget) as long:
        assert auth_client.get(URL, {"format": fmt}).status_code == 200

    assert len(long.captured_queries) == len(short.captured_queries)
