"""Server-side SVG charts of a person's trends, for the web pages, the caregiver admin and the
clinician PDF alike (one look everywhere, from the same numbers: tracker.queries.trends).

- matplotlib's object API only (``Figure``), never pyplot: pyplot keeps a global "current
  figure" that is not thread-safe under gunicorn's threads. Only the SVG writer's two settings
  are global rcParams; they are set once at import and never changed afterwards.
- Deterministic output (the same trends give the same bytes): no date in the metadata and a fixed
  hash salt for the ids matplotlib generates.
- Text stays text (``svg.fonttype = "none"``): searchable, selectable and sharp when printed.
- Readable by older eyes: every font is at least 12 pt at the figure's size, which is the width
  of an A4 page's text column, so the PDF shows it 1:1.
- Okabe & Ito's colour-blind-safe palette (Okabe, Ito 2008, "Color Universal Design"), with line
  styles and markers as a second cue.
- Descriptive only: the charts show what was logged against the reference intake; they never
  say what to take or what anything means for the person's health (DESIGN invariant 7).
"""

import functools
import hashlib
import io
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from decimal import Decimal
from xml.sax.saxutils import escape, quoteattr

import matplotlib
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from matplotlib import dates as mdates
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from tracker.domain.schedules import local_date
from tracker.domain.symptoms import SEVERITY_MAX, SEVERITY_MIN, SYMPTOMS
from tracker.domain.units import LAB_TESTS
from tracker.queries.trends import Bucket, Trends

matplotlib.rcParams["svg.fonttype"] = "none"
matplotlib.rcParams["svg.hashsalt"] = "b12-tracker-charts"

# Okabe & Ito (2008).
BLUE = "#0072B2"
ORANGE = "#E69F00"
SKY_BLUE = "#56B4E9"
GREEN = "#009E73"
YELLOW = "#F0E442"
VERMILLION = "#D55E00"
PURPLE = "#CC79A7"
BLACK = "#000000"
GREY = "#595959"  # 7:1 on white, for reference lines and notes
SERIES = (BLUE, VERMILLION, GREEN, PURPLE, ORANGE, SKY_BLUE, BLACK)
LINE_STYLES = ("-", "--", "-.", ":")
MARKERS = ("o", "s", "^", "D", "v", "P", "X")

# 6.8 in is the text width of an A4 page with 18 mm margins: the PDF shows the chart at 100 %.
WIDTH_IN = 6.8
HEIGHT_IN = 3.9
TITLE_PT = 16
LABEL_PT = 14
TICK_PT = 13
LEGEND_PT = 12.5
NOTE_PT = 15

EMPTY_TEXT = "No entries in this period"
# DOMAIN §4: results drawn soon after an injection read high (the same window as LabResult).
AFTER_INJECTION_DAYS = 14


# Drawing is the slow part (about 0.2-0.4 s a chart, mostly layout), and the same numbers give
# the same bytes, so recent charts are kept per process, keyed by a digest of everything they
# are drawn from: any new or edited entry changes the key. Bounded; nothing is written to disk
# or to a shared cache.
CACHE_SIZE = 128
_cache: OrderedDict[str, str] = OrderedDict()
_cache_lock = threading.Lock()


def _cached(render: Callable[..., str]) -> Callable[..., str]:
    @functools.wraps(render)
    def wrapper(**kwargs: object) -> str:
        material = repr((render.__name__, get_language(), sorted(kwargs.items())))
        key = hashlib.sha256(material.encode()).hexdigest()
        with _cache_lock:
            if key in _cache:
                _cache.move_to_end(key)
                return _cache[key]
        svg = render(**kwargs)
        with _cache_lock:
            _cache[key] = svg
            while len(_cache) > CACHE_SIZE:
                _cache.popitem(last=False)
        return svg

    return wrapper


def _empty_text() -> str:
    return _(EMPTY_TEXT)


def _figure(height_in: float = HEIGHT_IN) -> tuple[Figure, Axes]:
    fig = Figure(figsize=(WIDTH_IN, height_in), layout="constrained")
    ax = fig.add_subplot()
    _style(ax)
    return fig, ax


def _num(day: date) -> float:
    return float(mdates.date2num(day))


def _date_axis(ax: Axes, trends: Trends) -> None:
    """The whole period, with ticks that stay legible from a week to three years."""
    locator = mdates.AutoDateLocator(minticks=3, maxticks=7)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    ax.xaxis.get_offset_text().set_fontsize(TICK_PT)
    # A small margin so markers on the first and last day are not cut in half.
    margin = max(0.5, trends.period.days * 0.015)
    ax.set_xlim(
        _num(trends.period.first) - margin,
        _num(trends.period.last + timedelta(days=1)) + margin,
    )


def _middle(bucket: Bucket) -> float:
    return _num(bucket.start) + bucket.days / 2


def _empty(ax: Axes) -> None:
    ax.text(
        0.5,
        0.5,
        _empty_text(),
        transform=ax.transAxes,
        ha="center",
        va="center",
        fontsize=NOTE_PT,
        color=GREY,
        gid="empty-note",
    )


def _legend(ax: Axes, below: bool = False, columns: int = 2) -> None:
    if not ax.get_legend_handles_labels()[0]:
        return
    if below:
        ax.legend(
            fontsize=LEGEND_PT,
            loc="upper center",
            bbox_to_anchor=(0.5, -0.14),
            ncols=columns,
            frameon=False,
        )
    else:
        ax.legend(fontsize=LEGEND_PT, loc="upper left", framealpha=0.9, ncols=columns)


def _period_words(trends: Trends) -> str:
    per = {"day": _("per day"), "week": _("per week"), "month": _("per month")}[trends.bucket]
    return _("from %(first)s to %(last)s, %(per)s") % {
        "first": trends.period.first.isoformat(),
        "last": trends.period.last.isoformat(),
        "per": per,
    }


def _fmt(value: Decimal | float) -> str:
    return f"{float(value):.1f}"


_SVG_ROOT = re.compile(r"<svg\b")


def _to_svg(fig: Figure, *, chart_id: str, title: str, description: str) -> str:
    buffer = io.StringIO()
    # Constrained layout settles on the second pass (tick labels and the date offset are only
    # known after a draw); without this the y label can land outside the figure.
    fig.draw_without_rendering()
    fig.savefig(buffer, format="svg", metadata={"Date": None})
    text = buffer.getvalue()
    # Inline-ready: from the root element on (no XML declaration or DOCTYPE), with a role, an
    # accessible name and a description that say in words what the chart shows.
    text = text[_SVG_ROOT.search(text).start() :]  # type: ignore[union-attr]
    title_id, desc_id = f"{chart_id}-title", f"{chart_id}-desc"
    root_end = text.index(">") + 1
    root = text[: root_end - 1]
    root += (
        f' role="img" aria-label={quoteattr(title)}'
        f' aria-labelledby="{title_id}" aria-describedby="{desc_id}" class="chart">'
    )
    accessible = (
        f'<title id="{title_id}">{escape(title)}</title>'
        f'<desc id="{desc_id}">{escape(description)}</desc>'
    )
    return root + accessible + text[root_end:]


def _style(ax: Axes) -> None:
    ax.tick_params(labelsize=TICK_PT)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.grid(axis="y", color="#d9d9d9", linewidth=0.8)
    ax.set_axisbelow(True)


def _injection_lines(ax: Axes, trends: Trends, *, labelled: bool) -> None:
    for index, event in enumerate(trends.injections):
        day = local_date(event.given_at, trends.period.tz_name)
        marker = ax.axvline(
            _num(day) + 0.5,
            color=GREEN,
            linestyle=":",
            linewidth=2,
            label=_("injection") if labelled and index == 0 else "_nolegend_",
        )
        if labelled:
            marker.set_gid(f"injection-{index}")


def _intake_series(logged: Axes, absorbed: Axes, trends: Trends) -> None:
    """Two panels on one date axis: what was logged against the reference intake on top, and
    the absorbed estimate on its own scale below — a supplement dose is often tens of times
    the reference intake while only a microgram or two is absorbed, so on one scale the
    estimate would lie flat along the bottom."""
    target = float(trends.target.ug_per_day)
    bars = logged.bar(
        [_num(b.start) + 0.1 * b.days for b in trends.buckets],
        [float(b.intake_daily_avg_ug) for b in trends.buckets],
        width=[0.8 * b.days for b in trends.buckets],
        align="edge",
        color=SKY_BLUE,
        edgecolor=BLUE,
        linewidth=0.6,
        label=_("logged (daily average)"),
    )
    for index, bar in enumerate(bars.patches):
        bar.set_gid(f"intake-bar-{index}")
    reference = logged.axhline(
        target,
        color=BLACK,
        linestyle="--",
        linewidth=1.6,
        label=_("reference intake %(ug)s µg/day") % {"ug": trends.target.ug_per_day},
    )
    reference.set_gid("reference-intake")
    _injection_lines(logged, trends, labelled=True)
    top = max([target, *(float(b.intake_daily_avg_ug) for b in trends.buckets)])
    logged.set_ylim(0, top * 1.15 if top > 0 else 1)

    (line,) = absorbed.plot(
        [_middle(b) for b in trends.buckets],
        [float(b.absorbed_daily_avg_ug) for b in trends.buckets],
        color=VERMILLION,
        linewidth=2.2,
        marker="o" if len(trends.buckets) <= 60 else None,
        markersize=5,
        label=_("absorbed (estimate)"),
    )
    line.set_gid("absorbed-line")
    _injection_lines(absorbed, trends, labelled=False)
    highest = max((float(b.absorbed_daily_avg_ug) for b in trends.buckets), default=0)
    absorbed.set_ylim(0, highest * 1.25 if highest > 0 else 1)

    handles, labels = [], []
    for ax in (logged, absorbed):
        more_handles, more_labels = ax.get_legend_handles_labels()
        handles += more_handles
        labels += more_labels
    # Reading order: what was logged, the reference, the estimate, the events.
    rank = {bars.get_label(): 0, reference.get_label(): 1, line.get_label(): 2}
    order = sorted(range(len(labels)), key=lambda i: rank.get(labels[i], 3))
    absorbed.legend(
        [handles[i] for i in order],
        [labels[i] for i in order],
        fontsize=LEGEND_PT,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.22),
        ncols=2,
        frameon=False,
    )


@_cached
def intake_chart(*, trends: Trends) -> str:
    """Average B12 logged per day in each bucket (bars) against the reference intake (dashed),
    the absorbed estimate on its own scale below (line), and injections at their dates."""
    title = _("B12 logged and absorbed (estimate)")
    has_entries = any(b.intake_ug > 0 for b in trends.buckets) or bool(trends.injections)
    if has_entries:
        fig = Figure(figsize=(WIDTH_IN, HEIGHT_IN * 1.45), layout="constrained")
        logged, absorbed = fig.subplots(2, 1, sharex=True, height_ratios=[3, 2])
        for ax in (logged, absorbed):
            _style(ax)
        logged.set_title(title, fontsize=TITLE_PT, loc="left")
        logged.set_ylabel(_("logged, µg/day"), fontsize=LABEL_PT)
        absorbed.set_ylabel(_("absorbed, µg/day"), fontsize=LABEL_PT)
        _date_axis(absorbed, trends)
        _intake_series(logged, absorbed, trends)
    else:
        fig, ax = _figure()
        ax.set_title(title, fontsize=TITLE_PT, loc="left")
        ax.set_ylabel(_("µg per day"), fontsize=LABEL_PT)
        _date_axis(ax, trends)
        ax.set_ylim(0, 1)
        ax.set_yticks([])
        _empty(ax)
    totals = trends.totals
    description = (
        _(
            "Bar chart of the B12 logged (food and supplements), as a daily average %(period)s, "
            "with the reference intake of %(target)s µg per day as a dashed line, and below it "
            "the absorbed estimate as a line on its own scale. Over the whole period: "
            "%(intake)s µg per day logged, %(absorbed)s µg per day absorbed (estimate). "
            "Injections marked: %(injections)d."
        )
        % {
            "period": _period_words(trends),
            "target": trends.target.ug_per_day,
            "intake": _fmt(totals.intake_daily_avg_ug),
            "absorbed": _fmt(totals.absorbed_daily_avg_ug),
            "injections": len(trends.injections),
        }
        if has_entries
        else _empty_text()
    )
    return _to_svg(fig, chart_id="intake-chart", title=title, description=description)


@_cached
def adherence_chart(*, trends: Trends) -> str:
    """Share of scheduled doses taken per bucket; no bar where nothing was scheduled."""
    title = _("Scheduled supplement doses taken")
    scheduled = [b for b in trends.buckets if b.adherence.percent is not None]
    fig, ax = _figure()
    ax.set_title(title, fontsize=TITLE_PT, loc="left")
    ax.set_ylabel(_("% of scheduled doses"), fontsize=LABEL_PT)
    ax.set_ylim(0, 105)
    ax.set_yticks([0, 25, 50, 75, 100])
    _date_axis(ax, trends)
    bars = ax.bar(
        [_num(b.start) + 0.1 * b.days for b in scheduled],
        [float(b.adherence.percent or 0) for b in scheduled],
        width=[0.8 * b.days for b in scheduled],
        align="edge",
        color=BLUE,
    )
    for index, bar in enumerate(bars.patches):
        bar.set_gid(f"adherence-bar-{index}")
    if not scheduled:
        _empty(ax)
    adherence = trends.totals.adherence
    description = (
        _(
            "Bar chart of the share of scheduled supplement doses recorded as taken, %(period)s; "
            "periods without scheduled doses have no bar. Over the whole period: %(taken)d of "
            "%(scheduled)d taken (%(percent)s %%), %(skipped)d skipped, %(missed)d missed."
        )
        % {
            "period": _period_words(trends),
            "taken": adherence.taken,
            "scheduled": adherence.scheduled,
            "percent": adherence.percent,
            "skipped": adherence.skipped,
            "missed": adherence.missed,
        }
        if scheduled
        else _empty_text()
    )
    return _to_svg(fig, chart_id="adherence-chart", title=title, description=description)


def _symptom_label(code: str) -> str:
    return str(SYMPTOMS.get(code, code))


@_cached
def symptom_chart(*, trends: Trends) -> str:
    """Mean severity (0–10) per symptom and bucket, one line per symptom recorded."""
    title = _("Symptom diary: average severity")
    codes: list[str] = sorted({code for b in trends.buckets for code in b.symptoms})
    legend_rows = (len(codes) + 1) // 2
    fig, ax = _figure(HEIGHT_IN + 0.3 * max(0, legend_rows - 1))
    ax.set_title(title, fontsize=TITLE_PT, loc="left")
    ax.set_ylabel(_("severity (0–10)"), fontsize=LABEL_PT)
    ax.set_ylim(SEVERITY_MIN - 0.3, SEVERITY_MAX + 0.3)
    ax.set_yticks([0, 2, 4, 6, 8, 10])
    _date_axis(ax, trends)
    for index, code in enumerate(codes):
        xs, ys = [], []
        for bucket in trends.buckets:
            xs.append(_middle(bucket))
            entry = bucket.symptoms.get(code)
            ys.append(float("nan") if entry is None else float(entry.mean_severity))
        (line,) = ax.plot(
            xs,
            ys,
            color=SERIES[index % len(SERIES)],
            linestyle=LINE_STYLES[index % len(LINE_STYLES)],
            marker=MARKERS[index % len(MARKERS)],
            markersize=5,
            linewidth=2,
            label=_symptom_label(code),
        )
        line.set_gid(f"symptom-line-{code}")
    if not codes:
        _empty(ax)
    _legend(ax, below=True, columns=1 if len(codes) <= 2 else 2)
    summary = "; ".join(
        _("%(label)s: %(entries)d entries, average %(mean)s, highest %(max)d")
        % {
            "label": _symptom_label(code),
            "entries": entry.entries,
            "mean": _fmt(entry.mean_severity),
            "max": entry.max_severity,
        }
        for code, entry in trends.totals.symptoms.items()
    )
    description = (
        _(
            "Line chart of the average severity recorded in the symptom diary on a 0 to 10 "
            "scale, one line per symptom, %(period)s. Over the whole period: %(summary)s."
        )
        % {"period": _period_words(trends), "summary": summary}
        if codes
        else _empty_text()
    )
    return _to_svg(fig, chart_id="symptom-chart", title=title, description=description)


def _range_band(ax: Axes, ranges: Sequence[tuple[float, Decimal | None, Decimal | None]]) -> None:
    """The lab's own reference range: a band when every result shares it, else one light bar
    per result (labs and units change over the years)."""
    label = _("the lab's reference range")
    distinct = {(low, high) for _x, low, high in ranges if low is not None or high is not None}
    if not distinct:
        return
    if len(distinct) == 1:
        low, high = next(iter(distinct))
        if low is not None and high is not None:
            band = ax.axhspan(float(low), float(high), color=GREEN, alpha=0.15, label=label)
            band.set_gid("lab-range")
        else:
            bound = ax.axhline(
                float(low if low is not None else high),  # type: ignore[arg-type]
                color=GREEN,
                linestyle="--",
                linewidth=1.5,
                label=label,
            )
            bound.set_gid("lab-range")
        return
    first = True
    for x, low, high in ranges:
        if low is None and high is None:
            continue
        bottom = float(low) if low is not None else float(high)  # type: ignore[arg-type]
        top = float(high) if high is not None else float(low)  # type: ignore[arg-type]
        ax.vlines(
            x,
            bottom,
            top,
            color=GREEN,
            alpha=0.35,
            linewidth=9,
            label=label if first else "_nolegend_",
            gid="lab-range",
        )
        first = False


@_cached
def lab_chart(*, trends: Trends, test: str) -> str:
    """One test's results over the period in its canonical unit, with the lab's own range and
    the results drawn within 14 days after an injection marked apart."""
    spec = LAB_TESTS[test]
    title = _("%(test)s (%(unit)s)") % {"test": spec.label, "unit": spec.canonical_unit}
    points = trends.labs.get(test, [])
    fig, ax = _figure()
    ax.set_title(title, fontsize=TITLE_PT, loc="left")
    ax.set_ylabel(spec.canonical_unit, fontsize=LABEL_PT)
    _date_axis(ax, trends)
    xs = [_num(local_date(p.sampled_at, trends.period.tz_name)) + 0.5 for p in points]
    pairs = list(zip(xs, points, strict=True))
    _range_band(ax, [(x, p.reference_low, p.reference_high) for x, p in pairs])
    if len(points) > 1:
        (line,) = ax.plot(xs, [float(p.canonical_value) for p in points], color=GREY, linewidth=1.2)
        line.set_gid("lab-line")
    plain = [(x, p) for x, p in pairs if not p.drawn_after_injection]
    after = [(x, p) for x, p in pairs if p.drawn_after_injection]
    if plain:
        ax.scatter(
            [x for x, _p in plain],
            [float(p.canonical_value) for _x, p in plain],
            s=60,
            color=BLUE,
            marker="o",
            zorder=3,
            label=_("result"),
            gid="lab-points",
        )
    if after:
        ax.scatter(
            [x for x, _p in after],
            [float(p.canonical_value) for _x, p in after],
            s=80,
            facecolors="white",
            edgecolors=VERMILLION,
            linewidths=2,
            marker="^",
            zorder=4,
            label=_("drawn within %(days)d days after an injection")
            % {"days": AFTER_INJECTION_DAYS},
            gid="lab-points-after-injection",
        )
    if points:
        values = [float(p.canonical_value) for p in points] + [
            float(v) for p in points for v in (p.reference_low, p.reference_high) if v is not None
        ]
        ax.set_ylim(0, max(values) * 1.35)
    else:
        ax.set_ylim(0, 1)
        ax.set_yticks([])
        _empty(ax)
    _legend(ax, below=True, columns=1)
    description = (
        _(
            "Chart of %(count)d %(test)s results in %(unit)s from %(first)s to %(last)s: "
            "%(values)s. The lab's own reference range is shown where it was entered; "
            "%(after)d results were drawn within %(days)d days after an injection and are "
            "marked with a different symbol."
        )
        % {
            "count": len(points),
            "test": spec.label,
            "unit": spec.canonical_unit,
            "first": trends.period.first.isoformat(),
            "last": trends.period.last.isoformat(),
            "values": ", ".join(
                f"{local_date(p.sampled_at, trends.period.tz_name).isoformat()} "
                f"{p.canonical_value.normalize():f}"
                for p in points
            ),
            "after": len(after),
            "days": AFTER_INJECTION_DAYS,
        }
        if points
        else _empty_text()
    )
    return _to_svg(fig, chart_id=f"lab-chart-{test}", title=title, description=description)
