"""Laboratory tests, their units and conversions to one canonical unit per test.

Conversion factors (../shared/DOMAIN.md §4):
- Serum total B12: 1 pg/mL = 1 ng/L = 0.7378 pmol/L [S/D]. LOINC 2132-9.
- Methylmalonic acid: 1 µmol/L = 1000 nmol/L. LOINC 13964-2.
- Haemoglobin g/dL → g/L and folate µg/L = ng/mL are SI-prefix arithmetic, not clinical facts.
Units without a verified factor (for example folate in nmol/L, haemoglobin in mmol/L) are not
accepted rather than converted with an unchecked number.

The upper limits are input sanity checks against typos (a value 1000 times any reported
result), not clinical thresholds; they are never shown as reference ranges.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

MICRO = "\u00b5"  # µ, MICRO SIGN: the one spelling stored


@dataclass(frozen=True)
class LabTest:
    label: str | Promise
    canonical_unit: str
    # unit → factor: canonical value = value × factor
    factors: dict[str, Decimal]
    # Sanity limit in the canonical unit (see module docstring).
    max_canonical: Decimal
    loinc: str | None = None


LAB_TESTS: dict[str, LabTest] = {
    "serum_b12": LabTest(
        _("Serum vitamin B12 (total)"),
        "pmol/L",
        {"pmol/L": Decimal(1), "pg/mL": Decimal("0.7378"), "ng/L": Decimal("0.7378")},
        Decimal(100_000),
        loinc="2132-9",
    ),
    "holotc": LabTest(
        _("Active B12 (holotranscobalamin)"), "pmol/L", {"pmol/L": Decimal(1)}, Decimal(10_000)
    ),
    "mma": LabTest(
        _("Methylmalonic acid (MMA)"),
        "nmol/L",
        {"nmol/L": Decimal(1), f"{MICRO}mol/L": Decimal(1000)},
        Decimal(1_000_000),
        loinc="13964-2",
    ),
    "homocysteine": LabTest(
        _("Total homocysteine"), f"{MICRO}mol/L", {f"{MICRO}mol/L": Decimal(1)}, Decimal(1000)
    ),
    "haemoglobin": LabTest(
        _("Haemoglobin"), "g/L", {"g/L": Decimal(1), "g/dL": Decimal(10)}, Decimal(400)
    ),
    "mcv": LabTest(_("Mean cell volume (MCV)"), "fL", {"fL": Decimal(1)}, Decimal(300)),
    "folate": LabTest(
        _("Folate (serum)"),
        "ng/mL",
        {"ng/mL": Decimal(1), f"{MICRO}g/L": Decimal(1)},
        Decimal(2000),
    ),
}

ALL_UNITS = sorted({unit for test in LAB_TESTS.values() for unit in test.factors})


class UnknownUnit(ValueError):
    pass


def normalize_unit(unit: str) -> str:
    """One spelling per unit: "umol/L", "μmol/L" (Greek mu) and "µmol/l" all become "µmol/L"."""
    text = unit.strip().replace("\u03bc", MICRO)
    if text[:1] == "u":
        text = MICRO + text[1:]
    if text.lower().endswith("/l"):
        text = text[:-1] + "L"
    if text.lower() == "pg/ml":
        return "pg/mL"
    if text.lower() == "ng/ml":
        return "ng/mL"
    if text.lower() == "g/dl":
        return "g/dL"
    if text.lower() == "fl":
        return "fL"
    return text


def to_canonical(test: str, value: Decimal, unit: str) -> Decimal:
    spec = LAB_TESTS[test]
    unit = normalize_unit(unit)
    if unit not in spec.factors:
        raise UnknownUnit(unit)
    return value * spec.factors[unit]


def convert(test: str, value: Decimal, from_unit: str, to_unit: str) -> Decimal:
    spec = LAB_TESTS[test]
    to_unit = normalize_unit(to_unit)
    if to_unit not in spec.factors:
        raise UnknownUnit(to_unit)
    return to_canonical(test, value, from_unit) / spec.factors[to_unit]
