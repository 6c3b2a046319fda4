"""Which articles to suggest to a person: chosen from their profile and recent diary."""

from datetime import timedelta
from typing import Any

from django.db.models import Exists
from django.utils import timezone

from tracker.domain.ages import age_in_years
from tracker.domain.risk_factors import GUT_ABSORPTION, OLDER_AGE_FROM, RISK_MEDICINES
from tracker.domain.safety import NERVE_SYMPTOMS
from tracker.models import Article, InjectionPlan, LabResult, SymptomEntry, User
from tracker.models.accounts import Profile

RECENT_DAYS = 30


def audiences_for(user: Any) -> set[str]:
    """The audience tags that describe this person (see tracker.services.content.AUDIENCES)."""
    profile: Profile = user.profile
    audiences = set()
    if profile.diet_type in {"vegan", "vegetarian"}:
        audiences.add("vegan")
    age = age_in_years(profile.birth_date, profile.today(timezone.now()))
    if age is not None and age >= OLDER_AGE_FROM:
        audiences.add("older_adult")
    factors = set(profile.risk_factors)
    if factors & RISK_MEDICINES:
        audiences.add("risk_medicines")
    if factors & GUT_ABSORPTION:
        audiences.add("absorption")
    # Every fact from the records in one round trip (the dashboard reads this on every view).
    recent = (
        SymptomEntry.objects.for_user(user)
        .alive()
        .filter(recorded_at__gte=timezone.now() - timedelta(days=RECENT_DAYS), severity__gt=0)
    )
    checks = {
        "injections": InjectionPlan.objects.for_user(user).alive(),
        "labs": LabResult.objects.for_user(user).alive(),
        "nerve_symptoms": recent.filter(symptom__in=NERVE_SYMPTOMS),
        "back_pain": recent.filter(symptom="back_pain"),
    }
    found = User.objects.filter(pk=user.pk).values_list(*(Exists(rows) for rows in checks.values()))
    audiences.update(audience for audience, yes in zip(checks, found.get(), strict=True) if yes)
    return audiences


def suggested_articles(user: Any, limit: int = 3) -> list[tuple[Article, list[str]]]:
    """The published articles that match most of the person's audiences, with the matches
    (the reason each is suggested). General articles fill up when nothing specific matches."""
    audiences = audiences_for(user)
    scored = []
    fields = ("slug", "title", "summary", "audiences", "tags", "reviewed_at")
    for article in Article.objects.filter(published=True).only(*fields):
        matches = sorted(audiences & set(article.audiences))
        general = "everyone" in article.audiences
        if matches or general:
            scored.append((-len(matches), not general, article.title, article, matches))
    scored.sort(key=lambda item: item[:3])
    return [(article, matches) for *_, article, matches in scored[:limit]]
