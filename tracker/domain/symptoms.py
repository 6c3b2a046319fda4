"""Symptom diary vocabulary and the severity scale.

Vocabulary: NHS "Vitamin B12 or folate deficiency anaemia — symptoms" and NICE NG239 box 1,
as listed in ../shared/DOMAIN.md §6 — https://www.nhs.uk/conditions/vitamin-b12-or-folate-deficiency-anaemia/symptoms/
and https://www.nice.org.uk/guidance/ng239
Severity: the 0–10 Numeric Rating Scale (1–3 mild, 4–6 moderate, 7–10 severe), DOMAIN.md §6.
"""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

SYMPTOMS: dict[str, str | Promise] = {
    "tiredness": _("Tiredness or lack of energy"),
    "pins_and_needles": _("Pins and needles (tingling)"),
    "numbness": _("Numbness"),
    "balance_problems": _("Balance problems or unsteadiness"),
    "walking_changes": _("Changes in the way you walk"),
    "muscle_weakness": _("Muscle weakness"),
    "memory_concentration": _("Memory or concentration problems (\u201cbrain fog\u201d)"),
    "low_mood": _("Low mood, anxiety or irritability"),
    "sore_tongue_mouth_ulcers": _("Sore red tongue or mouth ulcers"),
    "vision_problems": _("Vision problems"),
    "back_pain": _("Back pain"),
    "nerve_pain": _("Nerve pain"),
}

SEVERITY_MIN = 0
SEVERITY_MAX = 10
