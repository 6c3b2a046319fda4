"""The installable app: the manifest, the service worker at the site root, the offline page,
the icons, and the scripts loaded from files (the CSP allows no inline script or style)."""

import json
import re
from pathlib import Path
from typing import cast

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client
from PIL import Image

from tests.factories import make_user
from tools.make_icons import draw_icon
from tracker.services.reminders import create_reminder

ICONS = Path(settings.BASE_DIR) / "tracker" / "static" / "web" / "icons"
pytestmark = pytest.mark.django_db


def static_file(url: str) -> str:
    """The file a static URL serves (the test server does not serve them; WhiteNoise does)."""
    assert url.startswith(settings.STATIC_URL), url
    found = finders.find(url.removeprefix(settings.STATIC_URL))
    assert isinstance(found, str), url
    return found


def test_the_manifest_makes_the_site_installable(client):  # type: ignore[no-untyped-def]
    response = client.get("/manifest.webmanifest")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["name"] == "B12 Tracker" and manifest["short_name"]
    assert manifest["start_url"] == "/dashboard/"
    assert manifest["display"] == "standalone"
    assert manifest["theme_color"] == "#0b4f9c" and manifest["background_color"] == "#ffffff"
    icons = {(icon["sizes"], icon["purpose"]): icon for icon in manifest["icons"]}
    assert set(icons) == {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")}
    for (sizes, _purpose), icon in icons.items():
        assert icon["type"] == "image/png"
        path = Path(static_file(icon["src"]))
        with Image.open(path) as image:
            assert f"{image.width}x{image.height}" == sizes and image.format == "PNG"


def test_the_committed_icons_are_what_the_script_draws():
    # tools/make_icons.py draws them; the PNGs in the repository must not drift from it.
    for name, drawn in {
        "icon-192.png": draw_icon(192),
        "icon-512.png": draw_icon(512),
        "maskable-512.png": draw_icon(512, maskable=True),
        "badge-96.png": draw_icon(96, badge=True),
    }.items():
        with Image.open(ICONS / name) as committed:
            assert committed.convert("RGBA").tobytes() == drawn.tobytes(), name


def test_the_maskable_icon_is_full_bleed_and_keeps_its_letters_in_the_safe_zone():
    with Image.open(ICONS / "maskable-512.png") as image:
        pixels = image.convert("RGBA")
        assert pixels.getpixel((0, 0)) == pixels.getpixel((511, 511)) == (11, 79, 156, 255)
        white = [
            (x, y)
            for x in range(0, 512, 4)
            for y in range(0, 512, 4)
            if cast(tuple[int, ...], pixels.getpixel((x, y)))[0] > 200
        ]
    assert white
    # The safe zone: a circle of radius 40 % (204.8 px) around the centre.
    assert max(((x - 256) ** 2 + (y - 256) ** 2) ** 0.5 for x, y in white) < 204.8


def service_worker(client: Client) -> tuple[dict, str]:  # type: ignore[type-arg]
    response = client.get("/sw.js")
    assert response.status_code == 200
    body = response.content.decode()
    first, _, rest = body.partition("\n")
    match = re.fullmatch(r"self\.B12_SW = (.*);", first)
    assert match, first
    return json.loads(match[1]), rest


def test_the_service_worker_is_served_from_the_root_uncached_as_javascript(client):  # type: ignore[no-untyped-def]
    response = client.get("/sw.js")

    assert response.status_code == 200
    assert response["Content-Type"].split(";")[0] == "application/javascript"
    assert response["Cache-Control"] == "no-cache"
    assert "Service-Worker-Allowed" not in response  # its own path gives it the scope "/"
    assert client.head("/sw.js").status_code == 200
    assert client.post("/sw.js").status_code == 405


def test_the_service_worker_keeps_only_the_static_shell_and_the_offline_page(client):  # type: ignore[no-untyped-def]
    config, source = service_worker(client)

    assert config["offline"] == "/offline/"
    assert config["shell"], "an empty shell would make the offline page unreachable"
    for url in config["shell"]:
        if url == "/offline/":
            assert client.get(url).status_code == 200
        else:
            assert Path(static_file(url)).is_file(), url
    assert "/static/web/site.css" in config["shell"]
    assert {"/static/web/app.js", "/static/web/push.js"} <= set(config["shell"])
    # Nothing else is ever put in a cache: one cache.addAll of the shell, no cache.put.
    assert source.count("addAll(") == 1 and ".put(" not in source
    assert re.search(r"cache-?name|caches\.open\(CONFIG\.cache\)", source)


def test_the_cache_name_changes_when_the_shell_changes(client, monkeypatch):  # type: ignore[no-untyped-def]
    from tracker.web import pwa

    before, _ = service_worker(client)
    pwa._shell_version.cache_clear()
    monkeypatch.setattr(pwa, "SHELL_FILES", (*pwa.SHELL_FILES[:-1],))
    after, _ = service_worker(client)
    pwa._shell_version.cache_clear()

    assert before["cache"].startswith("b12-shell-") and after["cache"].startswith("b12-shell-")
    assert before["cache"] != after["cache"]


def test_the_service_worker_shows_pushes_with_the_payloads_texts_and_opens_this_site_only(
    client,
):  # type: ignore[no-untyped-def]
    config, source = service_worker(client)

    # Without a readable payload it falls back to the discreet texts, never to health words.
    assert config["texts"] == {
        "title": "Time for your reminder",
        "body": "Open B12 Tracker to see it.",
    }
    assert 'addEventListener("push"' in source and "showNotification(" in source
    assert 'addEventListener("notificationclick"' in source and "openWindow(" in source
    assert "url.origin === self.location.origin" in source  # same-origin check on the URL
    assert config["icon"] == "/static/web/icons/icon-192.png"


def test_the_offline_page_is_the_same_for_everyone(client):  # type: ignore[no-untyped-def]
    person = make_user(email="offline.person@example.org")
    create_reminder(user=person, now=person.date_joined, kind="diary", times=["08:00"])
    anonymous = client.get("/offline/")
    signed_in = Client()
    signed_in.force_login(person)
    theirs = signed_in.get("/offline/")

    assert anonymous.status_code == theirs.status_code == 200
    assert anonymous.content == theirs.content
    text = theirs.content.decode()
    assert "You are offline" in text
    assert "csrfmiddlewaretoken" not in text and person.email not in text
    assert "<form" not in text


def test_every_page_loads_app_js_and_reminders_loads_push_js_from_files(client):  # type: ignore[no-untyped-def]
    person = make_user()
    signed_in = Client()
    signed_in.force_login(person)
    pages = {
        "/accounts/login/": client.get("/accounts/login/").content.decode(),
        "/reminders/": signed_in.get("/reminders/").content.decode(),
        "/reminders/new/?kind=supplement": signed_in.get(
            "/reminders/new/?kind=supplement"
        ).content.decode(),
        "/inbox/": signed_in.get("/inbox/").content.decode(),
    }

    for path, text in pages.items():
        assert '<script src="/static/web/app.js" defer></script>' in text, path
        # The Content-Security-Policy allows no inline script and no style attribute.
        assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", text) == [], path
        assert " style=" not in text and "<style" not in text, path
    assert '<script src="/static/web/push.js" defer></script>' in pages["/reminders/"]
    assert "push.js" not in pages["/inbox/"]


def test_the_static_scripts_register_the_worker_at_the_root_and_subscribe_visibly():
    app_source = Path(static_file("/static/web/app.js")).read_text()
    push_source = Path(static_file("/static/web/push.js")).read_text()

    assert 'register("/sw.js", { scope: "/" })' in app_source
    assert "userVisibleOnly: true" in push_source
    assert "/vapid-public-key/" in push_source and '"X-CSRFToken"' in push_source
