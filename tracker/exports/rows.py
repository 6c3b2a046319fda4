"""Every row a person owns, table by table, as JSON-friendly values.

The tables come from the model graph of every installed app, not from a list kept by hand, so a
new table that belongs to people is exported without anyone remembering to add it:

- ``user``: the account row, reduced to id, email, date_joined and last_login (never the
  password hash, staff flags or permissions);
- a model with a one-to-one link to the user (the profile) is one table named after the model;
- a model with foreign keys to the user (every ``OwnedModel`` by its ``owner``, ``Food`` for the
  person's own label foods, a care link by its patient or caregiver, a caregiver alert by its
  owner or the patient it is about, an access-log row by its reader or patient, a push device
  or a refresh token by its user) is one table of the rows where any of them is the person;
- a model linked to such a table by a foreign key (a notification's deliveries, a refresh
  token's blacklisting) is one table of the rows whose parent is exported: no row the person
  could not reach is read;
- django-axes' sign-in attempts and logs name the person by their email (its ``username``),
  not by a foreign key: one table each, matched on the email.

tracker's tables are named by their plural, which is the API resource name with underscores
(``food_intakes``, ``symptom_entries``, ``deliveries`` …); other apps' tables carry the app's
label first (``push_notifications_webpush_devices``, ``axes_access_logs``), so two apps'
"access logs" never collide. tests/test_export.py walks the same graph on its own.

Secrets are never exported (SECRET_COLUMNS: a refresh token and its id, an invitation's token
hash, push registration tokens and Web Push keys, axes' request dumps and session hashes), nor
the admin change log's description of the row a staff member changed (another person's, maybe).

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
USER_COLUMNS = ("id", "email", "date_joined", "last_login")

# Columns (by attname) left out of every table: they are keys to the account, not data about
# the person, and a download is easily forwarded or left on a shared computer.
SECRET_COLUMNS = frozenset(
    {
        "password",  # a password hash
        "token",  # a JWT refresh token itself (token_blacklist)
        "jti",  # a refresh token's id
        "token_hash",  # a care invitation's one-time token, hashed
        "registration_id",  # an FCM/APNs/WNS token or a Web Push endpoint (a capability URL)
        "p256dh",  # Web Push: the browser's encryption key …
        "auth",  # … and its authentication secret
        "session_hash",  # django-axes: a session key's hash
        "get_data",  # django-axes: the sign-in request's query and form fields, a CSRF token
        "post_data",  # among them
    }
)
# Columns describing another row than the person's: the admin change log names the object a
# staff member changed, which may be someone else's account. When and what kind of change stays.
OTHER_PEOPLE_COLUMNS: dict[str, frozenset[str]] = {
    "admin.LogEntry": frozenset({"object_id", "object_repr", "change_message"}),
}
# Apps whose tables name the person by email instead of a foreign key: app label → field.
EMAIL_KEYED: dict[str, str] = {"axes": "username"}


@dataclass(frozen=True)
class Table:
    name: str
    model: type[models.Model]
    # The lookups that select the person's rows, any of them: "owner" (and for a caregiver
    # alert also "patient"; for a care link "patient" or "caregiver"), "user" (the profile, a
    # device), "pk" (the account) or a path through a parent ("notification__owner").
    owner_lookups: tuple[str, ...]
    columns: tuple[str, ...]
    ordering: tuple[str, ...]
    # Lookups matched (case-insensitively) against the person's email (django-axes).
    email_lookups: tuple[str, ...] = ()


@dataclass(frozen=True)
class ExportedTable:
    name: str
    columns: tuple[str, ...]
    rows: list[dict[str, Any]]


Links = dict[type[models.Model], tuple[tuple[str, ...], tuple[str, ...]]]


def export_tables() -> list[Table]:
    """The exported tables: the account first, then tracker's in the app's model order, then
    the other apps' in INSTALLED_APPS order."""
    user_model = get_user_model()
    candidates = _candidate_models(user_model)
    links = _person_links(candidates, user_model)
    tables = [Table(USER_TABLE, user_model, ("pk",), USER_COLUMNS, ("pk",))]
    for model in candidates:
        if model not in links:
            continue
        lookups, email_lookups = links[model]
        one_to_one = next(
            (
                f
                for f in model._meta.concrete_fields
                if f.one_to_one and f.related_model is user_model
            ),
            None,
        )
        if one_to_one is not None:
            name = model._meta.model_name or model.__name__.lower()
            tables.append(Table(name, model, (one_to_one.name,), _columns(model), ("pk",)))
        else:
            tables.append(
                Table(
                    _table_name(model),
                    model,
                    lookups,
                    _columns(model),
                    _ordering(model),
                    email_lookups,
                )
            )
    names = [table.name for table in tables]
    if len(set(names)) != len(names):
        raise RuntimeError(f"Two exported tables share a name: {sorted(names)}")
    return tables


def _candidate_models(user_model: type[models.Model]) -> list[type[models.Model]]:
    ours = list(apps.get_app_config(APP_LABEL).get_models())
    others = [model for model in apps.get_models() if model._meta.app_label != APP_LABEL]
    return [model for model in ours + others if model is not user_model]


def _person_links(candidates: list[type[models.Model]], user_model: type[models.Model]) -> Links:
    """For each model holding the person's rows: the lookups to the user's pk and to their
    email. Direct links first; then, until nothing changes, models whose foreign keys lead to
    a linked model (through its lookups)."""
    links: Links = {}
    for model in candidates:
        direct = tuple(
            f.name
            for f in model._meta.concrete_fields
            if f.is_relation and f.related_model is user_model
        )
        email_field = EMAIL_KEYED.get(model._meta.app_label)
        by_email = tuple(
            f.name for f in model._meta.concrete_fields if email_field and f.name == email_field
        )
        if direct or by_email:
            links[model] = (direct, by_email)
    changed = True
    while changed:
        changed = False
        for model in candidates:
            if model in links:
                continue
            lookups: list[str] = []
            email_lookups: list[str] = []
            for f in model._meta.concrete_fields:
                parent = f.related_model if f.is_relation else None
                if parent in links:
                    parent_lookups, parent_emails = links[parent]  # type: ignore[index]
                    lookups += [f"{f.name}__{lookup}" for lookup in parent_lookups]
                    email_lookups += [f"{f.name}__{lookup}" for lookup in parent_emails]
            if lookups or email_lookups:
                links[model] = (tuple(lookups), tuple(email_lookups))
                changed = True
    return links


def collect_tables(user: Any) -> list[ExportedTable]:
    """All of the person's rows, one query per table."""
    return [
        ExportedTable(table.name, table.columns, _rows(table, user)) for table in export_tables()
    ]


def _rows(table: Table, user: Any) -> list[dict[str, Any]]:
    # The base manager: a default manager that hid some rows must not hide them from the export.
    rows = (
        table.model._base_manager.filter(_any_of(table, user))
        .order_by(*table.ordering)
        .values_list(*table.columns)
    )
    return [
        {column: to_json_value(value) for column, value in zip(table.columns, row, strict=True)}
        for row in rows
    ]


def _any_of(table: Table, user: Any) -> models.Q:
    condition = models.Q(pk__in=[])
    for lookup in table.owner_lookups:
        condition |= models.Q(**{lookup: user.pk})
    for lookup in table.email_lookups:
        condition |= models.Q(**{f"{lookup}__iexact": user.email})
    return condition


def _columns(model: type[models.Model]) -> tuple[str, ...]:
    # attname: a foreign key is its id ("food_id"), never the related row.
    left_out = SECRET_COLUMNS | OTHER_PEOPLE_COLUMNS.get(model._meta.label, frozenset())
    return tuple(
        field.attname for field in model._meta.concrete_fields if field.attname not in left_out
    )


def _ordering(model: type[models.Model]) -> tuple[str, ...]:
    # By the instant the row is about (eaten, taken, given, sampled…), then by id for ties;
    # other apps' tables by their first timestamp (date_created, attempt_time, …).
    fields = model._meta.concrete_fields
    time_field = (
        getattr(model, "occurred_field", "")
        or ("created_at" if any(f.name == "created_at" for f in fields) else "")
        or next((f.name for f in fields if isinstance(f, models.DateTimeField)), "")
    )
    return (time_field, "pk") if time_field else ("pk",)


def _table_name(model: type[models.Model]) -> str:
    # Untranslated: a table's name must not change with the language of the request.
    with translation.override(None):
        plural = str(model._meta.verbose_name_plural)
    name = plural.strip().lower().replace(" ", "_").replace("-", "_")
    app_label = model._meta.app_label
    return name if app_label == APP_LABEL else f"{app_label}_{name}"


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
