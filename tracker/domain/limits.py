"""Input sanity limits: they catch typos (an extra zero or three), nothing more.

They are not clinical thresholds and are never shown as advice; each sits far above any amount
the sources in DOMAIN.md mention (the largest food value, beef liver, is about 70 µg per 3 oz;
oral tablets go to a few thousand µg; injections are 1 mg).
"""

from decimal import Decimal

MAX_FOOD_GRAMS = Decimal(5000)
MAX_PORTIONS = Decimal(100)
MAX_B12_UG_PER_100G = Decimal(100_000)
MAX_SERVING_GRAMS = Decimal(5000)
MAX_SUPPLEMENT_DOSE_UG = Decimal(100_000)
MAX_DOSE_UNITS = Decimal(20)
MAX_INJECTION_DOSE_UG = Decimal(100_000)
