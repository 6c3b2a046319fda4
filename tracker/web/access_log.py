"""The "Who looked at your data" page: the reads of your health data by caregivers, staff and
exports (the same rows as the API's care/access-log/), newest first, in your time zone."""

from typing import Any, cast

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from tracker.models import AccessChannel, AccessLog, User

PAGE_SIZE = 50

# Plain words for where a read happened (the model's labels are for staff).
CHANNEL_WORDS: dict[str, Any] = {
    AccessChannel.CAREGIVER_ADMIN: _("A caregiver, on the caregiver website"),
    AccessChannel.API: _("A caregiver, in the app"),
    AccessChannel.STAFF_ADMIN: _("B12 Tracker support staff"),
    AccessChannel.EXPORT: _("A data export"),
}


@never_cache  # who reads your health data is private too: no shared or browser cache keeps it
@login_required
@require_safe  # a page to read: any other method is a 405
def access_log_page(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    rows = AccessLog.objects.filter(patient=user).order_by("-at", "-id")  # (patient, -at) index
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    entries = [
        {
            "at": row.at,
            "actor": row.actor_label,
            "what": row.what,
            "channel": CHANNEL_WORDS.get(row.channel, row.channel),
        }
        for row in page.object_list
    ]
    context = {
        "page": page,
        "entries": entries,
        "tz_name": user.profile.effective_timezone,
    }
    return render(request, "care/access_log.html", context)
