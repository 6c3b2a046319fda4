from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tracker.domain.disclaimer import DISCLAIMER


def home(request: HttpRequest) -> HttpResponse:
    """What B12 Tracker is, the disclaimer, and the way in (or, signed in, on to the dashboard)."""
    return render(request, "home.html", {"disclaimer": DISCLAIMER})
