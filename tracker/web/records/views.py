"""The logging and history pages, written once for every record kind (tracker.web.records.kinds):

- ``/log/`` every quick-log form on one page, ``/log/<kind>/`` each on its own, and after a save
  the panel of what was just stored (``?saved=<id>``: µg and today's total, red-flag messages);
- ``/history/`` the kinds with their counts, ``/history/<kind>/`` newest first, 50 a page;
- ``/history/<kind>/<id>/edit/`` the same form pre-filled, saving only what changed;
- ``/history/<kind>/<id>/delete/`` a confirmation, then the API's soft delete;
- ``/supplements/`` and ``/injections/plans/``: the regimens and plans doses and injections
  refer to, listed with a form to add one.

Another person's id is a 404 everywhere; pages that write need the disclaimer accepted, and
their creating POSTs count against the person's quota shared with the API (tracker.api.throttles).
"""

from collections.abc import Callable
from datetime import datetime
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from rest_framework import serializers

from tracker.api.records import SupplementSerializer
from tracker.api.resources import replayed_row
from tracker.api.throttles import quota_limited
from tracker.models import User
from tracker.models.base import OwnedModel
from tracker.queries.injections import plan_statuses
from tracker.web.base import SerializerForm, flatten_messages, person_page
from tracker.web.forms import RecordForm
from tracker.web.records.kinds import (
    HISTORY,
    KINDS,
    LOGGED,
    PLANS,
    SUPPLEMENTS,
    RecordKind,
    today_total_ug,
    user_of,
)

PER_PAGE = 50


def _kind(slug: str, *, listed: bool = False) -> RecordKind:
    """The kind a URL names; ``listed``: only one with a history list of its own."""
    kind = KINDS.get(slug)
    if kind is None or (listed and not kind.in_history):
        raise Http404
    return kind


def _next_url(request: HttpRequest, default: str) -> str:
    """Where to go back to: a page of this site the request names, else ``default``."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return candidate if safe and candidate.startswith("/") else default


def _form(kind: RecordKind, request: HttpRequest, *, instance: Any = None, now: datetime) -> Any:
    """The kind's form: bound to a POST, else pre-filled (an edit) or starting at now."""
    data = request.POST if request.method == "POST" else None
    initial = kind.form_class.create_initial(now) if instance is None else {}
    return kind.form_class(
        data, request=request, instance=instance, initial=initial, auto_id=f"{kind.slug}_%s"
    )


def _entry_form(request: HttpRequest, kind: RecordKind, form: Any, action: str) -> dict[str, Any]:
    """What the form templates need: the form, the kind and its extra page bits."""
    return {"kind": kind, "form": form, "action": action, "extra": kind.context(request, form)}


def _add_service_errors(form: forms.Form, error: ValidationError) -> None:
    # A service may still refuse (a dose already recorded for that scheduled time).
    if hasattr(error, "error_dict"):
        for field, field_messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, field_messages)
    else:
        form.add_error(None, error.messages)


def _create(kind: RecordKind, form: RecordForm, user: User, now: datetime) -> OwnedModel | None:
    """Store a new row through the kind's service, as the API's create does: the form's client
    id makes a second send of the same form (a double tap, a reload) return the stored row."""
    data = dict(form.validated_data)
    client_id = data.pop("id", None)
    own = kind.model.objects.for_user(user)
    try:
        # As the API's create: someone else's id is refused, never a 500 on its primary key.
        replay = replayed_row(kind.model, own, client_id) if client_id else None
        if replay is not None:
            return replay
        with transaction.atomic():
            return kind.create(user, data, client_id, now)
    except ValidationError as error:
        _add_service_errors(form, error)
        return None
    except serializers.ValidationError as error:
        form.add_error(None, flatten_messages(error.detail))
        return None
    except IntegrityError:
        # The same form raced in twice: the other request stored it first.
        replay = own.filter(pk=client_id).first() if client_id else None
        if replay is None:
            raise
        return replay


def _saved(request: HttpRequest, kind: RecordKind, now: datetime) -> dict[str, Any] | None:
    """The panel of the row just stored (``?saved=<id>``, the person's own rows only)."""
    try:
        saved_id = UUID(request.GET.get("saved", ""))
    except ValueError:
        return None
    row = kind.scoped(user_of(request)).filter(pk=saved_id).first()
    if row is None:
        return None
    return {"row": row, "template": kind.saved_template, **kind.saved_context(request, row, now)}


# --- logging ---


@person_page(writes=True)
@require_http_methods(["GET", "HEAD"])
def log_hub(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    entry_forms = [
        _entry_form(request, kind, _form(kind, request, now=now), kind.log_url)
        for kind in LOGGED.values()
    ]
    context = {"entry_forms": entry_forms, "today_total_ug": today_total_ug(user_of(request), now)}
    return render(request, "log/index.html", context)


@person_page(writes=True)
@quota_limited("create")
@require_http_methods(["GET", "HEAD", "POST"])
def log_page(request: HttpRequest, log_slug: str) -> HttpResponse:
    kind = LOGGED.get(log_slug)
    if kind is None:
        raise Http404
    now = timezone.now()
    form = _form(kind, request, now=now)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            row = _create(kind, form, user_of(request), now)
            if row is not None:
                return redirect(f"{kind.log_url}?{urlencode({'saved': row.pk})}")
        status = 400
    context = {
        "entry_form": _entry_form(request, kind, form, kind.log_url),
        "kind": kind,
        "saved": _saved(request, kind, now) if request.method != "POST" else None,
    }
    return render(request, "log/page.html", context, status=status)


# --- history ---


@person_page()
@require_http_methods(["GET", "HEAD"])
def history_index(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    kinds = [(kind, kind.model.objects.for_user(user).alive().count()) for kind in HISTORY]
    return render(request, "history/index.html", {"kinds": kinds})


def _cells(kind: RecordKind, row: Any) -> list[tuple[Any, Any]]:
    return [(column, column.value(row)) for column in kind.columns]


@person_page()
@require_http_methods(["GET", "HEAD"])
def history_list(request: HttpRequest, slug: str) -> HttpResponse:
    kind = _kind(slug, listed=True)
    field = kind.model.occurred_field
    rows = kind.scoped(user_of(request)).order_by(f"-{field}", "-pk")
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "kind": kind,
        "page": page,
        "rows": [(row, _cells(kind, row)) for row in page],
        "here": request.get_full_path(),
    }
    return render(request, "history/list.html", context)


@person_page(writes=True)
@require_http_methods(["GET", "HEAD", "POST"])
def edit_page(request: HttpRequest, slug: str, record_id: UUID) -> HttpResponse:
    kind = _kind(slug)
    row = get_object_or_404(kind.scoped(user_of(request)), pk=record_id)
    now = timezone.now()
    form = _form(kind, request, instance=row, now=now)
    back = _next_url(request, kind.list_url)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                with transaction.atomic():
                    kind.update(row, form.validated_data, now)
            except ValidationError as error:
                _add_service_errors(form, error)
            else:
                messages.success(request, _("Your changes are saved."))
                return redirect(back)
        status = 400
    action = request.get_full_path()
    context = {"entry_form": _entry_form(request, kind, form, action), "kind": kind, "back": back}
    return render(request, "history/edit.html", context, status=status)


@person_page(writes=True)
@require_http_methods(["GET", "HEAD", "POST"])
def delete_page(request: HttpRequest, slug: str, record_id: UUID) -> HttpResponse:
    kind = _kind(slug)
    row = get_object_or_404(kind.scoped(user_of(request)), pk=record_id)
    back = _next_url(request, kind.list_url)
    if request.method == "POST":
        # Soft delete, through the API DELETE's own service: kept, and synced to devices.
        kind.delete(row, timezone.now())
        messages.success(request, _("The entry is deleted."))
        return redirect(back)
    context = {"kind": kind, "row": row, "cells": _cells(kind, row), "back": back}
    return render(request, "history/delete.html", context)


# --- supplements and injection plans ---


def _setup_page(
    request: HttpRequest,
    kind: RecordKind,
    template: str,
    notes: Callable[[list[Any]], dict[Any, Any]] | None = None,
) -> HttpResponse:
    """A list of the person's regimens or plans with the form to add one; ``notes`` gives a
    page of rows one more thing each (a plan's next due date), read for all of them at once."""
    # The page's own address: the form posts to it and a save comes back to it.
    here = request.path
    now = timezone.now()
    form = _form(kind, request, now=now)
    status = 200
    if request.method == "POST":
        if form.is_valid() and _create(kind, form, user_of(request), now) is not None:
            messages.success(request, _("Saved."))
            return redirect(here)
        status = 400
    rows = list(kind.scoped(user_of(request)).order_by("-active", "-created_at", "-pk"))
    found = notes(rows) if notes else {}
    context = {
        "kind": kind,
        "entry_form": _entry_form(request, kind, form, here),
        "rows": [(row, _cells(kind, row), found.get(row.pk)) for row in rows],
    }
    return render(request, template, context, status=status)


@person_page(writes=True)
@quota_limited("create")
@require_http_methods(["GET", "HEAD", "POST"])
def supplements_page(request: HttpRequest) -> HttpResponse:
    return _setup_page(request, SUPPLEMENTS, "supplements/index.html")


class SupplementActiveForm(SerializerForm):
    """Stop or restart a supplement: the same serializer and update as any other edit."""

    serializer_class = SupplementSerializer
    active = forms.BooleanField(required=False)


@person_page(writes=True)
@require_POST
def supplement_active(request: HttpRequest, record_id: UUID) -> HttpResponse:
    row = get_object_or_404(SUPPLEMENTS.scoped(user_of(request)), pk=record_id)
    form = SupplementActiveForm(request.POST, request=request, instance=row)
    if form.is_valid():
        with transaction.atomic():
            SUPPLEMENTS.update(row, form.validated_data, timezone.now())
        if row.active:
            messages.success(request, _("Marked as taken again."))
        else:
            messages.success(request, _("Marked as stopped. Its logged doses are kept."))
    else:
        messages.error(
            request, " ".join(str(e) for e in form.non_field_errors()) or _("Nothing was changed.")
        )
    return redirect("supplements")


@person_page(writes=True)
@quota_limited("create")
@require_http_methods(["GET", "HEAD", "POST"])
def plans_page(request: HttpRequest) -> HttpResponse:
    profile = user_of(request).profile
    today = profile.today(timezone.now())

    def statuses(rows: list[Any]) -> dict[Any, Any]:
        return plan_statuses(rows, tz_name=profile.effective_timezone, today=today)

    return _setup_page(request, PLANS, "injections/plans.html", statuses)
