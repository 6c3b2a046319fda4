"""GET /api/v1/me/export/: all of a person's data as JSON, a ZIP of CSVs, or a FHIR R4 Bundle."""

import csv
import io
import json
import uuid
import zipfile
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from axes.models import AccessAttempt as AxesAccessAttempt
from axes.models import AccessAttemptExpiration, AccessFailureLog
from axes.models import AccessLog as AxesAccessLog
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, Q
from django.utils import timezone
from fhir.resources.R4B.bundle import Bundle
from push_notifications.models import APNSDevice, GCMDevice, WebPushDevice, WNSDevice
from rest_framework.test import APIClient
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken

from tests.conftest import client_for
from tests.factories import make_food, make_user
from tracker.domain.disclaimer import DISCLAIMER
from tracker.exports import export_tables
from tracker.models import (
    AccessLog,
    Alert,
    Article,
    CareLink,
    Delivery,
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
    Delivery: "deliveries",
    LogEntry: "admin_log_entries",
    OutstandingToken: "token_blacklist_outstanding_tokens",
    BlacklistedToken: "token_blacklist_blacklisted_tokens",
    AxesAccessAttempt: "axes_access_attempts",
    AccessAttemptExpiration: "axes_access_attempt_expirations",
    AxesAccessLog: "axes_access_logs",
    AccessFailureLog: "axes_access_failures",
    GCMDevice: "push_notifications_fcm_devices",
    APNSDevice: "push_notifications_apns_devices",
    WNSDevice: "push_notifications_wns_devices",
    WebPushDevice: "push_notifications_webpush_devices",
}


# Paths longer than this are not followed (no model is that far from the user today; the bound
# only keeps a self-referencing foreign key from looping).
MAX_PATH = 4


def person_lookups(*, include_auto_created: bool = False) -> dict[type[Model], set[str]]:
    """Every model of every installed app with a foreign-key or one-to-one path to the user,
    with the lookups of those paths ("owner", "notification__owner", "token__user", …): walked
    from the model graph, so a new table that belongs to people, in any app, shows up here.
    The user model itself is included with "pk"."""
    user_model = get_user_model()
    lookups: dict[type[Model], set[str]] = {user_model: {"pk"}}
    candidates = [
        model
        for model in apps.get_models(include_auto_created=include_auto_created)
        if model is not user_model
    ]
    for _depth in range(MAX_PATH):
        found: dict[type[Model], set[str]] = {}
        for model in candidates:
            for field in model._meta.concrete_fields:
                parent = field.related_model if field.is_relation else None
                if parent is user_model:
                    found.setdefault(model, set()).add(field.name)
                elif parent in lookups:
                    found.setdefault(model, set()).update(
                        f"{field.name}__{path}"
                        for path in lookups[parent]  # type: ignore[index]
                    )
        changed = False
        for model, paths in found.items():
            if not paths <= lookups.get(model, set()):
                lookups.setdefault(model, set()).update(paths)
                changed = True
        if not changed:
            break
    return lookups


def user_linked_models(*, include_auto_created: bool = False) -> list[type[Model]]:
    return list(person_lookups(include_auto_created=include_auto_created))


def linked_to(model: type[Model], person: User, paths: set[str]) -> Q:
    condition = Q(pk__in=[])
    for path in paths:
        condition |= Q(**{path: person.pk})
    return condition


def email_lookups() -> dict[type[Model], set[str]]:
    """django-axes names people by their email (``username``), not by a foreign key; its
    other tables hang off those by foreign keys."""
    keyed: dict[type[Model], set[str]] = {
        model: {"username"}
        for model in apps.get_app_config("axes").get_models()
        if any(field.name == "username" for field in model._meta.concrete_fields)
    }
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            parent = field.related_model if field.is_relation else None
            if parent in keyed and model not in keyed:
                keyed.setdefault(model, set()).add(f"{field.name}__username")
    return keyed


def rows_of(person: User, *, include_auto_created: bool = False) -> dict[type[Model], set[str]]:
    """The primary keys of the person's rows in every user-linked table (and axes' tables)."""
    rows = {
        model: {
            str(pk)
            for pk in model._base_manager.filter(linked_to(model, person, paths)).values_list(
                "pk", flat=True
            )
        }
        for model, paths in person_lookups(include_auto_created=include_auto_created).items()
    }
    for model, paths in email_lookups().items():
        condition = Q(pk__in=[])
        for path in paths:
            condition |= Q(**{f"{path}__iexact": person.email})
        rows[model] = {
            str(pk) for pk in model._base_manager.filter(condition).values_list("pk", flat=True)
        }
    return rows


def identifying_values(person: User) -> set[str]:
    """What must never appear in someone else's download: the email and every UUID key of
    the person's rows (integer keys like "3" would match anywhere, so they are left out)."""
    values = {person.email}
    for keys in rows_of(person).values():
        values |= {key for key in keys if len(key) == 36}
    return values


# Every secret the helpers below store starts with this, so a download can be searched for it.
SECRET_MARK = "SeCrEt"


def secret_value(kind: str, *, length: int = 64) -> str:
    return f"{SECRET_MARK}-{kind}-{uuid.uuid4().hex}"[:length]


def add_credentials(person: User, *, ip_address: str = "203.0.113.7") -> None:
    """Push devices of every kind, refresh tokens (one revoked), an admin change-log entry by
    the person, and django-axes' sign-in records for their email. Secrets carry SECRET_MARK."""
    GCMDevice.objects.create(
        user=person,
        name="Phone",
        registration_id=secret_value("fcm"),
        cloud_message_type="FCM",
        device_id=0x1F2E3D,
    )
    APNSDevice.objects.create(
        user=person, name="iPhone", registration_id=secret_value("apns"), device_id=uuid.uuid4()
    )
    WNSDevice.objects.create(
        user=person, name="Laptop", registration_id=f"https://wns.invalid/{secret_value('wns')}"
    )
    WebPushDevice.objects.create(
        user=person,
        name="Browser",
        registration_id=f"https://push.invalid/{secret_value('endpoint')}",
        p256dh=secret_value("p256dh"),
        auth=secret_value("auth", length=24),  # Web Push auth secrets are 16 bytes
        browser="CHROME",
    )
    RefreshToken.for_user(person).blacklist()  # an outstanding token, revoked
    RefreshToken.for_user(person)  # one still valid
    LogEntry.objects.create(
        user=person,
        content_type=ContentType.objects.get_for_model(Article),
        object_id="1",
        object_repr="An article",
        action_flag=CHANGE,
        change_message="[]",
    )
    agent = f"Browser {uuid.uuid4().hex}"
    fields = {"ip_address": ip_address, "user_agent": agent, "http_accept": "*/*"}
    attempt = AxesAccessAttempt.objects.create(
        username=person.email,
        path_info="/accounts/login/",
        get_data="",
        post_data=f"csrfmiddlewaretoken={secret_value('csrf')}",
        failures_since_start=1,
        attempt_time=timezone.now(),
        **fields,
    )
    AccessAttemptExpiration.objects.create(
        access_attempt=attempt, expires_at=timezone.now() + timedelta(minutes=15)
    )
    AxesAccessLog.objects.create(
        username=person.email,
        path_info="/accounts/login/",
        session_hash=secret_value("session"),
        attempt_time=timezone.now(),
        **fields,
    )
    AccessFailureLog.objects.create(
        username=person.email,
        path_info="/api/v1/auth/token/",
        attempt_time=timezone.now(),
        **fields,
    )


def add_every_row(person: User, *, days: int = 1, start: datetime | None = None) -> None:
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
    notification = Notification.objects.create(
        owner=person,
        reminder=reminder,
        kind="supplement",
        occurrence=start,
        title="Time for your reminder",
        channels=["inapp", "email"],
    )
    Delivery.objects.create(
        notification=notification, channel="inapp", status="sent", next_attempt_at=start
    )
    Delivery.objects.create(notification=notification, channel="email", next_attempt_at=start)
    helper = make_user()
    CareLink.objects.create(
        patient=person,
        caregiver=helper,
        status="active",
        permissions=["missed_dose_alerts"],
        token_hash=secret_value("token-hash"),
    )
    # The helper's alert about this person (and its delivery) names the person.
    alert = Notification.objects.create(
        owner=helper,
        kind="caregiver_missed_dose",
        occurrence=start,
        title="Someone you look after",
        channels=["inapp"],
        patient=person,
        alert_key=f"test:{uuid.uuid4()}",
    )
    Delivery.objects.create(notification=alert, channel="inapp", next_attempt_at=start)
    record_access(actor=helper, patient=person, what="summary", channel="api", now=start)
    add_credentials(person)
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
    add_every_row(user)
    add_every_row(other_user)

    response = auth_client.get(URL, {"format": "json"})

    assert response.status_code == 200
    tables = response.json()["tables"]
    accounted: set[str] = set()
    for model, expected in rows_of(user).items():
        assert expected, f"give the person a {model.__name__} row in add_every_row()"
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
    assert set(account) == {"id", "email", "date_joined", "last_login"}
    assert account["id"] == str(user.id)
    assert user.password not in response.content.decode()
    assert "password" not in response.content.decode()


def test_soft_deleted_rows_are_in_the_json_export_with_their_deleted_at(user, auth_client):
    add_every_row(user)
    deleted = SymptomEntry.objects.get(owner=user, deleted_at__isnull=False)

    tables = auth_client.get(URL, {"format": "json"}).json()["tables"]

    [row] = [row for row in tables["symptom_entries"] if row["id"] == str(deleted.id)]
    assert datetime.fromisoformat(row["deleted_at"]) == deleted.deleted_at
    assert any(row["deleted_at"] for row in tables["supplements"])


def test_values_are_json_friendly_uuids_iso_times_with_offset_and_decimal_strings(
    user, auth_client
):
    add_every_row(user)

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
    add_every_row(user, days=3)

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
    add_every_row(user)
    add_every_row(other_user)
    forbidden = identifying_values(other_user)
    assert str(other_user.id) in forbidden and len(forbidden) > 15

    for fmt, body in _all_bodies(auth_client).items():
        leaked = sorted(value for value in forbidden if value in body)
        assert not leaked, f"{fmt} contains another person's data: {leaked}"


def test_another_person_exporting_sees_none_of_my_rows(user, other_user):
    add_every_row(user)
    mine = identifying_values(user)

    for fmt, body in _all_bodies(client_for(other_user)).items():
        assert not [value for value in mine if value in body], fmt


# --- secrets and other people's records stay out ---

SECRET_COLUMN_NAMES = {
    "password",
    "token",
    "jti",
    "token_hash",
    "registration_id",
    "p256dh",
    "auth",
    "session_hash",
    "get_data",
    "post_data",
}


def test_no_secret_reaches_any_format_and_no_table_has_a_secret_column(user, auth_client):
    add_every_row(user)
    tokens = set(OutstandingToken.objects.filter(user=user).values_list("token", flat=True))
    jtis = set(OutstandingToken.objects.filter(user=user).values_list("jti", flat=True))
    assert len(tokens) >= 3 and CareLink.objects.filter(token_hash__startswith=SECRET_MARK)

    for fmt, body in _all_bodies(auth_client).items():
        assert SECRET_MARK not in body, f"{fmt} contains a token, key or secret"
        assert not [value for value in tokens | jtis if value in body], f"{fmt}: a JWT or its id"
        assert user.password not in body

    for table in export_tables():
        assert not SECRET_COLUMN_NAMES & set(table.columns), table.name


def test_devices_tokens_and_sign_ins_are_exported_without_their_secrets(user, auth_client):
    add_every_row(user)

    tables = auth_client.get(URL, {"format": "json"}).json()["tables"]

    [webpush] = tables["push_notifications_webpush_devices"]
    assert webpush["name"] == "Browser" and webpush["browser"] == "CHROME"
    assert set(webpush) == {"id", "name", "active", "user_id", "date_created", "application_id",
                            "browser"}  # fmt: skip
    [fcm] = tables["push_notifications_fcm_devices"]
    assert fcm["device_id"] == 0x1F2E3D and fcm["cloud_message_type"] == "FCM"
    assert len(tables["push_notifications_apns_devices"]) == 1
    assert len(tables["push_notifications_wns_devices"]) == 1
    outstanding = tables["token_blacklist_outstanding_tokens"]
    assert {"created_at", "expires_at"} <= set(outstanding[0])
    [revoked] = tables["token_blacklist_blacklisted_tokens"]
    assert revoked["token_id"] in {row["id"] for row in outstanding}
    [sign_in] = tables["axes_access_logs"]
    assert sign_in["username"] == user.email and sign_in["ip_address"] == "203.0.113.7"
    assert "session_hash" not in sign_in
    [attempt] = tables["axes_access_attempts"]
    assert attempt["failures_since_start"] == 1 and "post_data" not in attempt
    assert len(tables["axes_access_attempt_expirations"]) == 1
    assert len(tables["axes_access_failures"]) == 1
    deliveries = tables["deliveries"]
    assert sorted(row["channel"] for row in deliveries) == ["email", "inapp", "inapp"]


def test_sign_in_records_of_another_email_are_not_exported(user, other_user, auth_client):
    add_credentials(other_user, ip_address="198.51.100.9")

    tables = auth_client.get(URL, {"format": "json"}).json()["tables"]

    for name in ("axes_access_logs", "axes_access_attempts", "axes_access_failures"):
        assert tables[name] == [], name
    assert "198.51.100.9" not in json.dumps(tables)


def test_the_admin_change_log_of_a_staff_member_leaves_out_whose_record_it_was(auth_client, user):
    stranger = make_user(email="stranger@example.org")
    LogEntry.objects.create(
        user=user,
        content_type=ContentType.objects.get_for_model(User),
        object_id=str(stranger.pk),
        object_repr=stranger.email,
        action_flag=CHANGE,
        change_message='[{"changed": {"fields": ["Email address"]}}]',
    )

    bodies = _all_bodies(auth_client)
    tables = json.loads(bodies["json"])["tables"]

    [entry] = tables["admin_log_entries"]
    assert set(entry) == {"id", "action_time", "user_id", "content_type_id", "action_flag"}
    for fmt, body in bodies.items():
        assert stranger.email not in body and str(stranger.pk) not in body, fmt


# --- CSV ---


def test_csv_export_is_a_zip_with_one_file_per_table_and_the_right_row_counts(
    user, other_user, auth_client
):
    add_every_row(user, days=2)
    add_every_row(other_user)
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
    add_every_row(user)

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

    # The account, its profile and the refresh token the signed-in client was given.
    one_row = {"user", "profile", "token_blacklist_outstanding_tokens"}
    assert all(len(tables[name]) == 2 for name in one_row)
    assert all(len(rows) == 1 for name, rows in tables.items() if name not in one_row)


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
    add_every_row(user)

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
    add_every_row(user)

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
    add_every_row(user)

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
    add_every_row(user)

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
    add_every_row(user)
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
    add_every_row(user, days=1)
    with django_assert_max_num_queries(budget) as short:
        assert auth_client.get(URL, {"format": fmt}).status_code == 200

    add_every_row(user, days=30, start=timezone.now() - timedelta(days=400))
    with django_assert_max_num_queries(budget) as long:
        assert auth_client.get(URL, {"format": fmt}).status_code == 200

    assert len(long.captured_queries) == len(short.captured_queries)
