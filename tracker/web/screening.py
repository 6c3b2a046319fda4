from typing import cast

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from tracker.domain.disclaimer import DISCLAIMER
from tracker.models import User
from tracker.queries.screening import screening_for


@require_safe
@login_required
def screening_page(request: HttpRequest) -> HttpResponse:
    result = screening_for(cast(User, request.user), now=timezone.now())
    return render(request, "screening.html", {"result": result, "disclaimer": DISCLAIMER})
