"""The clinician report: a person's logs over a period as a printable A4 PDF (WeasyPrint).

Every number comes from tracker.queries.trends, the same code as the API and the web pages
(DESIGN invariant 6), and the charts from tracker.charts. The report records and describes; it
carries the estimate note, its sources and the disclaimer, and never suggests a dose
(DESIGN invariant 7).

Rendering never touches the network or the file system: the charts are inline SVG, the fonts
are the system's, and the URL fetcher refuses every URL that is not a ``data:`` URL.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from tracker.charts import adherence_chart, intake_chart, lab_chart, symptom_chart
from tracker.domain.absorption import ESTIMATE_NOTE, ESTIMATE_SOURCES
from tracker.domain.ages import age_in_years
from tracker.domain.disclaimer import DISCLAIMER
from tracker.domain.risk_factors import RISK_FACTORS
from tracker.domain.schedules import local_date
from tracker.domain.symptoms import SYMPTOMS
from tracker.domain.units import LAB_TESTS
from tracker.models import Profile
from tracker.models.accounts import DietType, PregnancyStatus, ReferenceStandard
from tracker.models.injections import InjectionSite
from tracker.queries.trends import BucketSize, Trends, trends_for

TEMPLATE = "report/clinician.html"
# Relative URLs would resolve here, and the fetcher refuses them all the same.
BASE_URL = (Path(settings.BASE_DIR) / "templates" / "report").as_uri() + "/"
# Bucket sizes that keep every chart legible on an A4 page: about 60 daily bars, 52 weekly
# ones, then months (36 for the longest period the API allows).
DAY_BUCKETS_UP_TO_DAYS = 62
WEEK_BUCKETS_UP_TO_DAYS = 366

# WeasyPrint is imported lazily (below) so processes that never render a report do not load
# it; its log noise is silenced in config/settings.py LOGGING.


def report_bucket(first: date, last: date) -> BucketSize:
    days = (last - first).days + 1
    if days <= DAY_BUCKETS_UP_TO_DAYS:
        return "day"
    if days <= WEEK_BUCKETS_UP_TO_DAYS:
        return "week"
    return "month"


def _label(choices: Any, value: str, blank: str) -> str:
    if not value:
        return blank
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def _days_late_words(days_late: int | None) -> str:
    if days_late is None:
        return "—"
    if days_late == 0:
        return _("on the day")
    if days_late > 0:
        return _("%(days)d days late") % {"days": days_late}
    return _("%(days)d days early") % {"days": -days_late}


def _number(value: Decimal | None) -> str:
    """A decimal without trailing zeros and without an exponent ("295.12", "1000", "0.76")."""
    if value is None:
        return ""
    text = f"{value.normalize():f}"
    return text


def _range(low: Decimal | None, high: Decimal | None) -> str:
    if low is None and high is None:
        return "—"
    if low is None:
        return f"≤ {_number(high)}"
    if high is None:
        return f"≥ {_number(low)}"
    return f"{_number(low)}–{_number(high)}"


@dataclass(frozen=True)
class InjectionRow:
    given_on: date
    product: str
    dose_ug: str
    site: str
    due_on: date | None
    timing: str


@dataclass(frozen=True)
class LabRow:
    sampled_on: date
    test: str
    value: str
    canonical: str
    lab_range: str
    drawn_after_injection: bool


def _profile_summary(profile: Profile, today: date) -> dict[str, Any]:
    return {
        "age": age_in_years(profile.birth_date, today),
        "birth_date": profile.birth_date,
        "diet": _label(DietType, profile.diet_type, _("Not stated")),
        "pregnancy": (
            None
            if profile.pregnancy_status == PregnancyStatus.NOT_APPLICABLE
            else _label(PregnancyStatus, profile.pregnancy_status, "")
        ),
        "reference_standard": _label(ReferenceStandard, profile.reference_standard, "—"),
        "risk_factors": [str(RISK_FACTORS.get(code, code)) for code in profile.risk_factors],
        "timezone": profile.effective_timezone,
    }


def _injection_rows(trends: Trends) -> list[InjectionRow]:
    return [
        InjectionRow(
            given_on=local_date(event.given_at, trends.period.tz_name),
            product=event.product or "—",
            dose_ug=_number(event.dose_ug),
            site=_label(InjectionSite, event.site, _("Not recorded")),
            due_on=event.due_on,
            timing=_days_late_words(event.days_late),
        )
        for event in trends.injections
    ]


def _lab_rows(trends: Trends) -> list[LabRow]:
    rows = []
    for test, points in trends.labs.items():
        spec = LAB_TESTS[test]
        for point in points:
            rows.append(
                LabRow(
                    sampled_on=local_date(point.sampled_at, trends.period.tz_name),
                    test=str(spec.label),
                    value=f"{_number(point.value)} {point.unit}",
                    canonical=f"{_number(point.canonical_value)} {point.canonical_unit}",
                    lab_range=_range(point.reference_low, point.reference_high),
                    drawn_after_injection=point.drawn_after_injection,
                )
            )
    return sorted(rows, key=lambda row: (row.sampled_on, row.test))


def report_context(*, user: Any, first: date, last: date, today: date) -> dict[str, Any]:
    trends = trends_for(
        user, first=first, last=last, bucket=report_bucket(first, last), today=today
    )
    totals = trends.totals
    return {
        "email": user.email,
        "first": first,
        "last": last,
        "days": trends.period.days,
        "today": today,
        "bucket": trends.bucket,
        "profile": _profile_summary(user.profile, today),
        "target": trends.target,
        "totals": totals,
        "adherence": totals.adherence,
        "symptoms": [
            {
                "label": str(SYMPTOMS.get(code, code)),
                "entries": entry.entries,
                "mean": entry.mean_severity,
                "max": entry.max_severity,
            }
            for code, entry in totals.symptoms.items()
        ],
        "injections": _injection_rows(trends),
        "labs": _lab_rows(trends),
        # The SVG comes from matplotlib with every text escaped (tracker.charts), never from
        # user input, so it is safe to inline.
        "intake_chart": mark_safe(intake_chart(trends=trends)),
        "adherence_chart": mark_safe(adherence_chart(trends=trends)),
        "symptom_chart": mark_safe(symptom_chart(trends=trends)),
        "lab_charts": [mark_safe(lab_chart(trends=trends, test=test)) for test in trends.labs],
        "estimate_note": ESTIMATE_NOTE,
        "estimate_sources": ESTIMATE_SOURCES,
        "disclaimer": DISCLAIMER,
    }


def render_report_html(*, user: Any, first: date, last: date, today: date) -> str:
    return render_to_string(
        TEMPLATE, report_context(user=user, first=first, last=last, today=today)
    )


def data_only_url_fetcher() -> Any:
    """A fetcher for ``data:`` URLs only: a report must never make the server fetch anything,
    so a stray link in a template cannot leak data or hang a worker."""
    from weasyprint.urls import URLFetcher

    return URLFetcher(timeout=1, allowed_protocols=("data",), allow_redirects=False)


def render_report_pdf(*, user: Any, first: date, last: date, today: date) -> bytes:
    from weasyprint import HTML

    html = render_report_html(user=user, first=first, last=last, today=today)
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=data_only_url_fetcher())
    return document.write_pdf()  # type: ignore[no-any-return]
