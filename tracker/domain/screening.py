"""Screening: reasons to talk to a clinician about a B12 test. Never a diagnosis.

The rule (NICE NG239, via BMJ 2024;385:q1019, DOMAIN.md §5): at least one common symptom AND
at least one risk factor → "these are reasons to talk to your clinician about a B12 test".
Nothing stronger is ever said.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tracker.domain.risk_factors import OLDER_AGE_FROM, RISK_FACTORS
from tracker.domain.symptoms import SYMPTOMS

NICE = ("NICE NG239: Vitamin B12 deficiency in over 16s", "https://www.nice.org.uk/guidance/ng239")
BMJ_2024 = ("BMJ 2024;385:q1019 (NICE NG239 summary)", "https://www.bmj.com/content/385/bmj.q1019")
MHRA_METFORMIN = (
    "MHRA Drug Safety Update: metformin and reduced vitamin B12 levels (June 2022)",
    "https://www.gov.uk/drug-safety-update/metformin-and-reduced-vitamin-b12-levels-new-advice-for-monitoring-patients-at-risk",
)
LAM_2013 = (
    "Lam et al., JAMA 2013;310:2435 — acid suppressants and B12 deficiency",
    "https://doi.org/10.1001/jama.2013.280490",
)
NHS_AGE = (
    "NHS: vitamin B12 or folate deficiency anaemia",
    "https://www.nhs.uk/conditions/vitamin-b12-or-folate-deficiency-anaemia/",
)

SOURCES_BY_FACTOR = {
    "metformin": MHRA_METFORMIN,
    "proton_pump_inhibitor": LAM_2013,
    "h2_receptor_antagonist": LAM_2013,
}

HEADLINE: str | Promise = _(
    "These are reasons to talk to your doctor, nurse or pharmacist about a vitamin B12 test."
)
NO_PROMPT: str | Promise = _(
    "Nothing you have recorded matches the published testing rule. If you are worried about "
    "any symptom, talk to your healthcare professional."
)


@dataclass(frozen=True)
class Reason:
    kind: str  # "risk_factor" or "symptom"
    code: str
    label: str
    source: tuple[str, str]


@dataclass(frozen=True)
class Screening:
    talk_to_clinician: bool
    message: str
    reasons: list[Reason]


# A vegan diet is the NICE "low animal-source diet" factor even when not ticked separately.
DIETS_LOW_IN_ANIMAL_FOODS = frozenset({"vegan"})


def screen(
    *, risk_factors: list[str], diet_type: str, age_years: int | None, symptoms: set[str]
) -> Screening:
    risk_factors = list(risk_factors)
    if diet_type in DIETS_LOW_IN_ANIMAL_FOODS and "low_animal_source_diet" not in risk_factors:
        risk_factors.insert(0, "low_animal_source_diet")
    factors = [
        Reason("risk_factor", code, str(RISK_FACTORS[code]), SOURCES_BY_FACTOR.get(code, NICE))
        for code in risk_factors
        if code in RISK_FACTORS
    ]
    if age_years is not None and age_years >= OLDER_AGE_FROM:
        factors.append(Reason("risk_factor", "age_65_plus", str(_("Aged 65 or over")), NHS_AGE))
    found = [
        Reason("symptom", code, str(SYMPTOMS[code]), NICE)
        for code in sorted(symptoms)
        if code in SYMPTOMS
    ]
    prompt = bool(factors) and bool(found)
    return Screening(
        talk_to_clinician=prompt,
        message=str(HEADLINE if prompt else NO_PROMPT),
        reasons=factors + found,
    )
