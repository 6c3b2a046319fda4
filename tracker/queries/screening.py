from datetime import datetime, timedelta
from typing import Any

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
