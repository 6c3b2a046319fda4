"""The guard: no user-facing text tells the reader what to take, or how much.

Scans templates, the article library and every string literal in the app's code (API
messages, notification texts, labels). Reporting what a study or guideline says, attributed,
is allowed; an order aimed at the reader is not (DESIGN invariant 7)."""

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)

FORBIDDEN = [
    re.compile(pattern, re.IGNORECASE | re.MULTILINE)
    for pattern in (
        r"\byou (?:should|must|need to|have to|ought to) (?:take|start|stop|increase|reduce|"
        r"double|skip|lower|raise)\b",
        r"\byou need \d",
        r"\b(?:increase|reduce|double|lower|raise|change) your (?:dose|dosage|intake|supplement)",
        r"\bstop taking\b",
        r"\bstart taking\b",
        r"\bwe recommend\b",
        r"\btake (?:\d[\d,.]*|one|two|three) ?(?:mcg|µg|ug|mg|micrograms?|milligrams?|tablets?)\b",
        # An imperative at the start of a sentence or list item: "Take a supplement…".
        r"(?:^|[.!?]\s+|^\s*[-*]\s+)(?:take|increase|reduce|double|skip) (?:your|a|an|one|two|"
        r"more|less|extra|\d)",
    )
]


def offending(text: str) -> list[str]:
    return [match.group(0) for pattern in FORBIDDEN for match in pattern.finditer(text)]


def _python_strings() -> list[tuple[str, str]]:
    found = []
    for path in sorted((ROOT / "tracker").rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                found.append((f"{path.relative_to(ROOT)}:{node.lineno}", node.value))
    return found


def _documents() -> list[tuple[str, str]]:
    files = sorted((ROOT / "templates").rglob("*.html")) + sorted(
        (ROOT / "content" / "articles").glob("*.md")
    )
    return [(str(path.relative_to(ROOT)), path.read_text()) for path in files]


@pytest.mark.parametrize(
    "text",
    [
        "You should take 1000 mcg every day.",
        "Take 500 mcg with food.",
        "Take a supplement if you are vegan.",
        "Increase your dose when tired.",
        "If levels are low, stop taking metformin.",
        "We recommend methylcobalamin.",
        "- Take your tablet in the morning",
        "You need 3 µg a day.",
    ],
)
def test_the_guard_catches_dosing_orders(text):
    assert offending(text)


@pytest.mark.parametrize(
    "text",
    [
        "The Vegan Society's guidance describes eating fortified foods two or three times a day.",
        "In a small trial, 60 people received methylcobalamin injections (Chiu et al., 2011).",
        "Your clinician decides whether you need a test and which treatment fits.",
        "People who take metformin for a long time have a higher chance of low B12 (MHRA 2022).",
        "Talk to your healthcare professional before changing anything.",
    ],
)
def test_the_guard_allows_attributed_description(text):
    assert offending(text) == []


def test_no_user_facing_text_gives_dosing_orders():
    sources = _documents() + _python_strings()
    assert len(sources) > 100  # the scan really read the library, templates and code
    problems = [(where, hit) for where, text in sources for hit in offending(text)]
    assert problems == []
