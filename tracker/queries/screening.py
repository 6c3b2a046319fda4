from datetime import datetime, timedelta
from typing import Any

from tracker.domain.ages import age_in_years
from tracker.domain.screening import Screening, screen
from tracker.models import SymptomEntry

# Symptoms within this many days count as "recent" for screening.
SCREENING_SYMPTOM_DAYS = 90


def recent_symptoms(user: Any, *, now: datetime) -> set[str]:
    return set(
        SymptomEntry.objects.for_user(user)
        .alive()
        .filter(recorded_at__gte=now - timedelta(days=SCREENING_SYMPTOM_DAYS), severity__gt=0)
        .values_list("symptom", flat=True)
    )


def screening_for(user: Any, *, now: datetime) -> Screening:
    """The person's recorded risk factors and recent symptoms against the testing rule; the
    API and the web page show the same result."""
    profile = user.profile
    return screen(
        risk_factors=profile.risk_factors,
        diet_type=profile.diet_type,
        age_years=age_in_years(profile.birth_date, profile.today(now)),
        symptoms=recent_symptoms(user, now=now),
    )
