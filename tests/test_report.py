import re
import shutil
import subprocess
import zlib
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.utils.html import escape

from tests.conftest import client_for
from tests.factories import make_user
from tests.history import add_history
from tracker.domain.absorption import ESTIMATE_NOTE
from tracker.domain.disclaimer import DISCLAIMER
from tracker.models import Injection, LabResult
from tracker.reports import (
    data_only_url_fetcher,
    render_report_html,
    render_report_pdf,
    report_bucket,
)

URL = "/api/v1/me/report/"
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
TODAY = date(2026, 12, 1)
FIRST = TODAY - timedelta(days=119)
pytestmark = pytest.mark.django_db


def html_for(person, first: date = FIRST, last: date = TODAY) -> str:  # type: ignore[no-untyped-def]
    return render_report_html(user=person, first=first, last=last, today=TODAY)


def pdf_text(pdf: bytes) -> str | None:
    if shutil.which("pdftotext") is None:
        return None
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()


def page_count(pdf: bytes) -> int:
    """Page objects (not the /Pages tree node), also inside compressed object streams."""
    chunks = [pdf]
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, flags=re.DOTALL):
        try:
            chunks.append(zlib.decompress(stream))
        except zlib.error:
            continue
    return sum(len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", chunk)) for chunk in chunks)


@pytest.fixture
def history(user):  # type: ignore[no-untyped-def]
    user.profile.birth_date = date(1950, 3, 1)
    user.profile.diet_type = "vegan"
    user.profile.risk_factors = ["metformin", "autoimmune_gastritis"]
    user.profile.save()
    add_history(user, days=120, end=NOW)
    return user


def get(person, query: str = "", **headers: Any):  # type: ignore[no-untyped-def]
    with time_machine.travel(NOW, tick=False):
        return client_for(person).get(URL + query, **headers)


@pytest.mark.parametrize(
    ("days", "bucket"),
    [(1, "day"), (62, "day"), (63, "week"), (366, "week"), (367, "month"), (1100, "month")],
)
def test_the_charts_group_by_day_week_or_month_with_the_length_of_the_period(days, bucket):
    assert report_bucket(TODAY - timedelta(days=days - 1), TODAY) == bucket


def test_a_120_day_report_is_a_pdf_of_several_pages_with_the_key_sections(history):
    response = get(history, f"?from={FIRST}&to={TODAY}")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="b12-report-2026-08-04-2026-12-01.pdf"'
    )
    assert response["Cache-Control"] == "private, no-store"
    pdf = response.content
    assert pdf.startswith(b"%PDF")
    assert page_count(pdf) >= 2
    text = pdf_text(pdf)
    if text is not None:
        flat = " ".join(text.split())
        assert "alice@example.org" in flat
        assert "page 1 of" in flat
        assert "Left upper arm" in flat  # "(deltoid)" wraps in its cell
        assert "Serum vitamin B12 (total)" in flat
        assert "B12 logged and absorbed (estimate)" in flat


def test_the_html_has_the_profile_injections_labs_estimate_note_and_disclaimer(history):
    LabResult.objects.create(
        owner=history,
        test="mma",
        value=Decimal("0.41"),
        unit="µmol/L",
        reference_high=Decimal("0.37"),
        sampled_at=NOW - timedelta(days=30),
        canonical_value=Decimal(410),
        canonical_unit="nmol/L",
    )
    html = html_for(history)

    assert "alice@example.org" in html
    assert "76 (born 1 Mar 1950)" in html
    assert "Vegan" in html
    assert "Metformin" in html and "Autoimmune gastritis (pernicious anaemia)" in html
    assert "Europe/London" in html
    # Injections: site labels, dose, due date and timing against the plan.
    assert html.count("Left upper arm (deltoid)") == 3
    assert "Hydroxo" in html and "1000" in html
    assert "on the day" in html
    # Labs: as entered, canonical, the lab's own range and the injection flag.
    assert "400 pg/mL" in html and "295.12 pmol/L" in html
    assert "147.56–664.02" in html  # 200–900 pg/mL in pmol/L
    assert "0.41 µmol/L" in html and "410 nmol/L" in html and "≤ 370" in html
    assert "Drawn within 14 days after an injection" in html
    assert ">Yes<" in html and ">No<" in html
    # Charts inline, with their accessible names.
    assert html.count("<svg") == 5  # intake, adherence, symptoms, serum B12, MMA
    assert 'aria-label="B12 logged and absorbed (estimate)"' in html
    # Totals, the estimate note, its sources and the disclaimer.
    assert "96 of 120 scheduled doses recorded as taken (80.0 %)" in html
    assert escape(str(ESTIMATE_NOTE)) in html
    assert "Doets et al., Ann Nutr Metab 2013;62:311" in html
    assert html.count(escape(str(DISCLAIMER))) == 2  # first and last page


def test_an_empty_period_still_renders_a_report(user):
    html = html_for(user)

    assert "No injections recorded in this period." in html
    assert "No lab results recorded in this period." in html
    assert "No scheduled doses in this period." in html
    assert "No entries in this period" in html
    assert render_report_pdf(user=user, first=FIRST, last=TODAY, today=TODAY).startswith(b"%PDF")


def test_another_persons_rows_never_reach_the_report(user, other_user):
    add_history(other_user, days=120, end=NOW)
    Injection.objects.filter(owner=other_user).update(site="right_gluteal")
    LabResult.objects.filter(owner=other_user).update(value=Decimal(777))
    html = html_for(user)

    assert "bob@example.org" not in html
    assert "Right buttock" not in html and "777" not in html and "Hydroxo" not in html
    assert "No injections recorded in this period." in html


def test_a_browser_asking_for_a_pdf_or_anything_gets_the_pdf(history):
    for accept in ("application/pdf", "*/*", "text/html,application/xhtml+xml,*/*;q=0.8"):
        response = get(history, "?from=2026-11-01&to=2026-11-30", HTTP_ACCEPT=accept)
        assert response.status_code == 200, accept
        assert response.content.startswith(b"%PDF")


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("?from=2026-13-01", "from"),
        ("?to=yesterday", "to"),
        ("?from=2026-12-01&to=2026-11-01", "from"),
        ("?from=2020-01-01&to=2026-12-01", "from"),
    ],
)
def test_bad_dates_answer_400_json_with_field_messages(user, query, field):
    response = get(user, query, HTTP_ACCEPT="application/pdf")

    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert response["Cache-Control"] == "private, no-store"
    assert isinstance(response.json()[field], list)


def test_the_report_needs_a_signed_in_person(api_client):
    response = api_client.get(URL, HTTP_ACCEPT="application/pdf")

    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")


def test_rendering_fetches_nothing_but_data_urls():
    fetcher = data_only_url_fetcher()

    for url in ("https://example.org/font.woff", "file:///etc/passwd", "http://127.0.0.1/"):
        with pytest.raises(ValueError, match="disallowed protocol"):
            fetcher.fetch(url)
    assert fetcher.fetch("data:text/plain,ok").read() == b"ok"


# The user with their profile (JWT authentication, 1) + trends: foods and doses (2),
# adherence (in the doses query), symptoms (1), plans and injections (2), labs (1).
REPORT_QUERIES = 7


@pytest.mark.parametrize("days", [10, 400])
def test_the_report_costs_the_same_queries_for_ten_days_and_four_hundred(
    days, django_assert_num_queries
):
    person = make_user(timezone="Europe/London")
    add_history(person, days=days, end=NOW)
    with time_machine.travel(NOW, tick=False):
        client = client_for(person)
        with django_assert_num_queries(REPORT_QUERIES):
            response = client.get(URL + "?from=2025-11-01&to=2026-12-01")

    assert response.status_code == 200
