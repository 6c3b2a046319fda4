"""Per-person quotas (OWASP API4: unrestricted resource consumption), for the API and the web
pages alike.

- ``create``: records, reminders, devices, custom foods, accepting an invitation — every POST
  that stores something for the person (settings ``THROTTLE_CREATE``).
- ``invitation``: caregiver invitations, each of which makes the server send an email to an
  address the person typed (``THROTTLE_INVITATION``). Reminder sends are bounded elsewhere,
  by ``NOTIFICATION_DAILY_CAP``.
- ``download``: the export and the PDF report, which read everything and draw charts
  (``THROTTLE_DOWNLOAD``).

Counted per user id in Django's default cache: one count across every web and worker process
when ``CACHE_URL`` points at Redis. Over the quota the answer is 429 with ``Retry-After``.
DRF's counter is a read-then-write of a list in the cache, so requests racing each other can
each slip one past the limit: a quota, not an exact meter.

The web pages count against the same quotas (the same cache keys) with ``quota_limited`` or
``take_quota``; see their docstrings.
"""

import math
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from rest_framework.throttling import UserRateThrottle

from tracker.errors import error_response

View = Callable[..., HttpResponse]


class QuotaThrottle(UserRateThrottle):
    """A per-user quota on the requests that ``counts`` picks (POST by default). Anonymous
    requests are not counted here: every view with a quota requires a signed-in person, and the
    unauthenticated routes have their own per-address throttles."""

    counted_methods = frozenset({"POST"})

    def counts(self, request: Any, view: Any) -> bool:
        return request.method in self.counted_methods and request.user.is_authenticated

    def allow_request(self, request: Any, view: Any) -> bool:
        if not self.counts(request, view):
            return True
        return super().allow_request(request, view)


class CreateQuotaThrottle(QuotaThrottle):
    """POSTs that create: a viewset's ``create`` action, or a plain view's POST. Other POST
    actions (snooze, revoke, act) change what exists and are not counted."""

    scope = "create"

    def counts(self, request: Any, view: Any) -> bool:
        action = getattr(view, "action", None)
        return super().counts(request, view) and action in (None, "create")


class InvitationQuotaThrottle(QuotaThrottle):
    scope = "invitation"


class DownloadQuotaThrottle(QuotaThrottle):
    scope = "download"
    counted_methods = frozenset({"GET"})


QUOTAS: dict[str, type[QuotaThrottle]] = {
    "create": CreateQuotaThrottle,
    "invitation": InvitationQuotaThrottle,
    "download": DownloadQuotaThrottle,
}


def take_quota(*, request: HttpRequest, scope: str) -> float | None:
    """Count one use of ``scope`` for the signed-in person of a web request: None when it is
    allowed, else the seconds to wait. The same count as the API's (one person, one quota)."""
    throttle = QUOTAS[scope]()
    # The base class's check: the caller has decided this request counts.
    if super(QuotaThrottle, throttle).allow_request(request, None):  # type: ignore[arg-type]
        return None
    return throttle.wait() or 1.0


def quota_exceeded(request: HttpRequest, wait_seconds: float) -> HttpResponse:
    """429 with Retry-After: a page for the web, DRF's JSON shape under /api/."""
    seconds = max(1, math.ceil(wait_seconds))
    minutes = max(1, math.ceil(seconds / 60))
    message = ngettext(
        "You have saved or sent a lot in a short time. Please try again in %(minutes)d minute.",
        "You have saved or sent a lot in a short time. Please try again in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}
    return error_response(
        request,
        429,
        message,
        title=_("Please wait a little"),
        headers={"Retry-After": str(seconds)},
    )


def quota_limited(scope: str) -> Callable[[View], View]:
    """Count every POST of a web page that creates (or sends) against the person's quota::

        @person_page(writes=True)
        @quota_limited("create")
        def log_food_page(request): ...

    Put it inside the sign-in decorator (below it), so only signed-in POSTs reach it. A page
    whose POST does several things counts only the creating branch with ``take_quota``."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method == "POST" and request.user.is_authenticated:
                wait = take_quota(request=request, scope=scope)
                if wait is not None:
                    return quota_exceeded(request, wait)
            return view(request, *args, **kwargs)

        return wrapped

    return decorate
