"""Risk factors for B12 deficiency, for the profile and the screening questionnaire.

Source: NICE guideline NG239, "Vitamin B12 deficiency in over 16s: diagnosis and management"
(2024), risk factors as listed in ../shared/DOMAIN.md §5 — https://www.nice.org.uk/guidance/ng239
Age is not a code here: it is derived from the birth date.
Codes are stable identifiers stored in profiles; labels are for display.
"""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

NICE_NG239 = ("NICE NG239", "https://www.nice.org.uk/guidance/ng239")

RISK_FACTORS: dict[str, str | Promise] = {
    # Diet
    "low_animal_source_diet": _("Vegan or low animal-source diet"),
    # Family history
    "family_history": _("Family history of B12 deficiency or pernicious anaemia"),
    # Autoimmune and gut conditions
    "autoimmune_gastritis": _("Autoimmune gastritis (pernicious anaemia)"),
    "coeliac_disease": _("Coeliac disease"),
    "sjogrens_syndrome": _("Sjögren's syndrome"),
    "type_1_diabetes": _("Type 1 diabetes"),
    "crohns_or_ileal_disease": _("Crohn's disease or other ileal disease"),
    # Surgery
    "bariatric_surgery": _("Bariatric (weight-loss) surgery"),
    "gastrectomy": _("Gastrectomy"),
    "terminal_ileal_resection": _("Terminal ileal resection"),
    # Medicines
    "metformin": _("Metformin"),
    "proton_pump_inhibitor": _("Proton-pump inhibitor (e.g. omeprazole)"),
    "h2_receptor_antagonist": _("H2-receptor antagonist (e.g. famotidine)"),
    "colchicine": _("Colchicine"),
    "topiramate": _("Topiramate"),
    "pregabalin": _("Pregabalin"),
    "phenobarbital": _("Phenobarbital"),
    "primidone": _("Primidone"),
    # Recreational
    "nitrous_oxide": _("Recreational nitrous oxide use"),
}

# Conditions where intrinsic-factor absorption is lost, so only passive diffusion remains
# (DOMAIN.md §2, "absorption-impairing profile").
ABSORPTION_IMPAIRING = frozenset(
    {"autoimmune_gastritis", "gastrectomy", "terminal_ileal_resection"}
)


# Medicines (and recreational nitrous oxide) on the NICE list, as one group for suggestions.
RISK_MEDICINES = frozenset(
    {
        "metformin",
        "proton_pump_inhibitor",
        "h2_receptor_antagonist",
        "colchicine",
        "topiramate",
        "pregabalin",
        "phenobarbital",
        "primidone",
        "nitrous_oxide",
    }
)
# Gut conditions and surgery that reduce absorption, for suggesting the absorption article.
GUT_ABSORPTION = ABSORPTION_IMPAIRING | {"bariatric_surgery", "crohns_or_ileal_disease"}
# NHS: about 1 in 20 aged 65–74 and 1 in 10 aged 75+ (DOMAIN.md §5), so 65 is where age starts
# to count, in screening and in suggestions alike.
OLDER_AGE_FROM = 65


def unknown_risk_factors(codes: list[str]) -> list[str]:
    return [code for code in codes if code not in RISK_FACTORS]
