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
``take_quota``; see their docstrings. The web's unauthenticated POSTs (sign-up, sign-in,
password reset) count against the API's per-address throttles of the same scope with
``address_limited``. Either way the refusal is one 429 (``too_many_requests``).
"""

import math
from collections.abc import Callable
from functools import wraps
from types import SimpleNamespace
from typing import Any, cast

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from rest_framework.throttling import ScopedRateThrottle, UserRateThrottle

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


def take_attempt(*, request: HttpRequest, scope: str) -> float | None:
    """Count one attempt against the API's ``ScopedRateThrottle`` of ``scope`` (the same rate
    from REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] and the same cache key: the client's address
    by the TRUSTED_PROXY_COUNT rule, or the signed-in person): None when allowed, else the
    seconds to wait."""
    throttle = ScopedRateThrottle()
    # DRF's throttle reads only request.META and request.user, which a Django request has too.
    if throttle.allow_request(cast(Any, request), cast(Any, SimpleNamespace(throttle_scope=scope))):
        return None
    return throttle.wait() or 1.0


def too_many_requests(
    request: HttpRequest, wait_seconds: float, *, per_address: bool = False
) -> HttpResponse:
    """429 with Retry-After: a page for the web (templates/400.html), DRF's JSON shape under
    /api/. ``per_address`` for the unauthenticated throttles, which count a connection's
    attempts rather than what a person saved."""
    seconds = max(1, math.ceil(wait_seconds))
    minutes = max(1, math.ceil(seconds / 60))  # "try again in 0 minutes" helps no one
    if per_address:
        message = ngettext(
            "There were too many attempts from your connection. Please try again in "
            "%(minutes)d minute.",
            "There were too many attempts from your connection. Please try again in "
            "%(minutes)d minutes.",
            minutes,
        )
    else:
        message = ngettext(
            "You have saved or sent a lot in a short time. Please try again in %(minutes)d minute.",
            "You have saved or sent a lot in a short time. Please try again in %(minutes)d "
            "minutes.",
            minutes,
        )
    return error_response(
        request,
        429,
        message % {"minutes": minutes},
        title=_("Please wait a little"),
        headers={"Retry-After": str(seconds)},
    )


def _posts_limited(
    take: Callable[[HttpRequest], float | None], *, per_address: bool
) -> Callable[[View], View]:
    def decorate(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method == "POST":
                wait = take(request)
                if wait is not None:
                    return too_many_requests(request, wait, per_address=per_address)
            return view(request, *args, **kwargs)

        return wrapped

    return decorate


def quota_limited(scope: str) -> Callable[[View], View]:
    """Count every POST of a web page that creates (or sends) against the person's quota::

        @person_page(writes=True)
        @quota_limited("create")
        def log_food_page(request): ...

    Put it inside the sign-in decorator (below it), so only signed-in POSTs reach it. A page
    whose POST does several things counts only the creating branch with ``take_quota``."""

    def take(request: HttpRequest) -> float | None:
        if not request.user.is_authenticated:
            return None
        return take_quota(request=request, scope=scope)

    return _posts_limited(take, per_address=False)


def address_limited(scope: str) -> Callable[[View], View]:
    """Count every POST of an unauthenticated web page (sign-up, sign-in, password reset)
    against the API's throttle of ``scope`` (``take_attempt``), so web and API together get
    one allowance. Reading the page is not an attempt."""
    return _posts_limited(
        lambda request: take_attempt(request=request, scope=scope), per_address=True
    )
