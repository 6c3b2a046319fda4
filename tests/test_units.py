from decimal import Decimal

import pytest

from tracker.domain.units import LAB_TESTS, UnknownUnit, convert, normalize_unit, to_canonical


@pytest.mark.parametrize(
    ("test", "value", "unit", "canonical"),
    [
        ("serum_b12", "300", "pg/mL", "221.34"),  # 1 pg/mL = 0.7378 pmol/L (DOMAIN §4)
        ("serum_b12", "300", "ng/L", "221.34"),
        ("serum_b12", "148", "pmol/L", "148"),
        ("mma", "0.75", "\u00b5mol/L", "750"),  # 1 µmol/L = 1000 nmol/L
        ("mma", "271", "nmol/L", "271"),
        ("haemoglobin", "13.5", "g/dL", "135"),
        ("folate", "5", "\u00b5g/L", "5"),
        ("homocysteine", "15", "\u00b5mol/L", "15"),
        ("mcv", "90", "fL", "90"),
        ("holotc", "25", "pmol/L", "25"),
    ],
)
def test_conversion_to_the_canonical_unit(test, value, unit, canonical):
    assert to_canonical(test, Decimal(value), unit) == Decimal(canonical)


def test_round_trip_pmol_to_pg_and_back():
    pg = convert("serum_b12", Decimal("221.34"), "pmol/L", "pg/mL")
    assert pg == Decimal(300)
    assert convert("serum_b12", pg, "pg/mL", "pmol/L") == Decimal("221.34")


@pytest.mark.parametrize(
    ("raw", "normalized"),
    [
        ("umol/L", "\u00b5mol/L"),
        ("\u03bcmol/L", "\u00b5mol/L"),  # Greek small mu
        ("\u00b5mol/l", "\u00b5mol/L"),
        (" pg/ml ", "pg/mL"),
        ("PG/ML", "pg/mL"),
        ("g/dl", "g/dL"),
        ("fl", "fL"),
        ("pmol/l", "pmol/L"),
        ("ug/L", "\u00b5g/L"),
    ],
)
def test_unit_spellings_normalize(raw, normalized):
    assert normalize_unit(raw) == normalized


def test_units_without_a_verified_factor_are_refused():
    with pytest.raises(UnknownUnit):
        to_canonical("folate", Decimal(10), "nmol/L")
    with pytest.raises(UnknownUnit):
        to_canonical("serum_b12", Decimal(10), "mg/dL")


def test_every_test_has_its_canonical_unit_among_its_units_with_factor_one():
    for spec in LAB_TESTS.values():
        assert spec.factors[spec.canonical_unit] == Decimal(1)
        assert spec.max_canonical > 0


def test_loinc_codes_from_the_domain_reference():
    assert LAB_TESTS["serum_b12"].loinc == "2132-9"
    assert LAB_TESTS["mma"].loinc == "13964-2"
