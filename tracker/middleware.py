"""Request-wide protections, in the order settings.MIDDLEWARE runs them:

- ``RequestLogMiddleware`` (first): a request id for every line logged while handling the
  request, and one line per request with method, path (never the query string: the caregiver
  invitation's token travels in one; a token in the path is written as ``<token>``), route
  pattern, status and duration.
- ``RequestSizeLimitMiddleware``: refuses a body larger than the limit (413) by its declared
  ``Content-Length``, before anything reads it, and a body without a declared length (411).
  Under WSGI nothing reads past ``Content-Length`` (Django's LimitedStream), so the declared
  length is the size that would be read. Django's ASGI handler reads the whole body before any
  middleware runs: an ASGI deployment must limit bodies in its server. The number of form fields
  is Django's ``DATA_UPLOAD_MAX_NUMBER_FIELDS`` (a 400).
- ``SecurityHeadersMiddleware``: the Content-Security-Policy and Permissions-Policy on every
  response, and ``Cache-Control: private, no-store`` on every response to a request that carries
  an identity (health data must stay out of browser and proxy caches). Django's
  SecurityMiddleware does HSTS, nosniff, Referrer-Policy and Cross-Origin-Opener-Policy.
"""

import base64
import hashlib
import logging
import re
import time
import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.signals import request_finished
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject, empty
from django.utils.translation import gettext as _

from tracker.errors import error_response, is_api
from tracker.logging import current_request, safe_path

logger = logging.getLogger("tracker.request")

GetResponse = Callable[[HttpRequest], HttpResponse]
View = Callable[..., HttpResponse]

# A request id from our own proxy is kept (it ties our lines to the proxy's); anything else,
# or any id from a client reaching us directly, is replaced by a fresh one.
_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")


class RequestLogMiddleware:
    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        trusted = settings.TRUSTED_PROXY_COUNT > 0 and _REQUEST_ID.fullmatch(incoming)
        request_id = incoming if trusted else uuid.uuid4().hex
        path = safe_path(request.path_info)
        context = {
            "request_id": request_id,
            "method": request.method or "",
            "path": path,
            "raw_path": request.path,
        }
        # Cleared when the response is closed (request_finished), not on the way out of here:
        # Django logs a 4xx/5xx (django.request) after the middleware has returned.
        current_request.set(context)
        started = time.perf_counter()
        response = self.get_response(request)
        duration_ms = round((time.perf_counter() - started) * 1000, 1)
        match = getattr(request, "resolver_match", None)
        logger.info(
            "%s %s %s %sms",
            request.method,
            path,
            response.status_code,
            duration_ms,
            extra={
                "route": match.route if match else "",
                "status": response.status_code,
                "duration_ms": duration_ms,
            },
        )
        response.headers.setdefault("X-Request-ID", request_id)
        return response


@receiver(request_finished, dispatch_uid="tracker.middleware.forget_request")
def forget_request(**kwargs: object) -> None:
    current_request.set(None)


class RequestSizeLimitMiddleware:
    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = settings.API_MAX_BODY_BYTES if is_api(request) else settings.MAX_REQUEST_BODY_BYTES
        declared = request.META.get("CONTENT_LENGTH") or ""
        if not declared:
            if "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower():
                # Django would read such a body as empty; say so instead of ignoring it.
                return error_response(
                    request, 411, _("Send the request with a Content-Length header.")
                )
            return self.get_response(request)
        try:
            length = int(declared)
        except ValueError:
            return error_response(request, 400, _("The Content-Length header is not a number."))
        if length > limit:
            return error_response(
                request,
                413,
                _("The request is too large: at most %(kib)s KiB may be sent at once.")
                % {"kib": limit // 1024},
            )
        return self.get_response(request)


# --- security headers ---

CONTENT_SECURITY_POLICY: dict[str, list[str]] = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    # data: for the small images Swagger UI and the admin draw from CSS.
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
    # The service worker for Web Push and the web app manifest come from this site.
    "worker-src": ["'self'"],
    "manifest-src": ["'self'"],
}

# Routes whose page comes from a library template with inline <script>/<style> elements:
# those elements, exactly as rendered, are allowed by their hashes on that response only
# (drf-spectacular's Swagger UI puts its start-up script and the CSRF token inline).
INLINE_HASHED_ROUTES = frozenset({"api-docs"})

# Pages that still style inline, and what each waits for. Styles only: scripts stay 'self'
# everywhere. matplotlib's SVG (tracker/charts.py) has a <style> element and a style attribute
# on every shape; blocked, the charts lose their lines and colours. Remove an entry when its
# page no longer needs it (tests/test_security_headers.py lists the violations per page).
INLINE_STYLE_ROUTES = {
    "dashboard": "the SVG charts of tracker/charts.py",
    "care": "the <style> element of templates/care/index.html",
    "care-accept": "a style attribute in templates/care/accept.html",
    "care-revoke": "a style attribute in templates/care/revoke.html",
}
INLINE_STYLE_NAMESPACES = {
    "care_admin": "templates/care_admin/base.html's <style> element; the summary's SVG charts",
}

PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
)

_INLINE_ELEMENT = re.compile(rb"<(script|style)\b([^>]*)>(.*?)</\1\s*>", re.IGNORECASE | re.DOTALL)
_SRC_ATTRIBUTE = re.compile(rb"\bsrc\s*=", re.IGNORECASE)


def inline_hashes(content: bytes) -> dict[str, list[str]]:
    """CSP hash sources of the inline scripts and styles in an HTML document."""
    found: dict[str, list[str]] = {"script-src": [], "style-src": []}
    for match in _INLINE_ELEMENT.finditer(content):
        tag, attributes, body = match.group(1).lower(), match.group(2), match.group(3)
        if tag == b"script" and _SRC_ATTRIBUTE.search(attributes):
            continue
        digest = base64.b64encode(hashlib.sha256(body).digest()).decode()
        found[f"{tag.decode()}-src"].append(f"'sha256-{digest}'")
    return found


def content_security_policy(extra: dict[str, list[str]] | None = None) -> str:
    directives = {name: list(sources) for name, sources in CONTENT_SECURITY_POLICY.items()}
    for name, sources in (extra or {}).items():
        directives.setdefault(name, []).extend(sources)
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in directives.items())


# Built once: every response but the hashed routes' carries one of these two.
STRICT_POLICY = content_security_policy()
INLINE_STYLES_POLICY = content_security_policy({"style-src": ["'unsafe-inline'"]})


def allow_inline_styles(view: View) -> View:
    """For a page that must carry inline styles (server-drawn SVG charts, until they are drawn
    with presentation attributes): its responses allow style-src 'unsafe-inline'. Scripts
    stay 'self'."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        response.csp_inline_styles = True  # type: ignore[attr-defined]
        return response

    return wrapped


def carries_identity(request: HttpRequest) -> bool:
    """Whether the response may hold someone's data: the request sent credentials (a bearer
    token or a session cookie) or was authenticated. Answers without a database query."""
    if "HTTP_AUTHORIZATION" in request.META or settings.SESSION_COOKIE_NAME in request.COOKIES:
        return True
    user = request.__dict__.get("user")
    if user is None:
        return False
    if isinstance(user, SimpleLazyObject) and user._wrapped is empty:  # type: ignore[attr-defined]
        return False  # nothing asked who it is: the session was not read
    return bool(user.is_authenticated)


class SecurityHeadersMiddleware:
    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "Content-Security-Policy" not in response.headers:
            response.headers["Content-Security-Policy"] = self._policy(request, response)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if "Cache-Control" not in response.headers and carries_identity(request):
            response.headers["Cache-Control"] = "private, no-store"
        return response

    @staticmethod
    def _policy(request: HttpRequest, response: HttpResponse) -> str:
        match = getattr(request, "resolver_match", None)
        listed = (
            match is not None
            and not is_api(request)  # the API has a route named "dashboard" too
            and (
                match.url_name in INLINE_STYLE_ROUTES or match.namespace in INLINE_STYLE_NAMESPACES
            )
        )
        if listed or getattr(response, "csp_inline_styles", False):
            return INLINE_STYLES_POLICY
        if match is None or match.url_name not in INLINE_HASHED_ROUTES:
            return STRICT_POLICY
        if response.streaming or "html" not in response.get("Content-Type", ""):
            return STRICT_POLICY
        return content_security_policy(inline_hashes(response.content))
