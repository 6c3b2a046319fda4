"""The installable web app: ``/manifest.webmanifest``, the service worker at ``/sw.js`` and the
``/offline/`` page it shows when a page cannot be reached.

The worker is served from the site root so its scope is the whole site. Its code is
tracker/static/web/sw.js; this module puts one settings line above it: the shell to keep (the
stylesheet, the scripts, the icons and the offline page — with their hashed names when the
manifest storage is on), a cache name derived from those files so a new release replaces the
old cache, and the discreet fallback texts. Nothing that holds health data is in the shell.
"""

import hashlib
import json
from functools import cache
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from tracker.domain.notification_texts import DISCREET_BODY, DISCREET_TITLE

THEME_COLOUR = "#0b4f9c"  # the site's blue, as in base.html's theme-color
BACKGROUND_COLOUR = "#ffffff"
SHELL_FILES = (
    "web/site.css",
    "web/app.js",
    "web/push.js",
    "web/icons/icon-192.png",
    "web/icons/icon-512.png",
    "web/icons/maskable-512.png",
    "web/icons/badge-96.png",
)
ICONS = (
    ("web/icons/icon-192.png", "192x192", "any"),
    ("web/icons/icon-512.png", "512x512", "any"),
    ("web/icons/maskable-512.png", "512x512", "maskable"),
)
WORKER_SOURCE = Path(__file__).resolve().parent.parent / "static" / "web" / "sw.js"


@require_safe
def manifest(request: HttpRequest) -> HttpResponse:
    body = {
        "id": "/",
        "name": _("B12 Tracker"),
        "short_name": _("B12"),
        "description": _("Log your vitamin B12, get reminders, bring a report to your clinician."),
        "lang": settings.LANGUAGE_CODE,
        "start_url": "/dashboard/",
        "scope": "/",
        "display": "standalone",
        "theme_color": THEME_COLOUR,
        "background_color": BACKGROUND_COLOUR,
        "icons": [
            {"src": static(path), "sizes": sizes, "type": "image/png", "purpose": purpose}
            for path, sizes, purpose in ICONS
        ],
    }
    response = JsonResponse(body, content_type="application/manifest+json")
    response["Cache-Control"] = "no-cache"  # revalidated each time: a new icon shows up soon
    return response


def shell_urls() -> list[str]:
    return [static(path) for path in SHELL_FILES] + [reverse("offline")]


@cache
def _shell_version(urls: tuple[str, ...]) -> str:
    """Changes whenever a shell file, its URL or the worker's code changes. Read once per
    process (a release restarts the processes)."""
    digest = hashlib.sha256(WORKER_SOURCE.read_bytes())
    for url in urls:
        digest.update(url.encode())
    for path in SHELL_FILES:
        found = finders.find(path)
        if isinstance(found, str):
            digest.update(Path(found).read_bytes())
    digest.update(Path(settings.BASE_DIR, "templates", "offline.html").read_bytes())
    return digest.hexdigest()[:16]


@cache
def _worker_source() -> str:
    # Read once per process, like the shell's version: a release restarts the processes.
    return WORKER_SOURCE.read_text()


@require_safe
def service_worker(request: HttpRequest) -> HttpResponse:
    urls = shell_urls()
    config = {
        "shell": urls,
        "cache": f"b12-shell-{_shell_version(tuple(urls))}",
        "offline": reverse("offline"),
        "icon": static("web/icons/icon-192.png"),
        "badge": static("web/icons/badge-96.png"),
        # What a push without a readable payload shows: the discreet texts.
        "texts": {"title": _(DISCREET_TITLE), "body": _(DISCREET_BODY)},
    }
    source = f"self.B12_SW = {json.dumps(config)};\n{_worker_source()}"
    response = HttpResponse(source, content_type="application/javascript; charset=utf-8")
    # The browser checks for a new worker on every navigation; never an old copy from a cache.
    response["Cache-Control"] = "no-cache"
    return response


@require_safe
def offline_page(request: HttpRequest) -> HttpResponse:
    """Kept by the service worker, so it is the same for everyone: no name, no data, no
    session read (and no CSRF token) — a stand-alone page, not base.html."""
    response = render(request, "offline.html")
    response["Cache-Control"] = "no-cache"
    return response
