from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tracker.domain.safety import (
    PROMPT,
    RED_FLAG_TAGS,
    RISE_POINTS,
    SEVERE_FROM,
    URGENT,
    assess_entry,
)
from tracker.domain.screening import screen

AT = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)


def rules(**kwargs):  # type: ignore[no-untyped-def]
    base: dict[str, Any] = {"symptom": "numbness", "severity": 2, "tags": [], "recorded_at": AT}
    base.update(kwargs)
    return [(f.rule, f.level) for f in assess_entry(**base)]


@pytest.mark.parametrize("symptom", ["pins_and_needles", "numbness", "balance_problems",
                                     "muscle_weakness"])  # fmt: skip
def test_severe_nerve_symptoms_ask_for_urgent_advice(symptom):
    # DOMAIN §6: red flags show "seek urgent medical advice".
    assert rules(symptom=symptom, severity=SEVERE_FROM) == [("severe_nerve_symptom", URGENT)]
    assert rules(symptom=symptom, severity=SEVERE_FROM - 1) == []


def test_severity_alone_never_alerts_for_other_symptoms():
    assert rules(symptom="tiredness", severity=10) == []
    assert rules(symptom="back_pain", severity=9) == []


def test_a_rise_of_three_points_within_14_days_alerts():
    earlier = [(AT - timedelta(days=13), 2), (AT - timedelta(days=3), 4)]
    assert rules(severity=2 + RISE_POINTS, earlier=earlier) == [("rising_symptom", URGENT)]
    assert rules(severity=2 + RISE_POINTS - 1, earlier=earlier) == []


@pytest.mark.parametrize("symptom", ["memory_concentration", "vision_problems", "walking_changes"])
def test_the_rise_rule_covers_vision_memory_and_walking(symptom):
    earlier = [(AT - timedelta(days=3), 1)]
    assert rules(symptom=symptom, severity=9, earlier=earlier) == [("rising_symptom", URGENT)]


@pytest.mark.parametrize("symptom", ["tiredness", "low_mood", "back_pain"])
def test_other_symptoms_rising_wait_for_the_next_appointment(symptom):
    assert rules(symptom=symptom, severity=9, earlier=[(AT - timedelta(days=3), 1)]) == []


def test_older_entries_do_not_count_toward_the_rise():
    earlier = [(AT - timedelta(days=15), 1)]
    assert rules(severity=5, earlier=earlier) == []


def test_a_later_entry_is_not_a_baseline():
    assert rules(severity=5, earlier=[(AT + timedelta(hours=1), 1)]) == []


@pytest.mark.parametrize("tag", list(RED_FLAG_TAGS))
def test_every_red_flag_tag_alerts_at_its_level(tag):
    assert rules(symptom="tiredness", severity=1, tags=[tag]) == [(tag, RED_FLAG_TAGS[tag][1])]


def test_emergencies_are_urgent_and_worsening_despite_treatment_is_prompt():
    urgent = {tag for tag, (_label, level) in RED_FLAG_TAGS.items() if level == URGENT}
    assert urgent == {
        "bladder_bowel_with_limb_symptoms",
        "vision_loss",
        "confusion_or_memory_worsening",
        "breathless_chest_pain_palpitations",
        "after_nitrous_oxide",
    }
    assert RED_FLAG_TAGS["worse_despite_treatment"][1] == PROMPT


def test_screening_needs_a_symptom_and_a_risk_factor():
    both = screen(risk_factors=["metformin"], diet_type="", age_years=50, symptoms={"tiredness"})
    assert both.talk_to_clinician is True
    assert "reasons to talk to your doctor" in both.message
    metformin = next(r for r in both.reasons if r.code == "metformin")
    assert metformin.source[1].startswith("https://www.gov.uk/drug-safety-update/metformin")

    factor_only = screen(risk_factors=["metformin"], diet_type="", age_years=50, symptoms=set())
    symptom_only = screen(
        risk_factors=[], diet_type="omnivore", age_years=40, symptoms={"numbness"}
    )
    assert factor_only.talk_to_clinician is False
    assert symptom_only.talk_to_clinician is False


def test_a_vegan_diet_and_age_count_as_risk_factors():
    result = screen(risk_factors=[], diet_type="vegan", age_years=70, symptoms={"numbness"})
    codes = [r.code for r in result.reasons if r.kind == "risk_factor"]
    assert codes == ["low_animal_source_diet", "age_65_plus"]
    assert result.talk_to_clinician is True
