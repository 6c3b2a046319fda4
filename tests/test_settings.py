import os
import subprocess
import sys
from io import StringIO

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from config.settings import env_bool, env_int, env_list, env_str
from tracker.checks import check_production_secret_key

PRODUCTION_ENV = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": "s3cr3t-" + "x7Kq9vL2mN4pR8tW1yZ5bC3dF6gH0jA" * 2,
    "ALLOWED_HOSTS": "b12.example.org",
}


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    # A clean environment apart from what is given: no DATABASE_URL etc. leaks in from CI.
    base = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG", "VAR_DIR"}}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_passes_the_deploy_checklist_at_warning_level():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_the_development_secret_key():
    env = {**PRODUCTION_ENV, "SECRET_KEY": settings.DEV_SECRET_KEY}
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "tracker.E001" in result.stderr


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS"])
def test_production_requires_secret_key_and_allowed_hosts(missing):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert f"The environment variable {missing} is required" in result.stderr


def test_production_cannot_turn_debug_on():
    result = _manage("check", env={**PRODUCTION_ENV, "DEBUG": "1"})
    assert result.returncode != 0
    assert "DEBUG cannot be on in production" in result.stderr


def test_secret_key_check_is_quiet_outside_production(settings):
    settings.IS_PRODUCTION = False
    settings.SECRET_KEY = settings.DEV_SECRET_KEY
    assert check_production_secret_key(None) == []
    settings.IS_PRODUCTION = True
    assert [e.id for e in check_production_secret_key(None)] == ["tracker.E001"]


def test_defaults_need_no_server_and_keep_time_in_utc():
    assert settings.TIME_ZONE == "UTC"
    assert settings.USE_TZ is True
    if "DATABASE_URL" not in os.environ:
        assert settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
        assert str(settings.DATABASES["default"]["NAME"]).startswith(str(settings.VAR_DIR))
    if "CELERY_BROKER_URL" not in os.environ:
        assert settings.CELERY_BROKER_URL == "filesystem://"
        data_folder = str(settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_in"])
        assert data_folder.startswith(str(settings.VAR_DIR))


def test_var_folder_is_ignored_by_git():
    ignored = (settings.BASE_DIR / ".gitignore").read_text().split()
    assert "var/" in ignored


def test_env_helpers_are_strict(monkeypatch):
    monkeypatch.setenv("FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured):
        env_bool("FLAG", False)
    monkeypatch.setenv("FLAG", "Yes")
    assert env_bool("FLAG", False) is True
    monkeypatch.setenv("FLAG", "")
    assert env_bool("FLAG", True) is True  # empty means unset
    monkeypatch.setenv("NUMBER", "ten")
    with pytest.raises(ImproperlyConfigured):
        env_int("NUMBER", 1)
    monkeypatch.setenv("HOSTS", "a.example, b.example,")
    assert env_list("HOSTS") == ["a.example", "b.example"]
    monkeypatch.delenv("REQUIRED", raising=False)
    with pytest.raises(ImproperlyConfigured, match="REQUIRED is required"):
        env_str("REQUIRED")


def test_settings_read_the_standard_email_variables():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_USE_TLS, s.EMAIL_BACKEND, s.DEFAULT_FROM_EMAIL)"
    )
    env = {
        **{k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG"}},
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "EMAIL_HOST": "smtp.example.org",
        "EMAIL_PORT": "2525",
        "EMAIL_USE_TLS": "true",
        "DEFAULT_FROM_EMAIL": "care@example.org",
    }
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=settings.BASE_DIR, env=env,
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.stdout.split() == [
        "smtp.example.org", "2525", "True",
        "django.core.mail.backends.smtp.EmailBackend", "care@example.org",
    ]  # fmt: skip


@pytest.mark.django_db
def test_no_model_changes_lack_a_migration():
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()
