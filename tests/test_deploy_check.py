"""Django's deployment checklist (`check --deploy`) at warning level, as .ci/run runs it: the
production settings pass it with only the environment a deployment sets, and it does catch a
weakened setting."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
CHECK = ("check", "--deploy", "--fail-level", "WARNING")


def _production_env(**extra: str) -> dict[str, str]:
    # What a deployment sets, plus the services this run uses (PostgreSQL and Redis in CI).
    kept = {"PATH", "HOME", "LANG", "VAR_DIR", "DATABASE_URL", "CACHE_URL", "CELERY_BROKER_URL"}
    return {
        **{name: value for name, value in os.environ.items() if name in kept},
        "DJANGO_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "b12.example.org",
        **extra,
    }


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_production_settings_pass_the_deployment_checklist():
    result = _manage(*CHECK, env=_production_env())

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_opting_in_to_hsts_preload_passes_too():
    result = _manage(*CHECK, env=_production_env(SECURE_HSTS_PRELOAD="true"))
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_check_fails_weakened_settings():
    weakened = {
        "SECURE_HSTS_SECONDS": "0",  # security.W004
        "SECURE_SSL_REDIRECT": "false",  # security.W008
    }
    result = _manage(*CHECK, env=_production_env(**weakened))

    assert result.returncode != 0
    assert {"security.W004", "security.W008"} <= set(
        re.findall(r"security\.W\d+", result.stderr + result.stdout)
    )


def test_ci_runs_the_same_check_with_a_generated_key():
    script = (ROOT / ".ci" / "run").read_text()
    step = re.search(
        r"^DJANGO_ENV=production .*?check --deploy --fail-level WARNING$",
        script,
        re.MULTILINE | re.DOTALL,
    )
    assert step is not None
    assert "secrets.token_urlsafe" in step.group(0)
    assert "ALLOWED_HOSTS=" in step.group(0)
