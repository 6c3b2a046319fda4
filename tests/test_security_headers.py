"""Security headers: the Content-Security-Policy (and which pages still need a relaxation),
Permissions-Policy, nosniff, Referrer-Policy, Cross-Origin-Opener-Policy, HSTS and the cookie
flags in production, and ``Cache-Control: private, no-store`` on every response for a signed-in
person. The policy is checked in a real browser too: no violation on any page."""

import base64
import hashlib
import json
import os
import re
import subprocess
import sys
from typing import Any

import pytest
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.utils import timezone

from tests.browser import BROWSER_TEST, CHROMIUM, FLAGS, SCREENSHOTS
from tests.factories import make_user
from tests.history import add_history
from tracker.middleware import (
    INLINE_STYLE_NAMESPACES,
    INLINE_STYLE_ROUTES,
    PERMISSIONS_POLICY,
    SecurityHeadersMiddleware,
    allow_inline_styles,
    content_security_policy,
    inline_hashes,
)
from tracker.models import CareLink
from tracker.services.content import load_articles

STRICT = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'; worker-src 'self'; manifest-src 'self'"
)


def _directives(header: str) -> dict[str, list[str]]:
    return {part.split()[0]: part.split()[1:] for part in header.split("; ") if part.strip()}


# --- everywhere ---


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/learn/", "/accounts/login/", "/api/v1/meta/", "/nope/"])
def test_every_response_carries_the_strict_policy_and_the_other_headers(client, path):
    response = client.get(path)

    assert response["Content-Security-Policy"] == STRICT
    assert response["Permissions-Policy"] == PERMISSIONS_POLICY
    assert "camera=()" in PERMISSIONS_POLICY and "geolocation=()" in PERMISSIONS_POLICY
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert len(response["X-Request-ID"]) == 32


@pytest.mark.django_db
def test_the_invitation_page_keeps_its_own_no_referrer(client):
    response = client.get("/care/accept/", {"token": "abc"})
    assert response["Referrer-Policy"] == "no-referrer"


def test_a_policy_a_view_sets_itself_is_kept():
    def view(request: HttpRequest) -> HttpResponse:
        response = HttpResponse("x")
        response["Content-Security-Policy"] = "default-src 'none'"
        return response

    response = SecurityHeadersMiddleware(view)(HttpRequest())
    assert response["Content-Security-Policy"] == "default-src 'none'"


# --- the pages that need more than the strict policy ---


@pytest.mark.django_db
def test_swagger_ui_runs_by_the_hashes_of_its_own_inline_elements_only(client):
    response = client.get("/api/docs/")
    html = response.content.decode()
    policy = _directives(response["Content-Security-Policy"])

    scripts = re.findall(r"<script>(.*?)</script>", html, re.DOTALL)
    styles = re.findall(r"<style>(.*?)</style>", html, re.DOTALL)
    assert len(scripts) == 1 and len(styles) == 1

    def source(text: str) -> str:
        return f"'sha256-{base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()}'"

    assert policy["script-src"] == ["'self'", source(scripts[0])]
    assert policy["style-src"] == ["'self'", source(styles[0])]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]
    # The hashes are of this response: the script holds this response's CSRF token.
    again = client.get("/api/docs/")
    assert again["Content-Security-Policy"] != response["Content-Security-Policy"]


def test_inline_hashes_skip_scripts_loaded_from_a_file():
    html = b"<script src='/static/a.js'></script><script>run()</script><STYLE>p{}</STYLE>"
    found = inline_hashes(html)
    digest = base64.b64encode(hashlib.sha256(b"run()").digest()).decode()
    assert found["script-src"] == [f"'sha256-{digest}'"]
    assert len(found["style-src"]) == 1


@pytest.mark.django_db
def test_the_pages_with_inline_styles_relax_styles_only(client, user):
    client.force_login(user)
    for path in ("/dashboard/", "/care/", "/care-admin/login/"):
        policy = _directives(client.get(path)["Content-Security-Policy"])
        assert policy["style-src"] == ["'self'", "'unsafe-inline'"], path
        assert policy["script-src"] == ["'self'"], path
    # The API's route of the same name is not relaxed.
    assert client.get("/api/v1/dashboard/")["Content-Security-Policy"] == STRICT


def test_the_list_of_relaxed_pages_is_short_and_says_why():
    assert set(INLINE_STYLE_ROUTES) == {"dashboard", "care", "care-accept", "care-revoke"}
    assert set(INLINE_STYLE_NAMESPACES) == {"care_admin"}
    assert all(reason for reason in {**INLINE_STYLE_ROUTES, **INLINE_STYLE_NAMESPACES}.values())


def test_a_view_can_ask_for_inline_styles_and_nothing_more():
    @allow_inline_styles
    def chart_page(request: HttpRequest) -> HttpResponse:
        return HttpResponse("<svg style='x'></svg>")

    response = SecurityHeadersMiddleware(chart_page)(HttpRequest())
    assert response["Content-Security-Policy"] == content_security_policy(
        {"style-src": ["'unsafe-inline'"]}
    )
    assert "script-src 'self';" in response["Content-Security-Policy"]


# --- Cache-Control ---


@pytest.mark.django_db
def test_api_responses_for_a_signed_in_person_are_never_stored(auth_client):
    for path in ("/api/v1/me/", "/api/v1/symptom-entries/", "/api/v1/nope/"):
        assert auth_client.get(path)["Cache-Control"] == "private, no-store", path


@pytest.mark.django_db
def test_force_authenticated_api_requests_are_never_stored_either(api_client, user):
    api_client.force_authenticate(user)  # no Authorization header, no cookie
    assert api_client.get("/api/v1/me/")["Cache-Control"] == "private, no-store"


@pytest.mark.django_db
def test_pages_for_a_signed_in_person_are_never_stored(client, user):
    client.force_login(user)
    for path in ("/", "/learn/", "/dashboard/", "/care/"):
        assert "no-store" in client.get(path)["Cache-Control"], path


@pytest.mark.django_db
def test_public_pages_for_someone_not_signed_in_may_be_cached(client):
    for path in ("/", "/learn/", "/api/v1/meta/"):
        assert "no-store" not in client.get(path).get("Cache-Control", ""), path


@pytest.mark.django_db
def test_static_files_keep_their_own_caching(settings, user):
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    client = Client()  # a new handler, with WhiteNoise reading the settings above
    client.force_login(user)

    response = client.get("/static/web/site.css")

    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
    assert "Content-Security-Policy" not in response


# --- production ---

_PRODUCTION_PROBE = """
import json, django
django.setup()
from django.conf import settings
from django.test import Client
client = Client()
secure = client.get("/api/v1/meta/", secure=True, HTTP_HOST="b12.example.org")
plain = client.get("/api/v1/meta/", HTTP_HOST="b12.example.org")
proxied = client.get(
    "/api/v1/meta/", HTTP_HOST="b12.example.org", HTTP_X_FORWARDED_PROTO="https"
)
print(json.dumps({
    "hsts": secure.get("Strict-Transport-Security"),
    "plain": [plain.status_code, plain.get("Location")],
    "proxied": proxied.status_code,
    "cookies": {
        name: getattr(settings, name)
        for name in (
            "SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "SESSION_COOKIE_SAMESITE",
            "CSRF_COOKIE_SECURE", "CSRF_COOKIE_HTTPONLY", "CSRF_COOKIE_SAMESITE",
        )
    },
}))
"""


def test_production_sends_hsts_redirects_to_https_and_secures_the_cookies():
    env = {
        **{k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG", "VAR_DIR"}},
        "DJANGO_ENV": "production",
        "SECRET_KEY": "production-probe-" + "k3Yx9" * 12,
        "ALLOWED_HOSTS": "b12.example.org",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    result = subprocess.run(
        [sys.executable, "-c", _PRODUCTION_PROBE],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])

    # One year, every subdomain; not preloaded unless the operator opts in.
    assert seen["hsts"] == "max-age=31536000; includeSubDomains"
    assert seen["plain"] == [301, "https://b12.example.org/api/v1/meta/"]
    assert seen["proxied"] == 200  # TLS ends at the proxy, which says so
    assert seen["cookies"] == {
        "SESSION_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "CSRF_COOKIE_SECURE": True,
        "CSRF_COOKIE_HTTPONLY": True,
        "CSRF_COOKIE_SAMESITE": "Lax",
    }


# --- in a real browser: no page breaks the policy ---

WATCH = (
    "document.addEventListener('securitypolicyviolation', e => (window.__csp = window.__csp"
    " || []).push(e.effectiveDirective + ' ' + (e.blockedURI || '')))"
)


def _session(user) -> str:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def _browser_test(test):  # type: ignore[no-untyped-def]
    for mark in BROWSER_TEST:
        test = mark(test)
    return test


@_browser_test
@pytest.mark.django_db(transaction=True)
def test_no_page_breaks_the_policy_in_chromium(live_server):  # type: ignore[no-untyped-def]
    from playwright.sync_api import sync_playwright

    load_articles()
    now = timezone.now()
    person = make_user(email="margaret.h@example.org")
    add_history(person, days=40, end=now)  # the charts have lines to draw
    staff = make_user(email="staff@example.org", is_staff=True)
    staff.is_superuser = True
    staff.save()
    carer = make_user(email="daughter@example.org")
    CareLink.objects.create(
        patient=person,
        caregiver=carer,
        status="active",
        permissions=["view_summary"],
        accepted_at=now,
    )
    pages = {
        None: [
            "/",
            "/learn/",
            "/accounts/login/",
            "/accounts/signup/",
            "/admin/login/",
            "/care-admin/login/",
            "/api/docs/",
            "/care/accept/?token=not-a-token",
            "/no-such-page/",
        ],
        person: ["/dashboard/", "/care/", "/care/access-log/", "/screening/", "/disclaimer/"],
        staff: [
            "/admin/",
            "/admin/tracker/user/",
            f"/admin/tracker/user/{person.pk}/change/",
            "/admin/tracker/user/add/",
            "/admin/tracker/article/add/",
            "/admin/tracker/symptomentry/",
        ],
        carer: [
            "/care-admin/",
            "/care-admin/tracker/user/",
            f"/care-admin/tracker/user/{person.pk}/change/",
        ],
    }
    sessions = {who: _session(who) for who in pages if who is not None}
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    violations: dict[str, list[str]] = {}
    rendered: dict[str, Any] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            for who, paths in pages.items():
                context = browser.new_context(viewport={"width": 1280, "height": 900})
                if who is not None:
                    context.add_cookies(
                        [
                            {
                                "name": settings.SESSION_COOKIE_NAME,
                                "value": sessions[who],
                                "url": live_server.url,
                            }
                        ]
                    )
                context.add_init_script(WATCH)
                page = context.new_page()
                for path in paths:
                    page.goto(f"{live_server.url}{path}")
                    page.wait_for_load_state("networkidle")
                    violations[path] = page.evaluate("window.__csp || []")
                    if path == "/api/docs/":
                        page.wait_for_selector(".opblock", timeout=15_000)
                        rendered["operations"] = page.locator(".opblock").count()
                        page.screenshot(path=str(SCREENSHOTS / "csp-api-docs.png"))
                    if path == "/dashboard/":
                        # A drawn line keeps its colour: matplotlib's style attributes apply.
                        rendered["chart_stroke"] = page.evaluate(
                            "getComputedStyle(document.querySelector("
                            "'figure.chart svg g[id^=line2d] path')).stroke"
                        )
                        page.screenshot(path=str(SCREENSHOTS / "csp-dashboard.png"), full_page=True)
                    if path == "/admin/tracker/user/add/":
                        page.screenshot(path=str(SCREENSHOTS / "csp-admin-add-user.png"))
                context.close()

            # The watcher works and the policy is enforced: an injected handler does not run.
            probe = browser.new_context().new_page()
            probe.add_init_script(WATCH)
            probe.goto(f"{live_server.url}/learn/")
            probe.evaluate(
                "document.body.insertAdjacentHTML('beforeend',"
                ' \'<img src="/static/none.png" onerror="window.__ran = true">\')'
            )
            probe.wait_for_timeout(500)
            rendered["injected_ran"] = probe.evaluate("window.__ran === true")
            rendered["injected_reported"] = probe.evaluate("window.__csp || []")
        finally:
            browser.close()

    assert {path: found for path, found in violations.items() if found} == {}
    assert len(violations) == sum(len(paths) for paths in pages.values())
    assert rendered["operations"] > 20
    assert rendered["chart_stroke"] not in ("", "none")
    assert rendered["injected_ran"] is False
    assert rendered["injected_reported"] == ["script-src-attr inline"]
