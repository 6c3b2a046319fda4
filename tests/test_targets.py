from datetime import date
from decimal import Decimal

import pytest

from tracker.domain.ages import age_in_years
from tracker.domain.targets import (
    EFSA_2015,
    IOM_1998,
    LIFE_STAGES,
    NIH_ODS_IOM_1998,
    STANDARDS,
    UK_COMA_1991,
    life_stage,
    reference_intake,
)

TODAY = date(2026, 6, 15)
NOT_PREGNANT = "not_applicable"

# One person per life stage on TODAY: (birth date, pregnancy status).
PEOPLE = {
    "infant_0_6m": (date(2026, 3, 1), NOT_PREGNANT),
    "infant_7_12m": (date(2025, 10, 1), NOT_PREGNANT),
    "child_1_3": (date(2024, 6, 15), NOT_PREGNANT),
    "child_4_8": (date(2020, 6, 15), NOT_PREGNANT),
    "child_9_13": (date(2015, 1, 1), NOT_PREGNANT),
    "teen_14": (date(2012, 1, 1), NOT_PREGNANT),
    "teen_16": (date(2010, 1, 1), NOT_PREGNANT),
    "teen_18": (date(2008, 1, 1), NOT_PREGNANT),
    "adult": (date(1980, 1, 1), NOT_PREGNANT),
    "pregnancy": (date(1990, 1, 1), "pregnant"),
    "lactation": (date(1990, 1, 1), "lactating"),
}

US_NOTE = "No verified {standard} value for {who}; showing the US value."

# (person, requested standard) → (µg/day, standard used, life stage, fallback note or None).
EXPECTED = {
    ("infant_0_6m", "US"): ("0.4", "US", "infant_0_6m", None),
    ("infant_0_6m", "EU"): ("0.4", "US", "infant_0_6m", ("EU", "babies up to 6 months")),
    ("infant_0_6m", "UK"): ("0.4", "US", "infant_0_6m", ("UK", "babies up to 6 months")),
    ("infant_7_12m", "US"): ("0.5", "US", "infant_7_12m", None),
    ("infant_7_12m", "EU"): ("1.5", "EU", "infant_7_12m", None),
    ("infant_7_12m", "UK"): ("0.5", "US", "infant_7_12m", ("UK", "babies aged 7 to 12 months")),
    ("child_1_3", "US"): ("0.9", "US", "child_1_3", None),
    ("child_1_3", "EU"): ("0.9", "US", "child_1_3", ("EU", "children aged 1 to 3")),
    ("child_1_3", "UK"): ("0.9", "US", "child_1_3", ("UK", "children aged 1 to 3")),
    ("child_4_8", "US"): ("1.2", "US", "child_4_8", None),
    ("child_4_8", "EU"): ("1.2", "US", "child_4_8", ("EU", "children aged 4 to 8")),
    ("child_4_8", "UK"): ("1.2", "US", "child_4_8", ("UK", "children aged 4 to 8")),
    ("child_9_13", "US"): ("1.8", "US", "child_9_13", None),
    ("child_9_13", "EU"): ("1.8", "US", "child_9_13", ("EU", "children aged 9 to 13")),
    ("child_9_13", "UK"): ("1.8", "US", "child_9_13", ("UK", "children aged 9 to 13")),
    ("teen_14", "US"): ("2.4", "US", "teen_14_18", None),
    ("teen_14", "EU"): ("2.4", "US", "teen_14_18", ("EU", "age 14")),
    ("teen_14", "UK"): ("2.4", "US", "teen_14_18", ("UK", "age 14")),
    ("teen_16", "US"): ("2.4", "US", "teen_14_18", None),
    ("teen_16", "EU"): ("4", "EU", "teen_14_18", None),
    ("teen_16", "UK"): ("1.5", "UK", "teen_14_18", None),
    ("teen_18", "US"): ("2.4", "US", "teen_14_18", None),
    ("teen_18", "EU"): ("4", "EU", "teen_14_18", None),
    ("teen_18", "UK"): ("1.5", "UK", "teen_14_18", None),
    ("adult", "US"): ("2.4", "US", "adult", None),
    ("adult", "EU"): ("4", "EU", "adult", None),
    ("adult", "UK"): ("1.5", "UK", "adult", None),
    ("pregnancy", "US"): ("2.6", "US", "pregnancy", None),
    ("pregnancy", "EU"): ("4.5", "EU", "pregnancy", None),
    ("pregnancy", "UK"): ("2.6", "US", "pregnancy", ("UK", "pregnancy")),
    ("lactation", "US"): ("2.8", "US", "lactation", None),
    ("lactation", "EU"): ("5", "EU", "lactation", None),
    ("lactation", "UK"): ("2.0", "UK", "lactation", None),
}

SOURCE_URLS = {
    "US": {IOM_1998.url, NIH_ODS_IOM_1998.url},
    "EU": {EFSA_2015.url},
    "UK": {UK_COMA_1991.url},
}


def _intake(person: str, standard: str):
    birth_date, pregnancy_status = PEOPLE[person]
    return reference_intake(
        standard=standard, birth_date=birth_date, today=TODAY, pregnancy_status=pregnancy_status
    )


def test_the_expected_table_covers_every_person_and_standard():
    assert set(EXPECTED) == {(person, standard) for person in PEOPLE for standard in STANDARDS}
    assert {stage for _, _, stage, _ in EXPECTED.values()} == set(LIFE_STAGES)


@pytest.mark.parametrize(("person", "standard"), sorted(EXPECTED))
def test_each_life_stage_and_standard_gives_the_verified_value_or_the_us_fallback(person, standard):
    ug, used, stage, note = EXPECTED[(person, standard)]
    result = _intake(person, standard)
    assert result.ug_per_day == Decimal(ug)
    assert result.standard == used
    assert result.requested_standard == standard
    assert result.life_stage == stage
    if note is None:
        assert result.fallback_note is None
    else:
        requested, who = note
        assert result.fallback_note == US_NOTE.format(standard=requested, who=who)


@pytest.mark.parametrize(("person", "standard"), sorted(EXPECTED))
def test_each_result_carries_the_source_of_the_standard_actually_used(person, standard):
    result = _intake(person, standard)
    assert result.source_url.startswith("https://")
    assert result.source_url in SOURCE_URLS[result.standard]
    assert result.source_title


def test_the_us_adult_value_cites_iom_and_the_other_us_values_cite_nih_ods():
    assert _intake("adult", "US").source_url == "https://www.ncbi.nlm.nih.gov/books/NBK114302/"
    assert _intake("child_1_3", "US").source_url == (
        "https://ods.od.nih.gov/factsheets/VitaminB12-HealthProfessional/"
    )


def test_the_sources_are_named_as_domain_names_them():
    assert EFSA_2015.url == "https://www.efsa.europa.eu/en/efsajournal/pub/4150"
    assert UK_COMA_1991.title == "UK Dietary Reference Values (COMA 1991) via NHS"
    assert UK_COMA_1991.url == "https://www.nhs.uk/conditions/vitamins-and-minerals/vitamin-b/"


def test_a_fallback_is_always_to_the_us_value_for_the_same_life_stage():
    for (person, standard), (_, used, _, note) in EXPECTED.items():
        result = _intake(person, standard)
        us = _intake(person, "US")
        if note is not None:
            assert used == "US"
            assert (result.ug_per_day, result.source_url) == (us.ug_per_day, us.source_url)


def test_the_fallback_note_is_plain_text():
    note = _intake("pregnancy", "UK").fallback_note
    assert type(note) is str
    assert note == "No verified UK value for pregnancy; showing the US value."


@pytest.mark.parametrize("standard", STANDARDS)
def test_pregnancy_overrides_a_teenage_age(standard):
    result = reference_intake(
        standard=standard, birth_date=date(2012, 1, 1), today=TODAY, pregnancy_status="pregnant"
    )
    assert result.life_stage == "pregnancy"
    assert result.ug_per_day == Decimal({"US": "2.6", "EU": "4.5", "UK": "2.6"}[standard])


@pytest.mark.parametrize("standard", STANDARDS)
def test_lactation_overrides_a_teenage_age(standard):
    result = reference_intake(
        standard=standard, birth_date=date(2010, 1, 1), today=TODAY, pregnancy_status="lactating"
    )
    assert result.life_stage == "lactation"
    assert result.ug_per_day == Decimal({"US": "2.8", "EU": "5", "UK": "2.0"}[standard])
    assert result.fallback_note is None


@pytest.mark.parametrize(
    ("pregnancy_status", "stage"),
    [("pregnant", "pregnancy"), ("lactating", "lactation"), (NOT_PREGNANT, "adult")],
)
def test_pregnancy_status_applies_without_a_birth_date(pregnancy_status, stage):
    assert life_stage(birth_date=None, today=TODAY, pregnancy_status=pregnancy_status) == stage


@pytest.mark.parametrize(
    ("standard", "ug"), [("US", Decimal("2.4")), ("EU", Decimal(4)), ("UK", Decimal("1.5"))]
)
def test_no_birth_date_counts_as_an_adult_and_says_nothing_about_it(standard, ug):
    result = reference_intake(
        standard=standard, birth_date=None, today=TODAY, pregnancy_status=NOT_PREGNANT
    )
    assert result.life_stage == "adult"
    assert result.ug_per_day == ug
    assert result.standard == standard
    assert result.fallback_note is None


BORN = date(2020, 3, 10)


@pytest.mark.parametrize(
    ("today", "stage"),
    [
        (date(2020, 3, 10), "infant_0_6m"),  # the day of birth
        (date(2020, 10, 9), "infant_0_6m"),  # 6 months and 29 days
        (date(2020, 10, 10), "infant_7_12m"),  # 7 months
        (date(2021, 3, 9), "infant_7_12m"),  # the day before the 1st birthday
        (date(2021, 3, 10), "child_1_3"),
        (date(2024, 3, 9), "child_1_3"),
        (date(2024, 3, 10), "child_4_8"),  # 4th birthday
        (date(2029, 3, 9), "child_4_8"),
        (date(2029, 3, 10), "child_9_13"),  # 9th birthday
        (date(2034, 3, 9), "child_9_13"),
        (date(2034, 3, 10), "teen_14_18"),  # 14th birthday
        (date(2039, 3, 9), "teen_14_18"),
        (date(2039, 3, 10), "adult"),  # 19th birthday
    ],
)
def test_life_stage_changes_on_the_birthday_not_the_day_before(today, stage):
    assert life_stage(birth_date=BORN, today=today, pregnancy_status=NOT_PREGNANT) == stage


@pytest.mark.parametrize("standard", ["EU", "UK"])
def test_eu_and_uk_teenage_values_start_on_the_15th_birthday(standard):
    day_before = reference_intake(
        standard=standard, birth_date=BORN, today=date(2035, 3, 9), pregnancy_status=NOT_PREGNANT
    )
    birthday = reference_intake(
        standard=standard, birth_date=BORN, today=date(2035, 3, 10), pregnancy_status=NOT_PREGNANT
    )
    assert (day_before.standard, day_before.ug_per_day) == ("US", Decimal("2.4"))
    assert day_before.fallback_note == US_NOTE.format(standard=standard, who="age 14")
    assert birthday.standard == standard
    assert birthday.fallback_note is None


@pytest.mark.parametrize(
    ("today", "stage"),
    [(date(2025, 8, 30), "infant_0_6m"), (date(2025, 8, 31), "infant_7_12m")],
)
def test_a_baby_born_on_the_31st_turns_7_months_on_the_31st(today, stage):
    born = date(2025, 1, 31)
    assert life_stage(birth_date=born, today=today, pregnancy_status=NOT_PREGNANT) == stage


@pytest.mark.parametrize(
    ("today", "stage"),
    [(date(2025, 2, 28), "infant_7_12m"), (date(2025, 3, 1), "child_1_3")],
)
def test_a_leap_day_baby_turns_1_on_the_1st_of_march_like_age_in_years(today, stage):
    born = date(2024, 2, 29)
    assert life_stage(birth_date=born, today=today, pregnancy_status=NOT_PREGNANT) == stage
    assert age_in_years(born, today) == (0 if stage == "infant_7_12m" else 1)


def test_life_stage_years_agree_with_age_in_years_on_every_day_of_a_leap_year_span():
    born = date(2008, 2, 29)
    bands = {"child_1_3": (1, 3), "child_4_8": (4, 8), "child_9_13": (9, 13)}
    for year in range(2010, 2022):
        for month, day in [(2, 28), (3, 1), (12, 31), (1, 1)]:
            today = date(year, month, day)
            stage = life_stage(birth_date=born, today=today, pregnancy_status=NOT_PREGNANT)
            age = age_in_years(born, today)
            assert age is not None
            low, high = bands[stage]
            assert low <= age <= high


@pytest.mark.parametrize("days_ahead", [1, 2])
def test_a_birth_date_just_after_today_counts_as_a_newborn(days_ahead):
    born = date(2026, 6, 15 + days_ahead)
    assert life_stage(birth_date=born, today=TODAY, pregnancy_status=NOT_PREGNANT) == (
        "infant_0_6m"
    )


@pytest.mark.parametrize("standard", ["us", "FR", "", "EFSA"])
def test_an_unknown_standard_is_refused(standard):
    with pytest.raises(ValueError, match="standard"):
        reference_intake(
            standard=standard, birth_date=None, today=TODAY, pregnancy_status=NOT_PREGNANT
        )


def test_an_unknown_pregnancy_status_is_refused():
    with pytest.raises(ValueError, match="pregnancy status"):
        life_stage(birth_date=None, today=TODAY, pregnancy_status="maybe")
    with pytest.raises(ValueError, match="pregnancy status"):
        reference_intake(standard="US", birth_date=None, today=TODAY, pregnancy_status="")
