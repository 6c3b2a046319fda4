"""Daily reference intake of vitamin B12 for a person's life stage (../shared/DOMAIN.md §1).

The person chooses the standard (US, EU or UK); the life stage comes from the birth date and the
pregnancy/lactation status. Only the cells DOMAIN §1 marks as verified ([P] or [S]) are values
here. Where the chosen standard has no verified value for the life stage, the US value is used
instead and the result says so: the US column (IOM 1998 via NIH ODS) is the one verified for
every life stage, so it is the nearest verified standard in every case. The cells DOMAIN marks
[UNVERIFIED] (EFSA 1.5 µg for ages 1–6, 2.5/3.5 µg for ages 7–14; every UK cell below age 15 and
for pregnancy) are deliberately absent.

These are population reference values, shown for education; they are not a personal dose.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from tracker.domain.ages import age_in_years

STANDARDS = ("US", "EU", "UK")
# Used when the chosen standard has no verified value: the only column verified for every life
# stage (see module docstring).
FALLBACK_STANDARD = "US"

PREGNANCY_STATUSES = ("not_applicable", "pregnant", "lactating")

LIFE_STAGES = (
    "infant_0_6m",
    "infant_7_12m",
    "child_1_3",
    "child_4_8",
    "child_9_13",
    "teen_14_18",
    "adult",
    "pregnancy",
    "lactation",
)

# Plain words for the fallback note ("No verified UK value for …").
LIFE_STAGE_LABELS = {
    "infant_0_6m": _("babies up to 6 months"),
    "infant_7_12m": _("babies aged 7 to 12 months"),
    "child_1_3": _("children aged 1 to 3"),
    "child_4_8": _("children aged 4 to 8"),
    "child_9_13": _("children aged 9 to 13"),
    "teen_14_18": _("teenagers aged 14 to 18"),
    "adult": _("adults"),
    "pregnancy": _("pregnancy"),
    "lactation": _("breastfeeding"),
}


@dataclass(frozen=True)
class Source:
    title: str
    url: str


IOM_1998 = Source(
    "IOM Dietary Reference Intakes (1998), ch. 9 Vitamin B12",
    "https://www.ncbi.nlm.nih.gov/books/NBK114302/",
)
# The US values for every life stage other than adults were checked in NIH ODS's faithful table
# of the IOM values ([S] in DOMAIN §1); the adult RDA was read in IOM itself ([P]).
NIH_ODS_IOM_1998 = Source(
    "IOM Dietary Reference Intakes (1998) via NIH ODS Vitamin B12 fact sheet",
    "https://ods.od.nih.gov/factsheets/VitaminB12-HealthProfessional/",
)
EFSA_2015 = Source(
    "EFSA Dietary Reference Values for cobalamin (EFSA Journal 2015;13(7):4150)",
    "https://www.efsa.europa.eu/en/efsajournal/pub/4150",
)
UK_COMA_1991 = Source(
    "UK Dietary Reference Values (COMA 1991) via NHS",
    "https://www.nhs.uk/conditions/vitamins-and-minerals/vitamin-b/",
)


@dataclass(frozen=True)
class _Cell:
    ug_per_day: Decimal
    source: Source


# (standard, life stage) → the verified value, µg/day, with DOMAIN §1's tag. A missing key means
# "no verified value"; "teen_14_18" for EU and UK is further restricted to ages 15–18 below.
_CELLS: dict[tuple[str, str], _Cell] = {
    # US RDA (AI for infants), IOM 1998.
    ("US", "infant_0_6m"): _Cell(Decimal("0.4"), NIH_ODS_IOM_1998),  # AI [S]
    ("US", "infant_7_12m"): _Cell(Decimal("0.5"), NIH_ODS_IOM_1998),  # AI [S]
    ("US", "child_1_3"): _Cell(Decimal("0.9"), NIH_ODS_IOM_1998),  # [S]
    ("US", "child_4_8"): _Cell(Decimal("1.2"), NIH_ODS_IOM_1998),  # [S]
    ("US", "child_9_13"): _Cell(Decimal("1.8"), NIH_ODS_IOM_1998),  # [S]
    ("US", "teen_14_18"): _Cell(Decimal("2.4"), NIH_ODS_IOM_1998),  # [S]
    ("US", "adult"): _Cell(Decimal("2.4"), IOM_1998),  # [P]
    ("US", "pregnancy"): _Cell(Decimal("2.6"), NIH_ODS_IOM_1998),  # [S]
    ("US", "lactation"): _Cell(Decimal("2.8"), NIH_ODS_IOM_1998),  # [S]
    # EFSA AI 2015. EFSA's infant band is 7–11 months: the same people as "infant_7_12m" (from
    # 7 completed months to the first birthday).
    ("EU", "infant_7_12m"): _Cell(Decimal("1.5"), EFSA_2015),  # [P]
    # EFSA's band is 15–17 years; at 18 EFSA's adult AI applies, which is the same 4 µg.
    ("EU", "teen_14_18"): _Cell(Decimal("4"), EFSA_2015),  # [P], ages 15–18 only
    ("EU", "adult"): _Cell(Decimal("4"), EFSA_2015),  # [P]
    ("EU", "pregnancy"): _Cell(Decimal("4.5"), EFSA_2015),  # [P]
    ("EU", "lactation"): _Cell(Decimal("5"), EFSA_2015),  # [P]
    # UK RNI (COMA 1991). The 1.5 µg RNI is stated for "15+"; lactation is 2.0.
    ("UK", "teen_14_18"): _Cell(Decimal("1.5"), UK_COMA_1991),  # [S], ages 15–18 only
    ("UK", "adult"): _Cell(Decimal("1.5"), UK_COMA_1991),  # [S]
    ("UK", "lactation"): _Cell(Decimal("2.0"), UK_COMA_1991),  # [S]
}

# The EU and UK teenage values start at 15 (EFSA 15–17, UK 15+); a 14-year-old has none.
_TEEN_VALUES_FROM_AGE = {"EU": 15, "UK": 15}


@dataclass(frozen=True)
class ReferenceIntake:
    ug_per_day: Decimal
    standard: str  # the standard whose value is shown
    requested_standard: str
    life_stage: str
    source_title: str
    source_url: str
    # Set when the requested standard has no verified value and the US value is shown instead.
    fallback_note: str | None


def _completed_months(birth_date: date, today: date) -> int:
    """Whole months lived; the month-day rule matches ``age_in_years`` (born on the 31st, a
    month is complete on the 1st of the next month when that month is shorter)."""
    months = (today.year - birth_date.year) * 12 + today.month - birth_date.month
    if today.day < birth_date.day:
        months -= 1
    return months


def life_stage(*, birth_date: date | None, today: date, pregnancy_status: str) -> str:
    if pregnancy_status not in PREGNANCY_STATUSES:
        raise ValueError(f"Unknown pregnancy status: {pregnancy_status!r}")
    if pregnancy_status == "pregnant":
        return "pregnancy"
    if pregnancy_status == "lactating":
        return "lactation"
    if birth_date is None:
        return "adult"
    months = _completed_months(birth_date, today)
    # A birth date a day or two after "today" (the API allows a day of grace for time zones)
    # gives a negative count: a newborn.
    if months <= 6:
        return "infant_0_6m"
    if months < 12:
        return "infant_7_12m"
    age = months // 12  # the same whole years as ``age_in_years``
    if age <= 3:
        return "child_1_3"
    if age <= 8:
        return "child_4_8"
    if age <= 13:
        return "child_9_13"
    if age <= 18:
        return "teen_14_18"
    return "adult"


def _verified_cell(standard: str, stage: str, age: int | None) -> _Cell | None:
    cell = _CELLS.get((standard, stage))
    if cell is None:
        return None
    first_age = _TEEN_VALUES_FROM_AGE.get(standard)
    if stage == "teen_14_18" and first_age is not None and age is not None and age < first_age:
        return None
    return cell


def reference_intake(
    *, standard: str, birth_date: date | None, today: date, pregnancy_status: str
) -> ReferenceIntake:
    if standard not in STANDARDS:
        raise ValueError(f"Unknown reference standard: {standard!r}")
    stage = life_stage(birth_date=birth_date, today=today, pregnancy_status=pregnancy_status)
    age = age_in_years(birth_date, today)
    cell = _verified_cell(standard, stage, age)
    used = standard
    note = None
    if cell is None:
        used = FALLBACK_STANDARD
        cell = _CELLS[(FALLBACK_STANDARD, stage)]
        # A teenager falls back only at 14 (EU and UK values start at 15): name the age.
        who = _("age 14") if stage == "teen_14_18" else LIFE_STAGE_LABELS[stage]
        note = _("No verified %(standard)s value for %(who)s; showing the %(used)s value.") % {
            "standard": standard,
            "who": who,
            "used": used,
        }
    return ReferenceIntake(
        ug_per_day=cell.ug_per_day,
        standard=used,
        requested_standard=standard,
        life_stage=stage,
        source_title=cell.source.title,
        source_url=cell.source.url,
        fallback_note=note,
    )
