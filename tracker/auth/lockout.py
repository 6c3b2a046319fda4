"""django-axes hooks: one username for both login forms, and JSON lockouts for API clients."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from tracker.models.accounts import normalize_email_address


def username_from_credentials(request: HttpRequest | None, credentials: dict | None) -> str | None:
    # The token endpoint authenticates with email=…, the admin login form with username=…:
    # both must count against the same person, whatever case they typed.
    credentials = credentials or {}
    raw = credentials.get("email") or credentials.get("username")
    if raw is None and request is not None and request.method == "POST":
        raw = request.POST.get("username") or request.POST.get("email")
    return normalize_email_address(str(raw)) if raw else None


def cooloff_seconds() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds())


def lockout_payload() -> dict[str, Any]:
    minutes = cooloff_seconds() // 60
    return {
        "detail": _(
            "Too many failed sign-in attempts. Try again in %(minutes)d minutes, or reset "
            "your password."
        )
        % {"minutes": minutes},
        "code": "locked_out",
    }


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    status = getattr(settings, "AXES_HTTP_RESPONSE_CODE", 429)
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse(lockout_payload(), status=status)
    else:
        html = render_to_string("lockout.html", {"minutes": cooloff_seconds() // 60}, request)
        response = HttpResponse(html, status=status)
    response["Retry-After"] = str(cooloff_seconds())
    return response
