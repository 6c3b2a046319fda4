import re
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from tests.history import add_history
from tracker import charts
from tracker.charts import adherence_chart, intake_chart, lab_chart, symptom_chart
from tracker.models import Injection, LabResult, SymptomEntry
from tracker.queries.trends import Trends, trends_for

SVG = "{http://www.w3.org/2000/svg}"
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
TODAY = date(2026, 12, 1)
pytestmark = pytest.mark.django_db


def trends(person, days: int, bucket: str = "week") -> Trends:  # type: ignore[no-untyped-def]
    return trends_for(
        person,
        first=TODAY - timedelta(days=days - 1),
        last=TODAY,
        bucket=bucket,  # type: ignore[arg-type]
        today=TODAY,
    )


@pytest.fixture
def history(user) -> Trends:  # type: ignore[no-untyped-def]
    add_history(user, days=120, end=NOW)
    return trends(user, 120)


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    return root


def ids_starting(root: ET.Element, prefix: str) -> list[str]:
    return [el.get("id", "") for el in root.iter() if el.get("id", "").startswith(prefix)]


def text_of(root: ET.Element) -> str:
    return " ".join("".join(el.itertext()) for el in root.iter(f"{SVG}text"))


def accessible_name(root: ET.Element) -> tuple[str, str]:
    title = root.find(f"{SVG}title")
    desc = root.find(f"{SVG}desc")
    assert title is not None and desc is not None
    assert root.get("role") == "img"
    assert root.get("aria-label") == title.text
    return title.text or "", desc.text or ""


def test_the_intake_chart_has_a_bar_per_bucket_the_absorbed_line_and_the_reference(history):
    svg = intake_chart(trends=history)
    root = parse(svg)
    title, desc = accessible_name(root)

    assert title == "B12 logged and absorbed (estimate)"
    assert "reference intake of 2.4 µg per day" in desc
    assert len(ids_starting(root, "intake-bar-")) == len(history.buckets) == 18
    assert ids_starting(root, "absorbed-line") and ids_starting(root, "reference-intake")
    assert len(ids_starting(root, "injection-")) == len(history.injections) == 3
    words = text_of(root)
    assert "logged, µg/day" in words and "absorbed, µg/day" in words  # one scale each
    assert "absorbed (estimate)" in words
    assert "B12 logged and absorbed (estimate)" in words  # the visible title, as text


def test_the_adherence_chart_has_a_bar_per_bucket_with_scheduled_doses(history):
    root = parse(adherence_chart(trends=history))
    title, desc = accessible_name(root)

    assert title == "Scheduled supplement doses taken"
    assert "96 of 120 taken (80.0 %)" in desc
    assert len(ids_starting(root, "adherence-bar-")) == len(history.buckets)


def test_the_adherence_chart_leaves_a_gap_where_nothing_was_scheduled(user):
    add_history(user, days=10, end=NOW - timedelta(days=20))  # the last 20 days: no schedule
    root = parse(adherence_chart(trends=trends(user, 30, bucket="day")))

    assert len(ids_starting(root, "adherence-bar-")) == 10


def test_the_symptom_chart_draws_one_line_per_symptom_with_its_label(history, user):
    SymptomEntry.objects.create(
        owner=user, symptom="numbness", severity=6, recorded_at=NOW - timedelta(days=2)
    )
    data = trends(user, 120)
    root = parse(symptom_chart(trends=data))
    title, desc = accessible_name(root)

    assert title == "Symptom diary: average severity"
    assert ids_starting(root, "symptom-line-") == [
        "symptom-line-numbness",
        "symptom-line-tiredness",
    ]
    words = text_of(root)
    assert "Numbness" in words and "Tiredness or lack of energy" in words
    assert "0 to 10" in desc and "Numbness: 1 entries, average 6.0, highest 6" in desc


def test_the_lab_chart_shows_the_labs_range_and_marks_results_soon_after_an_injection(
    history,
):
    root = parse(lab_chart(trends=history, test="serum_b12"))
    title, desc = accessible_name(root)

    assert title == "Serum vitamin B12 (total) (pmol/L)"
    assert ids_starting(root, "lab-range")
    # add_history gives an injection and a sample on the same days (every 56 and 90 days).
    assert ids_starting(root, "lab-points-after-injection")
    assert ids_starting(root, "lab-points")
    assert "drawn within 14 days after an injection" in text_of(root)
    assert "2 Serum vitamin B12 (total) results" in desc


def test_differing_lab_ranges_are_drawn_per_result(user):
    for days_ago, high in ((40, 900), (10, 700)):
        LabResult.objects.create(
            owner=user,
            test="serum_b12",
            value=Decimal(300),
            unit="pmol/L",
            reference_low=Decimal(150),
            reference_high=Decimal(high),
            sampled_at=NOW - timedelta(days=days_ago),
            canonical_value=Decimal(300),
            canonical_unit="pmol/L",
        )
    root = parse(lab_chart(trends=trends(user, 60), test="serum_b12"))

    assert ids_starting(root, "lab-range")
    assert not ids_starting(root, "lab-points-after-injection")


@pytest.mark.parametrize(
    "chart",
    [
        intake_chart,
        adherence_chart,
        symptom_chart,
        lambda *, trends: lab_chart(trends=trends, test="mma"),
    ],
)
def test_an_empty_period_renders_a_chart_that_says_so(user, chart):
    data = trends(user, 30, bucket="day")
    root = parse(chart(trends=data))
    _title, desc = accessible_name(root)

    assert "No entries in this period" in text_of(root)
    assert desc == "No entries in this period"


def test_rendering_twice_gives_the_same_svg(history):
    for render in (intake_chart, adherence_chart, symptom_chart):
        first = render(trends=history)
        charts._cache.clear()  # draw again, not from the cache
        assert render(trends=history) == first
    first = lab_chart(trends=history, test="serum_b12")
    charts._cache.clear()
    assert lab_chart(trends=history, test="serum_b12") == first


def test_a_new_entry_draws_a_new_chart_and_unchanged_data_comes_from_the_cache(user):
    before = trends(user, 30, bucket="day")
    first = intake_chart(trends=before)
    again = trends(user, 30, bucket="day")  # the same numbers, read again

    assert intake_chart(trends=again) is first
    Injection.objects.create(owner=user, given_at=NOW, dose_ug=1000)
    assert intake_chart(trends=trends(user, 30, bucket="day")) != first


def test_text_stays_text_at_a_readable_size_and_the_svg_has_no_date(history):
    svg = intake_chart(trends=history)

    assert "<dc:date>" not in svg
    assert not svg.startswith("<?xml")  # ready to inline in HTML
    sizes = [float(size) for size in re.findall(r"font(?:-size)?: ([\d.]+)px", svg)]
    assert sizes and min(sizes) >= 12


def test_two_years_by_month_stay_readable(user):
    add_history(user, days=730, end=NOW)
    data = trends(user, 730, bucket="month")
    root = parse(intake_chart(trends=data))

    assert len(ids_starting(root, "intake-bar-")) == len(data.buckets) == 25
    ticks = [el for el in root.iter() if el.get("id", "").startswith("xtick_")]
    assert 3 <= len(ticks) <= 12


def test_charts_never_prescribe(history):
    svgs = " ".join(
        render(trends=history) for render in (intake_chart, adherence_chart, symptom_chart)
    ).lower()
    for word in ("you should", "take more", "increase your", "deficien", "diagnos"):
        assert word not in svgs


def test_another_persons_rows_do_not_reach_the_charts(user, other_user):
    add_history(other_user, days=30, end=NOW)
    data = trends(user, 30, bucket="day")

    assert "No entries in this period" in intake_chart(trends=data)
    assert "No entries in this period" in symptom_chart(trends=data)
