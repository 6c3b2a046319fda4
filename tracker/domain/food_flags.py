"""Search names and B12 flags for foods, from a food's name and category alone.

Sources (../shared/DOMAIN.md §2 and §7):
- Plant foods contain no B12 unless fortified; fortified vegan sources are plant milks and
  yoghurts, breakfast cereals, yeast extracts, nutritional yeast and some meat analogues
  (NIH ODS, Vitamin B12 fact sheet, https://ods.od.nih.gov/factsheets/VitaminB12-HealthProfessional/).
- Spirulina, chlorella and most other algae carry mostly inactive pseudo-B12; dried purple laver
  (nori) is the exception with active B12 (Watanabe 2007, Exp Biol Med 232:1266,
  https://doi.org/10.3181/0703-MR-67).

These are keyword heuristics over USDA names, tested against real catalogue rows
(tests/test_food_flags.py). When a name is ambiguous they err on the side that does not inflate
someone's B12 count: an unnamed "seaweed" counts as pseudo-B12.
"""

import functools
import re
import unicodedata
from decimal import Decimal

_APOSTROPHES = re.compile(r"['\u2019`]")
_SEPARATORS = re.compile(r"[\W_]+")


def normalize_search_name(name: str) -> str:
    """Lower-case, accent-free words between single spaces: "Crème Brûlée" → "creme brulee"."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    unaccented = "".join(char for char in decomposed if not unicodedata.combining(char))
    # "Kellogg's" → "kelloggs", so a query without the apostrophe still matches whole words.
    return _SEPARATORS.sub(" ", _APOSTROPHES.sub("", unaccented)).strip()


def _padded(text: str) -> str:
    # Spaces at both ends let `f" {phrase} "` match whole words and phrases only, so "kombu"
    # does not match "kombucha" nor "oat" "goat". Commas stay as a token: USDA names list
    # ingredients between commas, and "Burrito, with beans and rice, cheese" is no rice cheese.
    segments = (normalize_search_name(segment) for segment in text.split(","))
    return f" {' , '.join(segment for segment in segments if segment)} "


@functools.cache
def _pattern(phrases: frozenset[str]) -> re.Pattern[str]:
    # One regular expression per list: the import classifies ~17k names.
    alternatives = "|".join(re.escape(phrase) for phrase in sorted(phrases, key=len, reverse=True))
    return re.compile(f" (?:{alternatives}) ")


def _mentions(padded_text: str, phrases: frozenset[str]) -> bool:
    return _pattern(phrases).search(padded_text) is not None


# --- pseudo-B12 (Watanabe 2007) ---

ALGAE = frozenset(
    {
        "spirulina",
        "chlorella",
        "alga",
        "algae",
        "seaweed",
        "seaweeds",
        "sea vegetable",
        "sea vegetables",
        "kelp",
        "kombu",
        "wakame",
        "dulse",
        "agar",
        "hijiki",
        "arame",
        "irish moss",
        "irishmoss",
        "sea moss",
        "seamoss",
        "sea lettuce",
        "bladderwrack",
        "aphanizomenon",
        "klamath",
    }
)
# Purple laver (Porphyra), sold as nori, carries active B12.
NORI = frozenset({"nori", "laver", "porphyra"})


def is_pseudo_b12(name: str, category: str) -> bool:
    text = _padded(name)
    if _mentions(text, NORI):
        return False
    return _mentions(text, ALGAE) or _mentions(_padded(category), ALGAE)


# --- fortified (NIH ODS: plant foods have no B12 unless fortified) ---

# Bases of plant milks, drinks and yoghurts; combined with PLANT_DAIRY_KINDS as "soy milk" or,
# in USDA's inverted style, "Yogurt, soy".
PLANT_BASES = frozenset(
    {
        "soy",
        "soya",
        "oat",
        "almond",
        "rice",
        "coconut",
        "cashew",
        "pea",
        "hemp",
        "flax",
        "hazelnut",
        "macadamia",
        "quinoa",
        "walnut",
        "pistachio",
        "sunflower",
        "tofu",
        "plant",
    }
)
PLANT_DAIRY_KINDS = frozenset(
    {"milk", "drink", "beverage", "yogurt", "yoghurt", "creamer", "cheese", "ice cream"}
)
PLANT_BASED = (
    frozenset(f"{base} {kind}" for base in PLANT_BASES for kind in PLANT_DAIRY_KINDS)
    | frozenset(f"{kind} , {base}" for base in PLANT_BASES for kind in PLANT_DAIRY_KINDS)
    | frozenset(f"{kind} alternative" for kind in PLANT_DAIRY_KINDS)
    | frozenset(
        {
            "soymilk",
            "oatmilk",
            "almondmilk",
            "ricemilk",
            "coconutmilk",
            "flaxmilk",
            "veggiemilk",
            "milkgurt",
            "oatmilkgurt",
            "non dairy",
            "nondairy",
            "dairy free",
            "dairy alternative",
            "vegan",
            "plant based",
            "plant protein",
            "made from plants",
        }
    )
)
# Words that make a meat name an analogue ("Chicken, meatless", "veggie burger")...
MEAT_ALTERNATIVES = frozenset(
    {
        "meatless",
        "meat free",
        "vegetarian",
        "veggie",
        "soyburger",
        "soyburgers",
        "seitan",
        "meat analog",
        "meat analogue",
        "meat alternative",
        "meat substitute",
    }
)
# ...when they qualify a meat-like product; "Lasagna, meatless" is a dish whose B12 comes from
# the cheese, not an analogue.
ANALOGUE_FORMS = frozenset(
    {
        "burger",
        "burgers",
        "patty",
        "patties",
        "fillet",
        "fillets",
        "nugget",
        "nuggets",
        "meatball",
        "meatballs",
        "meatloaf",
        "crumbles",
        "ground",
        "links",
        "slices",
        "sandwich spread",
        "steak",
        "cutlet",
        "cutlets",
        "tenders",
        "wings",
    }
)
# Foods with naturally occurring B12: their B12 says nothing about fortification.
DAIRY_AND_EGG = frozenset(
    {
        "milk",
        "milks",
        "dairy",
        "cheese",
        "cheddar",
        "mozzarella",
        "parmesan",
        "cream",
        "yogurt",
        "yoghurt",
        "kefir",
        "whey",
        "casein",
        "latte",
        "cappuccino",
        "mocha",
        "eggnog",
        "custard",
        "quiche",
        "egg",
        "eggs",
    }
)
MEAT_AND_FISH = frozenset(
    {
        "beef",
        "veal",
        "pork",
        "ham",
        "bacon",
        "lamb",
        "mutton",
        "goat",
        "venison",
        "chicken",
        "turkey",
        "duck",
        "goose",
        "poultry",
        "meat",
        "meats",
        "liver",
        "liverwurst",
        "kidney",
        "sausage",
        "sausages",
        "salami",
        "pepperoni",
        "frankfurter",
        "frankfurters",
        "hot dog",
        "jerky",
        "fish",
        "salmon",
        "tuna",
        "sardine",
        "sardines",
        "cod",
        "mackerel",
        "herring",
        "trout",
        "anchovy",
        "anchovies",
        "shrimp",
        "crab",
        "lobster",
        "clam",
        "clams",
        "oyster",
        "oysters",
        "mussel",
        "mussels",
        "scallop",
        "scallops",
        "squid",
        "octopus",
        "seafood",
        "collagen",
    }
)
# A name that says so overrides every rule below ("Soymilk, chocolate, unfortified").
UNFORTIFIED = frozenset({"unfortified", "not fortified", "non fortified", "nonfortified"})
# Kinds of product whose B12 can only have been added.
FORTIFIED_KINDS = frozenset(
    {
        "fortified",
        "tofu",
        "nutritional yeast",
        "yeast flakes",
        "yeast extract",
        "marmite",
        "vegemite",
        "promite",
        "cenovis",
        "cereal",
        "cereals",
        "granola",
        "muesli",
        "margarine",
        "vegetable oil spread",
        "buttery spread",
        "energy drink",
        "energy drinks",
        "energy shot",
        "energy bar",
        "energy bars",
        "energy gel",
        "protein bar",
        "protein bars",
        "nutrition bar",
        "nutrition bars",
        "granola bar",
        "granola bars",
        "cereal bar",
        "cereal bars",
        "breakfast bar",
        "meal replacement",
        "vitamin water",
    }
)
# Categories (normalised, compared whole) of plant-based products, breakfast cereals and products
# formulated with added vitamins: their names may carry dairy or meat words as flavours or
# analogues ("Chocolate sunflower milk", "Cookies & cream cereal", "Orange cream lean shake",
# "Hot & spicy sausage patties" among vegetarian frozen meats).
PLANT_CEREAL_AND_FORMULATED_CATEGORIES = frozenset(
    {
        "plant based milk",
        "plant based yogurt",
        "plant based water",
        "soy and meat alternative products",
        "vegetarian frozen meats",
        "breakfast cereals",
        "cereal",
        "cereals products ready to eat shelf stable",
        "processed cereal products",
        "cereal bars",
        "cereal muesli bars",
        "baby food cereals",
        "nutrition bars",
        "meal replacement supplements",
    }
)
# Survey (FNDDS) splits ready-to-eat cereals by sugar content: "Ready-to-eat cereal, higher …".
PLANT_CEREAL_AND_FORMULATED_PREFIXES = ("ready to eat cereal ",)
# Categories of other products without animal ingredients.
FORTIFIED_CATEGORIES = frozenset(
    {
        "margarine",
        "sport and energy drinks",
        "diet sport and energy drinks",
        "enhanced water",
        "flavored or carbonated water",
        "soft drinks",
        "diet soft drinks",
        "fruit drinks",
        "snack energy granola bars",
    }
)
# Branded retail categories of drinks; in survey data "Coffee" or "Tea" includes lattes and milky
# tea, so these only apply to branded products (whose dairy drinks say "milk", "latte"…).
BRANDED_DRINK_CATEGORIES = frozenset(
    {
        "soda",
        "water",
        "sport drinks",
        "powdered drinks",
        "liquid water enhancer",
        "fruit vegetable juice nectars fruit drinks",
        "iced bottle tea",
        "coffee",
        "tea bags",
        "other drinks",
        "breakfast drinks",
        "non alcoholic beverages ready to drink",
        "non alcoholic beverages not ready to drink",
        "drinks flavoured ready to drink",
        "energy protein muscle recovery drinks",
    }
)
BRANDED = "branded_food"


def is_fortified(
    name: str, category: str, data_type: str, b12_ug_per_100g: Decimal | float | None
) -> bool:
    if b12_ug_per_100g is None or b12_ug_per_100g <= 0 or is_pseudo_b12(name, category):
        return False
    text = _padded(name)
    if _mentions(text, UNFORTIFIED):
        return False
    category_name = normalize_search_name(category)
    if _mentions(text, PLANT_BASED):
        return True
    if category_name in PLANT_CEREAL_AND_FORMULATED_CATEGORIES or category_name.startswith(
        PLANT_CEREAL_AND_FORMULATED_PREFIXES
    ):
        return True
    has_dairy_or_egg = _mentions(text, DAIRY_AND_EGG)
    has_meat_or_fish = _mentions(text, MEAT_AND_FISH)
    if (
        _mentions(text, MEAT_ALTERNATIVES)
        and (has_meat_or_fish or _mentions(text, ANALOGUE_FORMS))
        and not has_dairy_or_egg
    ):
        return True
    if has_dairy_or_egg or has_meat_or_fish:
        return False
    if _mentions(text, FORTIFIED_KINDS) or category_name in FORTIFIED_CATEGORIES:
        return True
    return data_type == BRANDED and category_name in BRANDED_DRINK_CATEGORIES
