"""The dashboard page: the same dashboard and trends reads as the API, with the shared charts."""

from datetime import timedelta
from typing import cast

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from tracker import charts
from tracker.domain.absorption import ESTIMATE_NOTE, ESTIMATE_SOURCES
from tracker.domain.disclaimer import DISCLAIMER
from tracker.domain.safety import MESSAGES, RULE_LABELS
from tracker.models import User
from tracker.queries.dashboard import dashboard_for
from tracker.queries.trends import trends_for

# The charts' periods a person can pick; the first is the default.
CHART_PERIODS = (30, 7)


@never_cache  # health data: no shared or browser cache keeps it
@login_required
@require_safe  # a page to read: any other method is a 405
def dashboard_page(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    dashboard = dashboard_for(user, now=timezone.now())
    days = chart_days(request.GET.get("days"))
    month = trends_for(
        user,
        first=dashboard.today - timedelta(days=days - 1),
        last=dashboard.today,
        bucket="day",
        today=dashboard.today,
    )
    context = {
        "dashboard": dashboard,
        "alerts": [
            (RULE_LABELS.get(alert.rule, alert.rule), MESSAGES[alert.level])
            for alert in dashboard.alerts
        ],
        "month": month,
        "chart_days": days,
        "chart_periods": CHART_PERIODS,
        # The chart module writes the SVG itself (matplotlib, no user text in it but symptom
        # and test labels from our own vocabularies).
        "intake_chart": mark_safe(charts.intake_chart(trends=month)),  # noqa: S308
        "adherence_chart": mark_safe(charts.adherence_chart(trends=month)),  # noqa: S308
        "estimate_note": ESTIMATE_NOTE,
        "estimate_sources": ESTIMATE_SOURCES,
        "disclaimer": DISCLAIMER,
    }
    return render(request, "web/dashboard.html", context)


def chart_days(raw: str | None) -> int:
    """The chart period asked for, or the default for anything else (a bookmark with an odd
    value still opens the page)."""
    try:
        days = int(raw or "")
    except ValueError:
        return CHART_PERIODS[0]
    return days if days in CHART_PERIODS else CHART_PERIODS[0]
