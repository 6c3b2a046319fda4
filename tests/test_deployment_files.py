"""docker-compose.yml and the Dockerfile, checked by reading (no Docker engine runs here)."""

import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
COMPOSE_SCHEMA = ROOT.parent / "shared" / "schemas" / "compose-spec.json"


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_file_is_valid_against_the_compose_spec(compose):
    assert COMPOSE_SCHEMA.exists(), f"the Compose spec schema is missing at {COMPOSE_SCHEMA}"
    schema = json.loads(COMPOSE_SCHEMA.read_text())
    jsonschema.Draft7Validator(schema).validate(compose)


def test_compose_runs_the_production_shape(compose):
    services = compose["services"]
    assert {"db", "redis", "web", "worker", "beat"} <= set(services)
    assert services["db"]["image"].startswith("postgres:16")
    assert services["redis"]["image"].startswith("redis:7")
    # web runs the image's default command: gunicorn.
    assert "command" not in services["web"]
    assert re.search(r'^CMD \["gunicorn"', (ROOT / "Dockerfile").read_text(), re.MULTILINE)
    assert "worker" in services["worker"]["command"]
    assert "beat" in services["beat"]["command"]


def test_app_services_share_one_definition_through_an_anchor(compose):
    raw = (ROOT / "docker-compose.yml").read_text()
    assert re.search(r"^x-app: &app$", raw, re.MULTILINE)
    services = compose["services"]
    shared = ("build", "image", "environment", "volumes")
    for name in ("web", "worker", "beat"):
        for key in shared:
            assert services[name][key] == services["web"][key], (name, key)
    env = services["web"]["environment"]
    assert env["DJANGO_ENV"] == "production"
    assert env["DATABASE_URL"].startswith("postgres://")
    assert env["CELERY_BROKER_URL"].startswith("redis://redis:6379/")
    assert env["CACHE_URL"].startswith("redis://redis:6379/")


def test_compose_services_have_health_checks_and_wait_for_healthy_dependencies(compose):
    services = compose["services"]
    for name in ("db", "redis", "web", "worker", "beat"):
        assert services[name]["healthcheck"]["test"], name
    for name in ("web", "worker", "beat"):
        depends = services[name]["depends_on"]
        assert depends["db"]["condition"] == "service_healthy"
        assert depends["redis"]["condition"] == "service_healthy"
        assert depends["migrate"]["condition"] == "service_completed_successfully"
    assert "/healthz" in json.dumps(services["web"]["healthcheck"]["test"])
    assert {"pgdata", "redisdata"} <= set(compose["volumes"])
    assert "pgdata:/var/lib/postgresql/data" in services["db"]["volumes"]


def test_dockerfile_is_slim_non_root_and_installs_the_lock():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert re.search(r"^FROM python:3\.11-slim", dockerfile, re.MULTILINE)
    assert re.search(r"^RUN pip install -r requirements\.txt$", dockerfile, re.MULTILINE)
    user_lines = re.findall(r"^USER (\S+)", dockerfile, re.MULTILINE)
    assert user_lines and user_lines[-1] not in {"root", "0"}
    assert "gunicorn" in dockerfile


def test_locks_pin_every_package_exactly():
    for name in ("requirements.txt", "requirements-dev.txt"):
        for line in (ROOT / name).read_text().splitlines():
            if not line or line.startswith(("#", "-r ")):
                continue
            assert re.fullmatch(r"[A-Za-z0-9_.\-\[\]]+==[A-Za-z0-9_.+\-]+", line), (name, line)
