"""Settings for benchmarks served by gunicorn: the project's settings, with the bench URLconf
(config.urls plus the bare baseline views of bench/urls.py). Used by bench/insights.py:

    DJANGO_SETTINGS_MODULE=bench.settings_gunicorn .venv/bin/gunicorn config.wsgi:application
"""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
