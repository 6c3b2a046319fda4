from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from tracker.domain.disclaimer import DISCLAIMER


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """What B12 Tracker is, the disclaimer, and the way in (or, signed in, on to the dashboard)."""
    return render(request, "home.html", {"disclaimer": DISCLAIMER})
