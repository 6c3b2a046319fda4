from typing import cast

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from tracker.domain.ages import age_in_years
from tracker.domain.disclaimer import DISCLAIMER
from tracker.domain.screening import screen
from tracker.models import User
from tracker.queries.screening import recent_symptoms


@login_required
def screening_page(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    profile = user.profile
    result = screen(
        risk_factors=profile.risk_factors,
        diet_type=profile.diet_type,
        age_years=age_in_years(profile.birth_date, profile.today(timezone.now())),
        symptoms=recent_symptoms(user, now=timezone.now()),
    )
    return render(request, "screening.html", {"result": result, "disclaimer": DISCLAIMER})
