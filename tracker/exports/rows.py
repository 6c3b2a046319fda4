"""Every row a person owns, table by table, as JSON-friendly values.

The tables come from the model graph, not from a list kept by hand, so a new table that belongs
to people is exported without anyone remembering to add it:

- ``user``: the account row, reduced to id, email and date_joined (never the password hash,
  staff flags or permissions);
- a model with a one-to-one link to the user (the profile) is one table named after the model;
- a model with foreign keys to the user (every ``OwnedModel`` by its ``owner``, ``Food`` for the
  person's own label foods, a care link by its patient or caregiver, a caregiver alert by its
  owner or the patient it is about) is one table of the rows where any of them is the person,
  named by its plural, which is the API resource name with underscores (``food_intakes``,
  ``symptom_entries``, …). tests/test_export.py walks the same graph.

Soft-deleted rows are included with their ``deleted_at``: the person asked for all their data.
Values: UUIDs as strings, instants as ISO 8601 with the UTC offset, dates and times as ISO
8601, decimals as strings with the stored precision (exact, and the same in JSON and CSV),
JSON columns as their JSON value. One query per table; another person's row is never read.
"""

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models
from django.utils import translation

APP_LABEL = "tracker"
USER_TABLE = "user"
USER_COLUMNS = ("id", "email", "date_joined")


@dataclass(frozen=True)
class Table:
    name: str
    model: type[models.Model]
    # The lookups that select the person's rows, any of them: "owner" (and for a caregiver
    # alert also "patient"; for a care link "patient" or "caregiver"), "user" (the profile)
    # or "pk" (the account).
    owner_lookups: tuple[str, ...]
    columns: tuple[str, ...]
    ordering: tuple[str, ...]


@dataclass(frozen=True)
class ExportedTable:
    name: str
    columns: tuple[str, ...]
    rows: list[dict[str, Any]]


def export_tables() -> list[Table]:
    """The exported tables, the account first, then in the app's model order."""
    user_model = get_user_model()
    tables = [Table(USER_TABLE, user_model, ("pk",), USER_COLUMNS, ("pk",))]
    for model in apps.get_app_config(APP_LABEL).get_models():
        if model is user_model:
            continue
        links = [
            field
            for field in model._meta.concrete_fields
            if field.is_relation and field.related_model is user_model
        ]
        one_to_one = next((field for field in links if field.one_to_one), None)
        if one_to_one is not None:
            name = model._meta.model_name or model.__name__.lower()
            tables.append(Table(name, model, (one_to_one.name,), _columns(model), ("pk",)))
        elif links:
            lookups = tuple(field.name for field in links)
            tables.append(
                Table(_plural_name(model), model, lookups, _columns(model), _ordering(model))
            )
    names = [table.name for table in tables]
    if len(set(names)) != len(names):
        raise RuntimeError(f"Two exported tables share a name: {sorted(names)}")
    return tables


def collect_tables(user: Any) -> list[ExportedTable]:
    """All of the person's rows, one query per table."""
    return [
        ExportedTable(table.name, table.columns, _rows(table, user)) for table in export_tables()
    ]


def _rows(table: Table, user: Any) -> list[dict[str, Any]]:
    # The base manager: a default manager that hid some rows must not hide them from the export.
    rows = (
        table.model._base_manager.filter(_any_of(table.owner_lookups, user.pk))
        .order_by(*table.ordering)
        .values_list(*table.columns)
    )
    return [
        {column: to_json_value(value) for column, value in zip(table.columns, row, strict=True)}
        for row in rows
    ]


def _any_of(lookups: tuple[str, ...], pk: Any) -> models.Q:
    condition = models.Q(pk__in=[])
    for lookup in lookups:
        condition |= models.Q(**{lookup: pk})
    return condition


def _columns(model: type[models.Model]) -> tuple[str, ...]:
    # attname: a foreign key is its id ("food_id"), never the related row.
    return tuple(field.attname for field in model._meta.concrete_fields)


def _ordering(model: type[models.Model]) -> tuple[str, ...]:
    # By the instant the row is about (eaten, taken, given, sampled…), then by id for ties.
    time_field = getattr(model, "occurred_field", "") or (
        "created_at" if any(f.name == "created_at" for f in model._meta.concrete_fields) else ""
    )
    return (time_field, "pk") if time_field else ("pk",)


def _plural_name(model: type[models.Model]) -> str:
    # Untranslated: a table's name must not change with the language of the request.
    with translation.override(None):
        plural = str(model._meta.verbose_name_plural)
    return plural.strip().lower().replace(" ", "_").replace("-", "_")


def to_json_value(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str | list | dict):
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    return str(value)
