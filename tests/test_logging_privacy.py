"""Logs without health data (DESIGN invariant 8): a whole journey — sign-up, tokens, foods,
symptoms and lab values with notes, a 400, a 500, a caregiver invited by email who signs in and
accepts by the token in the link — logged at DEBUG, and none of the emails, passwords, tokens,
notes, values or symptom names in any record. The JSON format, the request id and the access
log formats (runserver's and gunicorn's) are checked too."""

import io
import json
import logging
import re
import shlex
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from tests.factories import make_food
from tracker.logging import JsonFormatter, StripQueryString, current_request, safe_path
from tracker.services import labs

pytestmark = pytest.mark.django_db

PATIENT = "margaret.secret-patient@example.org"
CARER = "daughter.secret-carer@example.org"
PASSWORD = "Very-secret-passphrase-91"
CARER_PASSWORD = "Another-hidden-passphrase-37"
FOOD_NOTE = "porridge-note-7f3a with the fortified drink"
SYMPTOM_NOTE = "tingling-note-9c1e in both feet since Tuesday"
LAB_NOTE = "lab-note-2b8d drawn at the surgery"
BAD_NOTE = "rejected-note-5e0f never stored"
CRASH_NOTE = "crash-note-8a6c sent while the server failed"
GRAMS = "243.71"
LAB_VALUE = "287.4317"
SYMPTOM = "pins_and_needles"
SYMPTOM_LABEL = "Pins and needles"
TOKEN_IN_LINK = re.compile(r"token=([A-Za-z0-9_-]+)")
WATCHED_LOGGERS = ("", "django", "django.request", "django.server", "django.security", "celery")


@pytest.fixture
def logged(caplog):  # type: ignore[no-untyped-def]
    """Every record at DEBUG from the root logger down, including django.server's (which does
    not propagate)."""
    for name in WATCHED_LOGGERS:
        caplog.set_level(logging.DEBUG, logger=name)
    server = logging.getLogger("django.server")
    server.addHandler(caplog.handler)
    yield caplog  # .records: this test phase's records
    server.removeHandler(caplog.handler)


def _texts(record: logging.LogRecord) -> list[str]:
    return [
        record.getMessage(),
        repr(record.args),
        str(record.msg),
        JsonFormatter().format(record),  # what production writes, tracebacks included
    ]


def test_a_whole_journey_logs_no_health_data_credentials_or_addresses(
    logged, monkeypatch, django_capture_on_commit_callbacks, mailoutbox
):
    food = make_food(name="Fortified oat drink")
    api = APIClient()
    secrets = [PATIENT, CARER, PASSWORD, CARER_PASSWORD, FOOD_NOTE, SYMPTOM_NOTE, LAB_NOTE]
    secrets += [BAD_NOTE, CRASH_NOTE, GRAMS, LAB_VALUE, SYMPTOM, SYMPTOM_LABEL]

    # Sign-up and tokens.
    signed_up = api.post(
        "/api/v1/auth/register/",
        {
            "email": PATIENT,
            "password": PASSWORD,
            "timezone": "Europe/London",
            "disclaimer_accepted": True,
        },  # fmt: skip
        format="json",
    )
    assert signed_up.status_code == 201, signed_up.content
    tokens = api.post("/api/v1/auth/token/", {"email": PATIENT, "password": PASSWORD}).json()
    secrets += [tokens["access"], tokens["refresh"]]
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")
    # A wrong password once (the lockout counts it).
    assert api.post("/api/v1/auth/token/", {"email": PATIENT, "password": "wrong"}).status_code

    # Records with notes and values.
    now = timezone.now()
    assert (
        api.post(
            "/api/v1/food-intakes/",
            {
                "food": str(food.id),
                "grams": GRAMS,
                "eaten_at": now.isoformat(),
                "meal": "breakfast",
                "note": FOOD_NOTE,
            },  # fmt: skip
        ).status_code
        == 201
    )
    assert (
        api.post(
            "/api/v1/symptom-entries/",
            {
                "symptom": SYMPTOM,
                "severity": 6,
                "recorded_at": now.isoformat(),
                "note": SYMPTOM_NOTE,
            },  # fmt: skip
        ).status_code
        == 201
    )
    assert (
        api.post(
            "/api/v1/lab-results/",
            {
                "test": "serum_b12",
                "value": LAB_VALUE,
                "unit": "pg/mL",
                "sampled_at": (now - timedelta(days=2)).isoformat(),
                "note": LAB_NOTE,
            },  # fmt: skip
        ).status_code
        == 201
    )
    # A 400 (a unit the test does not take) and a 500 (the service fails).
    bad = api.post(
        "/api/v1/lab-results/",
        {
            "test": "serum_b12",
            "value": LAB_VALUE,
            "unit": "furlongs",
            "sampled_at": now.isoformat(),
            "note": BAD_NOTE,
        },  # fmt: skip
    )
    assert bad.status_code == 400

    def fail(**kwargs: Any) -> Any:
        raise RuntimeError("the lab service is unavailable")

    monkeypatch.setattr(labs, "record_lab_result", fail)
    crashing = APIClient(raise_request_exception=False)
    crashing.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")
    crashed = crashing.post(
        "/api/v1/lab-results/",
        {
            "test": "serum_b12",
            "value": LAB_VALUE,
            "unit": "pg/mL",
            "sampled_at": now.isoformat(),
            "note": CRASH_NOTE,
        },  # fmt: skip
    )
    assert crashed.status_code == 500
    for path in ("/api/v1/dashboard/", "/api/v1/trends/", "/api/v1/lab-results/"):
        assert api.get(path, {"page_size": 5} if "lab" in path else {}).status_code == 200

    # The invitation: sent by email, opened from the link, accepted after signing in.
    with django_capture_on_commit_callbacks(execute=True):
        invited = api.post(
            "/api/v1/care/invitations/", {"email": CARER, "permissions": ["view_summary"]}
        )
    assert invited.status_code == 201
    token = TOKEN_IN_LINK.search(mailoutbox[-1].body).group(1)  # type: ignore[union-attr]
    secrets.append(token)
    APIClient().post(
        "/api/v1/auth/register/",
        {
            "email": CARER,
            "password": CARER_PASSWORD,
            "timezone": "UTC",
            "disclaimer_accepted": True,
        },  # fmt: skip
        format="json",
    )
    browser = Client()
    assert browser.get(f"/care/accept/?token={token}").status_code == 200
    signed_in = browser.post(
        "/accounts/login/", {"username": CARER, "password": CARER_PASSWORD, "next": "/care/"}
    )
    assert signed_in.status_code == 302
    assert browser.get(f"/care/accept/?token={token}").status_code == 200
    assert browser.post("/care/accept/", {"token": token}).status_code == 302
    assert browser.get("/care/").status_code == 200

    assert len(logged.records) > 20
    leaks = {
        secret: [
            f"{r.name}: {r.getMessage()}"
            for r in logged.records
            if any(secret in t for t in _texts(r))
        ]
        for secret in secrets
    }
    assert {secret: found for secret, found in leaks.items() if found} == {}

    # The logging itself worked: request lines without query strings, the 400 and the 500
    # with its traceback, each tied to its request.
    lines = [r.getMessage() for r in logged.records if r.name == "tracker.request"]
    assert any(line.startswith("POST /api/v1/symptom-entries/ 201 ") for line in lines)
    assert any(line.startswith("GET /care/accept/ 200 ") for line in lines)
    assert not any("?" in line for line in lines)
    server_error = next(r for r in logged.records if r.name == "django.request" and r.levelno >= 40)
    written = json.loads(JsonFormatter().format(server_error))
    assert "RuntimeError: the lab service is unavailable" in written["exc"]
    assert written["path"] == "/api/v1/lab-results/" and written["status"] == 500
    assert len(written["request_id"]) == 32
    assert any(r.name == "django.request" and r.levelno == logging.WARNING for r in logged.records)


def test_a_json_line_has_the_fields_and_only_allowed_extras():
    token = current_request.set(
        {"request_id": "abc123", "method": "POST", "path": "/x/", "raw_path": "/x/"}
    )
    try:
        record = logging.LogRecord(
            "tracker.request", logging.INFO, __file__, 1, "%s %s", ("a", 2), None
        )
        record.route = "x/"
        record.status = 201
        record.duration_ms = 3.5
        record.request = object()  # what Django passes; never written
        line = json.loads(JsonFormatter().format(record))
    finally:
        current_request.reset(token)

    assert set(line) == {
        "time", "level", "logger", "message", "request_id", "method", "path", "route",
        "status", "duration_ms",
    }  # fmt: skip
    assert line["message"] == "a 2" and line["level"] == "INFO"
    assert line["time"].endswith("+00:00")


def test_every_response_names_its_request_id_and_the_log_line_has_it(client, logged):
    response = client.get("/learn/")

    line = next(r for r in logged.records if r.name == "tracker.request")
    assert line.request_id == response["X-Request-ID"]  # type: ignore[attr-defined]
    assert line.route == "learn/" and line.status == 200  # type: ignore[attr-defined]


def test_a_token_in_the_path_is_written_as_its_name(client, logged):
    client.get("/accounts/reset/MTIz/secret-reset-token-6d1a/")

    assert safe_path("/accounts/reset/MTIz/secret-reset-token-6d1a/") == (
        "/accounts/reset/<uidb64>/<token>/"
    )
    assert not [r for r in logged.records if any("secret-reset-token-6d1a" in t for t in _texts(r))]
    assert any("/accounts/reset/<uidb64>/<token>/" in r.getMessage() for r in logged.records)


def test_runserver_request_lines_lose_the_query_string_and_path_tokens():
    record = logging.LogRecord(
        "django.server", logging.WARNING, __file__, 1, '"%s" %s %s',
        ("GET /care/accept/?token=abc123secret HTTP/1.1", "400", "12"), None,
    )  # fmt: skip
    reset = logging.LogRecord(
        "django.server", logging.WARNING, __file__, 1, '"%s" %s %s',
        ("GET /accounts/reset/MTIz/tok-secret-1/ HTTP/1.1", "404", "12"), None,
    )  # fmt: skip
    for line in (record, reset):
        StripQueryString().filter(line)

    assert record.getMessage() == '"GET /care/accept/ HTTP/1.1" 400 12'
    assert reset.getMessage() == '"GET /accounts/reset/<uidb64>/<token>/ HTTP/1.1" 404 12'
    server_logger: Any = settings.LOGGING["loggers"]["django.server"]  # type: ignore[index]
    assert "strip_query_string" in server_logger["filters"]


def test_gunicorns_access_log_in_the_image_names_no_path_query_or_referer():
    from gunicorn.config import Config
    from gunicorn.glogging import Logger

    command = (Path(settings.BASE_DIR) / "Dockerfile").read_text()
    cmd = re.search(r"^CMD (\[.*?\])$", command, re.MULTILINE | re.DOTALL)
    assert cmd is not None
    args = json.loads(cmd.group(1).replace("\\\n", ""))
    assert args[0] == "gunicorn" and "--access-logfile" in args
    log_format = args[args.index("--access-logformat") + 1]
    assert not {"%(r)s", "%(U)s", "%(q)s", "%(f)s"} & set(re.findall(r"%\([^)]*\)s", log_format))

    config = Config()
    config.set("accesslog", "-")
    config.set("access_log_format", log_format)
    logger = Logger(config)
    stream = io.StringIO()
    logger.access_log.handlers = [logging.StreamHandler(stream)]

    class Response:
        status = "302 Found"
        sent = 0
        headers = [("X-Request-ID", "req-42")]

    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": "/accounts/reset/MTIz/tok-secret-2/?token=q-secret-3",
        "PATH_INFO": "/accounts/reset/MTIz/tok-secret-2/",
        "QUERY_STRING": "token=q-secret-3",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_REFERER": "https://b12.example.org/care/accept/?token=r-secret-4",
    }
    logger.access(Response(), [], environ, timedelta(milliseconds=12))
    line = stream.getvalue()

    assert "GET 302 0 12ms request_id=req-42" in line
    assert "secret" not in line and "/accounts" not in line
    assert shlex.split(line)  # one plain line


def test_loggers_that_would_write_sql_parameters_or_template_contexts_stay_quiet(caplog):
    caplog.set_level(logging.DEBUG)  # even with everything else at DEBUG

    assert not logging.getLogger("django.db.backends").isEnabledFor(logging.DEBUG)
    assert not logging.getLogger("django.template").isEnabledFor(logging.DEBUG)
    # Django's own handlers are gone: mail_admins would mail the request, body included.
    assert logging.getLogger("django").handlers == []
