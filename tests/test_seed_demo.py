"""manage.py seed_demo and ensure_demo_account: believable, consistent, repeatable demo data."""

import re
import stat
from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from io import StringIO
from itertools import pairwise
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command

from tests.factories import PASSWORD, make_food, make_user
from tracker.domain.safety import RISE_WINDOW, assess_entry
from tracker.domain.units import LAB_TESTS, to_canonical
from tracker.management.commands.ensure_demo_account import DEMO_EMAIL
from tracker.models import (
    Alert,
    DoseStatus,
    Food,
    FoodIntake,
    Injection,
    InjectionPlan,
    LabResult,
    Supplement,
    SupplementDose,
    SymptomEntry,
    User,
)

pytestmark = pytest.mark.django_db

# A Wednesday, 12:00 in London (BST): today's breakfast and dose are logged, dinner is not yet.
NOW = datetime(2025, 6, 18, 11, 0, tzinfo=UTC)
LONDON = ZoneInfo("Europe/London")
TODAY = date(2025, 6, 18)
EMAIL = "demo-seed@example.org"


@pytest.fixture(autouse=True)
def _frozen_clock():  # type: ignore[no-untyped-def]
    with time_machine.travel(NOW, tick=False):
        yield


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def ensure_demo() -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("ensure_demo_account", stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def seeded(days: int, email: str = EMAIL, *extra: str) -> User:
    seed("--email", email, "--days", str(days), *extra)
    return User.objects.select_related("profile").get(email=email)


def local(instant: datetime, zone: ZoneInfo = LONDON) -> datetime:
    return instant.astimezone(zone)


def history(user: User) -> dict[str, list[tuple[object, ...]]]:
    """What a person would see, without ids and write times: equal for equal histories."""
    return {
        "intakes": [
            (i.eaten_at, i.meal, i.food.name, i.grams, i.portions, i.b12_ug, i.note)
            for i in FoodIntake.objects.filter(owner=user)
            .select_related("food")
            .order_by("eaten_at", "food__name")
        ],
        "doses": [
            (d.scheduled_for, d.status, d.taken_at, d.b12_ug, d.source)
            for d in SupplementDose.objects.filter(owner=user).order_by("scheduled_for")
        ],
        "injections": [
            (j.given_at, j.site, j.lot, j.dose_ug)
            for j in Injection.objects.filter(owner=user).order_by("given_at")
        ],
        "diary": [
            (s.recorded_at, s.symptom, s.severity, s.note)
            for s in SymptomEntry.objects.filter(owner=user).order_by("recorded_at", "symptom")
        ],
        "labs": [
            (lab.sampled_at, lab.test, lab.value, lab.unit)
            for lab in LabResult.objects.filter(owner=user).order_by("sampled_at", "test")
        ],
    }


# --- the person ---


def test_a_new_person_gets_a_demo_profile_and_a_generated_password_that_is_printed():
    output = seed("--email", "New.Person@Example.org", "--days", "30")

    user = User.objects.select_related("profile").get(email="new.person@example.org")
    password = re.search(r"Password: (\S+)", output)
    assert password and user.check_password(password.group(1))
    profile = user.profile
    assert profile.timezone == "Europe/London"
    assert profile.diet_type == "vegan"
    assert profile.birth_date is not None
    assert profile.reference_standard == "UK"
    assert profile.disclaimer_accepted_at == NOW
    assert "30 days" in output and " s." in output  # the summary with the elapsed time


def test_a_given_password_and_time_zone_are_used_and_the_password_is_not_printed():
    output = seed(
        "--email", EMAIL, "--days", "7", "--password", "a-demo-pass-42", "--timezone", "Asia/Tokyo"
    )

    user = User.objects.select_related("profile").get(email=EMAIL)
    assert user.check_password("a-demo-pass-42")
    assert "a-demo-pass-42" not in output and "Password:" not in output
    assert user.profile.timezone == "Asia/Tokyo"
    assert user.profile.reference_standard == "US"


def test_an_existing_person_without_records_keeps_password_zone_and_profile():
    make_user(email=EMAIL, timezone="America/New_York")

    seed("--email", EMAIL, "--days", "14", "--password", "ignored-password", "--timezone", "UTC")

    user = User.objects.select_related("profile").get(email=EMAIL)
    assert user.check_password(PASSWORD)
    assert user.profile.timezone == "America/New_York"
    assert user.profile.diet_type == ""
    new_york = ZoneInfo("America/New_York")
    doses = SupplementDose.objects.filter(owner=user)
    assert doses and {local(d.scheduled_for, new_york).time() for d in doses} == {time(8, 0)}


@pytest.mark.parametrize(
    "args", [["--days", "6"], ["--days", "3651"], ["--timezone", "Mars/Olympus"]]
)
def test_out_of_range_days_and_unknown_zones_are_refused(args):
    with pytest.raises(CommandError):
        seed("--email", EMAIL, *args)
    assert not User.objects.filter(email=EMAIL).exists()


def test_seeding_is_refused_in_production(settings):
    settings.IS_PRODUCTION = True

    with pytest.raises(CommandError, match="production"):
        seed("--email", EMAIL)
    assert not User.objects.filter(email=EMAIL).exists()


# --- the history ---


@pytest.mark.parametrize("days", [30, 365])
def test_the_history_has_about_four_food_entries_and_one_scheduled_dose_a_day(days):
    user = seeded(days)

    intakes = FoodIntake.objects.filter(owner=user)
    assert 3.3 * days <= intakes.count() <= 4.7 * days
    assert {i.meal for i in intakes} == {"breakfast", "lunch", "dinner", "snack"}
    doses = list(SupplementDose.objects.filter(owner=user))
    # Today's 08:00 dose is recorded only once taken; every other day has exactly one.
    assert days - 1 <= len(doses) <= days
    assert len({local(d.scheduled_for).date() for d in doses}) == len(doses)
    assert {local(d.scheduled_for).time() for d in doses} == {time(8, 0)}
    statuses = Counter(d.status for d in doses)
    assert 0.75 <= statuses["taken"] / len(doses) <= 0.97
    assert statuses["skipped"] + statuses["missed"] > 0
    if days >= 365:
        assert set(statuses) == set(DoseStatus.values)
    assert Supplement.objects.filter(owner=user, active=True).count() == 1


@pytest.mark.parametrize("days", [30, 365])
def test_injections_come_about_every_eight_weeks_on_rotating_sites(days):
    user = seeded(days)

    plan = InjectionPlan.objects.get(owner=user)
    assert (plan.dose_ug, plan.dose_unit, plan.route) == (Decimal(1000), "mg", "im")
    assert plan.maintenance_interval_days == 56
    injections = list(Injection.objects.filter(owner=user).order_by("given_at"))
    assert max(1, days // 56) <= len(injections) <= days // 56 + 1
    given = [local(j.given_at).date() for j in injections]
    assert plan.start_date == given[0]
    assert all(50 <= (later - earlier).days <= 63 for earlier, later in pairwise(given))
    # The last dose lies within one interval, so the plan is not overdue on seeding day.
    assert 0 < (TODAY - given[-1]).days < 56
    assert all(j.plan_id == plan.pk and j.dose_ug == plan.dose_ug for j in injections)
    assert all(earlier.site != later.site for earlier, later in pairwise(injections))
    if days >= 365:
        assert len({j.site for j in injections}) == 4
    assert all(day.weekday() < 5 for day in given)


@pytest.mark.parametrize("days", [30, 365])
def test_the_symptom_diary_is_written_about_three_times_a_week(days):
    user = seeded(days)

    entries = list(SymptomEntry.objects.filter(owner=user))
    diary_days = {local(e.recorded_at).date() for e in entries}
    weeks = days / 7
    assert 2.0 * weeks <= len(diary_days) <= 3.6 * weeks
    assert len(diary_days) <= len(entries) <= 5 * len(diary_days)
    assert {e.symptom for e in entries} >= {"tiredness", "pins_and_needles", "back_pain"}
    # Mild to moderate only (NRS 1–3 mild, 4–6 moderate).
    assert all(1 <= e.severity <= 6 for e in entries)


def test_the_diary_never_raises_a_red_flag():
    user = seeded(730)

    assert not Alert.objects.filter(owner=user).exists()
    entries = list(SymptomEntry.objects.filter(owner=user).order_by("recorded_at"))
    for entry in entries:
        earlier = [
            (e.recorded_at, e.severity)
            for e in entries
            if e.symptom == entry.symptom
            and entry.recorded_at - RISE_WINDOW <= e.recorded_at < entry.recorded_at
        ]
        findings = assess_entry(
            symptom=entry.symptom,
            severity=entry.severity,
            tags=entry.red_flags,
            recorded_at=entry.recorded_at,
            earlier=earlier,
        )
        assert findings == [], (entry.symptom, entry.severity, entry.recorded_at)


@pytest.mark.parametrize("days", [30, 365])
def test_labs_are_quarterly_with_the_labs_own_range(days):
    user = seeded(days)

    labs = list(LabResult.objects.filter(owner=user).order_by("sampled_at"))
    serum = [lab for lab in labs if lab.test == "serum_b12"]
    assert days // 91 <= len(serum) <= days // 91 + 1
    sampled = [local(lab.sampled_at).date() for lab in serum]
    assert all(70 <= (later - earlier).days <= 110 for earlier, later in pairwise(sampled))
    assert {lab.test for lab in labs} <= {"serum_b12", "mma", "holotc"}
    for lab in labs:
        assert lab.reference_low is not None and lab.reference_high is not None
        assert lab.reference_low <= lab.value <= lab.reference_high
    if days >= 365:
        assert {lab.unit for lab in serum} == {"pg/mL", "pmol/L"}
        assert {lab.test for lab in labs} == {"serum_b12", "mma", "holotc"}


def test_a_lab_is_never_drawn_within_two_weeks_after_an_injection():
    user = seeded(730)

    given = [local(j.given_at).date() for j in Injection.objects.filter(owner=user)]
    for lab in LabResult.objects.filter(owner=user):
        sampled = local(lab.sampled_at).date()
        assert all(not 0 <= (sampled - day).days < 15 for day in given)


@pytest.mark.parametrize("days", [30, 365])
def test_the_history_ends_now_and_starts_on_the_first_local_day(days):
    user = seeded(days)

    first = datetime.combine(TODAY - timedelta(days=days - 1), time.min, tzinfo=LONDON)
    instants = [
        *FoodIntake.objects.filter(owner=user).values_list("eaten_at", flat=True),
        *SupplementDose.objects.filter(owner=user).values_list("occurred_at", flat=True),
        *Injection.objects.filter(owner=user).values_list("given_at", flat=True),
        *SymptomEntry.objects.filter(owner=user).values_list("recorded_at", flat=True),
        *LabResult.objects.filter(owner=user).values_list("sampled_at", flat=True),
    ]
    assert all(first <= instant <= NOW for instant in instants)
    assert min(instants) < first + timedelta(days=2)
    assert max(instants) > NOW - timedelta(days=1)


# --- snapshots, as the services compute them ---


def test_every_intake_snapshot_is_grams_times_b12_per_100_g():
    user = seeded(365)

    intakes = list(FoodIntake.objects.filter(owner=user).select_related("food"))
    for intake in intakes:
        food = intake.food
        expected = (food.b12_ug_per_100g * intake.grams / 100).quantize(
            Decimal("0.001"), rounding=ROUND_HALF_UP
        )
        assert intake.b12_ug == expected
        assert intake.food_is_pseudo_b12 == food.is_pseudo_b12
        if intake.portions is not None:
            assert food.portion_grams is not None
            assert intake.grams == food.portion_grams * intake.portions
    assert any(i.portions is not None for i in intakes)
    assert any(i.portions is None for i in intakes)
    assert any(i.food_is_pseudo_b12 for i in intakes)  # the demo shows the pseudo-B12 warning


def test_taken_doses_snapshot_the_supplement_dose_and_skipped_or_missed_ones_zero():
    user = seeded(365)

    supplement = Supplement.objects.get(owner=user)
    assert (supplement.form, supplement.route, supplement.dose_ug) == (
        "cyanocobalamin",
        "oral",
        Decimal(50),
    )
    for dose in SupplementDose.objects.filter(owner=user):
        assert dose.route == supplement.route
        assert dose.units == 1
        if dose.status == DoseStatus.TAKEN:
            assert dose.b12_ug == supplement.dose_ug * dose.units
            assert dose.taken_at is not None and dose.occurred_at == dose.taken_at
            assert dose.source in {"manual", "reminder"}
        else:
            assert dose.b12_ug == 0
            assert dose.taken_at is None and dose.occurred_at == dose.scheduled_for
            expected = {"auto_missed"} if dose.status == "missed" else {"manual", "reminder"}
            assert dose.source in expected


def test_lab_canonical_values_come_from_the_unit_conversion():
    user = seeded(730)

    for lab in LabResult.objects.filter(owner=user):
        expected = to_canonical(lab.test, lab.value, lab.unit).quantize(Decimal("0.0001"))
        assert lab.canonical_value == expected
        assert lab.canonical_unit == LAB_TESTS[lab.test].canonical_unit


# --- foods ---


def test_an_empty_catalogue_gives_the_person_label_foods_of_their_own():
    user = seeded(30)

    own = Food.objects.filter(owner=user)
    assert own.count() == 9
    assert all(food.source == Food.SOURCE_LABEL for food in own)
    assert own.filter(is_pseudo_b12=True).count() == 1  # spirulina
    used = set(FoodIntake.objects.filter(owner=user).values_list("food__owner", flat=True))
    assert used == {user.pk}


def test_catalogue_foods_are_used_by_name_when_the_catalogue_holds_them():
    oat = make_food(name="Oat milk", b12_ug_per_100g="0.5", portion_grams=None)
    make_food(name="NUTRITIONAL YEAST", b12_ug_per_100g="150", portion_grams=Decimal(16))
    yeast = make_food(name="NUTRITIONAL YEAST", b12_ug_per_100g="150", portion_grams=Decimal(5))
    make_food(name="Some other food", b12_ug_per_100g="9")

    user = seeded(60)

    used = set(FoodIntake.objects.filter(owner=user).values_list("food", flat=True))
    assert {oat.pk, yeast.pk} <= used  # the yeast with the portion nearest a tablespoon
    assert Food.objects.filter(owner=user).count() == 7
    assert not Food.objects.filter(owner=user, name__in=["Fortified oat drink"]).exists()


# --- repeatability and re-runs ---


def test_the_same_seed_gives_the_same_history_and_another_seed_another():
    first = seeded(120, "one@example.org", "--seed", "7")
    second = seeded(120, "two@example.org", "--seed", "7")
    third = seeded(120, "three@example.org", "--seed", "8")

    assert history(first) == history(second)
    assert history(first)["intakes"]  # not trivially equal
    assert history(first) != history(third)


def test_seeding_a_person_who_has_records_is_refused_and_adds_nothing():
    user = seeded(30)
    before = history(user)

    with pytest.raises(CommandError, match="--replace"):
        seed("--email", EMAIL, "--days", "30")

    assert history(user) == before
    assert Supplement.objects.filter(owner=user).count() == 1


def test_replace_deletes_the_earlier_records_and_seeds_them_again():
    user = seeded(30, EMAIL, "--seed", "3")
    old_ids = set(FoodIntake.objects.filter(owner=user).values_list("id", flat=True))
    expected = history(seeded(30, "fresh@example.org", "--seed", "5"))

    output = seed("--email", EMAIL, "--days", "30", "--seed", "5", "--replace")

    assert "Deleted" in output
    assert history(user) == expected
    assert not FoodIntake.objects.filter(id__in=old_ids).exists()
    assert Supplement.objects.filter(owner=user).count() == 1
    assert InjectionPlan.objects.filter(owner=user).count() == 1
    assert Food.objects.filter(owner=user).count() == 9  # label foods replaced, not doubled


def test_replace_leaves_other_people_alone():
    other = seeded(30, "other@example.org")
    before = history(other)
    seeded(30)

    seed("--email", EMAIL, "--days", "30", "--replace")

    assert history(other) == before


# --- the demo account of `make run` ---


@pytest.fixture
def var_dir(settings, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    settings.VAR_DIR = tmp_path
    return tmp_path


def printed_password(output: str) -> str:
    found = re.search(rf"{re.escape(DEMO_EMAIL)} / (\S+)", output)
    assert found, output
    return found.group(1)


def test_the_demo_account_is_created_once_with_ninety_days_and_its_sign_in_printed_each_time(
    var_dir,
):
    first, _ = ensure_demo()
    user = User.objects.select_related("profile").get(email=DEMO_EMAIL)
    counts = {kind: kind.objects.filter(owner=user).count() for kind in (FoodIntake, LabResult)}
    second, _ = ensure_demo()

    assert "Created the demo account" in first and "Created" not in second
    password = printed_password(first)
    assert printed_password(second) == password
    assert user.check_password(password)
    assert (var_dir / "demo-password.txt").read_text().strip() == password
    assert stat.S_IMODE((var_dir / "demo-password.txt").stat().st_mode) == 0o600
    assert {kind: kind.objects.filter(owner=user).count() for kind in counts} == counts
    assert User.objects.filter(email=DEMO_EMAIL).count() == 1
    doses = SupplementDose.objects.filter(owner=user).count()
    assert 89 <= doses <= 90
    assert user.profile.diet_type == "vegan" and user.profile.disclaimer_accepted_at is not None


def test_a_lost_demo_password_file_gets_a_new_password_and_no_new_history(var_dir):
    first, _ = ensure_demo()
    user = User.objects.get(email=DEMO_EMAIL)
    intakes = FoodIntake.objects.filter(owner=user).count()
    (var_dir / "demo-password.txt").unlink()

    second, _ = ensure_demo()

    password = printed_password(second)
    assert password != printed_password(first)
    user.refresh_from_db()
    assert user.check_password(password)
    assert (var_dir / "demo-password.txt").read_text().strip() == password
    assert FoodIntake.objects.filter(owner=user).count() == intakes


def test_a_kept_password_file_is_reused_for_a_fresh_database(var_dir):
    (var_dir / "demo-password.txt").write_text("kept-demo-password\n")

    output, _ = ensure_demo()

    assert printed_password(output) == "kept-demo-password"
    assert User.objects.get(email=DEMO_EMAIL).check_password("kept-demo-password")


def test_the_demo_account_is_never_created_in_production(settings, var_dir):
    settings.IS_PRODUCTION = True

    output, errors = ensure_demo()

    assert "production" in errors
    assert output == ""
    assert not User.objects.filter(email=DEMO_EMAIL).exists()
    assert not (var_dir / "demo-password.txt").exists()


def test_make_run_prints_the_demo_sign_in_before_starting_the_servers():
    makefile = (Path(django_settings.BASE_DIR) / "Makefile").read_text()
    run = makefile.split("\nrun:", 1)[1].split("\n\n", 1)[0]

    assert run.index("ensure_demo_account") < run.index("honcho")
