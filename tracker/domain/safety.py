"""Red-flag rules for the symptom diary: the one place where thresholds live.

Source: ../shared/DOMAIN.md §6 — list derived from Practical Neurology 2023, the Merck Manual and
NICE NG239 box 1 [D]; it needs clinician sign-off before it is relied on. The rules only decide
when to SHOW a message ("seek medical advice promptly/urgently"); they never triage, diagnose or
tell anyone what they have.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

SOURCE = (
    "NICE NG239: Vitamin B12 deficiency in over 16s",
    "https://www.nice.org.uk/guidance/ng239",
)

PROMPT = "prompt"  # seek medical advice promptly
URGENT = "urgent"  # seek medical advice urgently

# Tags a person can add to a diary entry, one per red flag that a severity alone cannot show
# (DOMAIN §6 items 2–7). DOMAIN's rule shows "seek urgent medical advice" for items 2–6; item 7
# (new or worse despite treatment) is on the list but outside that rule, so it asks for prompt
# advice.
RED_FLAG_TAGS: dict[str, tuple[str | Promise, str]] = {
    "bladder_bowel_with_limb_symptoms": (
        _("Problems controlling bladder or bowel, together with arm or leg symptoms"),
        URGENT,
    ),
    "vision_loss": (_("Loss of vision"), URGENT),
    "confusion_or_memory_worsening": (_("Confusion or memory getting worse quickly"), URGENT),
    "breathless_chest_pain_palpitations": (
        _("Breathlessness, chest pain or a racing heart"),
        URGENT,
    ),
    "after_nitrous_oxide": (_("Any nerve symptom after using nitrous oxide"), URGENT),
    "worse_despite_treatment": (_("New or worse symptoms despite treatment"), PROMPT),
}

# Item 1 (rapidly worsening numbness/tingling, new weakness, unsteadiness) as numbers; DOMAIN's
# rule shows the urgent message for these.
NERVE_SYMPTOMS = frozenset({"pins_and_needles", "numbness", "balance_problems", "muscle_weakness"})
SEVERE_FROM = 7  # "severe" on the 0–10 NRS starts at 7 (DOMAIN §6)
# The rise rule covers the neurological diary symptoms: item 1's, plus walking (item 1's
# falls), vision (item 3) and memory (item 4). Tiredness, mood, mouth or back pain rising is
# for the next appointment, not an urgent message.
RISING_SYMPTOMS = NERVE_SYMPTOMS | {"walking_changes", "vision_problems", "memory_concentration"}
RISE_POINTS = 3  # a rise of at least 3 points…
RISE_WINDOW = timedelta(days=14)  # …within 14 days; a 2-point change is already meaningful

RULE_LABELS: dict[str, str | Promise] = {
    **{code: label for code, (label, _level) in RED_FLAG_TAGS.items()},
    "severe_nerve_symptom": _("Severe numbness, tingling, unsteadiness or weakness"),
    "rising_symptom": _("A nerve, walking, vision or memory symptom getting worse quickly"),
}

MESSAGES: dict[str, str | Promise] = {
    PROMPT: _(
        "Please seek medical advice promptly: contact your GP, doctor or nurse today or as soon "
        "as you can, and tell them about this symptom."
    ),
    URGENT: _(
        "Please seek medical advice urgently: call your local emergency number or urgent care "
        "service now. This app cannot judge how serious this is."
    ),
}


@dataclass(frozen=True)
class Finding:
    rule: str  # "severe_nerve_symptom", "rising_nerve_symptom" or a tag code
    level: str

    @property
    def message(self) -> str:
        return str(MESSAGES[self.level])


def assess_entry(
    *,
    symptom: str,
    severity: int,
    tags: Iterable[str],
    recorded_at: datetime,
    earlier: Iterable[tuple[datetime, int]] = (),
) -> list[Finding]:
    """Red flags raised by one diary entry. ``earlier`` holds (recorded_at, severity) of the
    same person's entries for the same symptom, for the 14-day rise rule."""
    findings = [Finding(rule=tag, level=RED_FLAG_TAGS[tag][1]) for tag in tags]
    if symptom in NERVE_SYMPTOMS and severity >= SEVERE_FROM:
        findings.append(Finding(rule="severe_nerve_symptom", level=URGENT))
    if symptom in RISING_SYMPTOMS:
        window = [level for at, level in earlier if recorded_at - RISE_WINDOW <= at < recorded_at]
        if window and severity - min(window) >= RISE_POINTS:
            findings.append(Finding(rule="rising_symptom", level=URGENT))
    return findings
