from typing import cast

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from tracker.domain.disclaimer import DISCLAIMER
from tracker.models import User
from tracker.services.accounts import update_profile


@login_required
@require_http_methods(["GET", "POST"])
def disclaimer_page(request: HttpRequest) -> HttpResponse:
    """The first-use gate on the web: read the disclaimer and accept it once before logging
    (the same service and flag as PATCH me/ with disclaimer_accepted)."""
    profile = cast(User, request.user).profile
    next_url = request.POST.get("next") or request.GET.get("next") or "/learn/"
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = "/learn/"
    if request.method == "POST":
        update_profile(profile=profile, changes={}, disclaimer_accepted=True, now=timezone.now())
        return redirect(next_url)
    return render(
        request,
        "disclaimer.html",
        {"disclaimer": DISCLAIMER, "accepted_at": profile.disclaimer_accepted_at, "next": next_url},
    )
