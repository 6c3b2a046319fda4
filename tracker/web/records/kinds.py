"""One registry of the record kinds the web pages log, list, edit and delete.

Each kind names its form (validated by the API's serializer), the service calls the API's
viewset makes for create, update and delete (tracker/api/views/records.py), its templates and
its list columns; the views in tracker.web.records.views are written once against it.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import partial
from typing import Any
from uuid import UUID

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tracker.domain.disclaimer import DISCLAIMER
from tracker.domain.safety import MESSAGES, RED_FLAG_TAGS, RULE_LABELS
from tracker.domain.units import LAB_TESTS, convert
from tracker.models import (
    Alert,
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
from tracker.models.base import OwnedModel
from tracker.queries.daily import Period, absorption_impaired, days_for
from tracker.queries.foods import search_foods
from tracker.queries.injections import plan_statuses
from tracker.services import diary, injections, intakes, labs, supplements
from tracker.services.records import apply_changes, soft_delete
from tracker.web import forms
from tracker.web.forms import plain

Text = str | Promise
# How many results the page's own food search (without JavaScript) lists.
FOOD_RESULTS = 10
# Foods eaten lately, offered again for a quick second log: distinct foods among the last
# RECENT_INTAKES intakes, at most RECENT_FOODS of them.
RECENT_INTAKES = 30
RECENT_FOODS = 6


@dataclass(frozen=True)
class Column:
    label: Text
    value: Callable[[Any], Any]
    # "when": an instant shown in the person's time zone; "ug": an amount in µg; "text": as is.
    format: str = "text"


def _none(*args: Any) -> dict[str, Any]:
    return {}


def _rows(queryset: Any) -> QuerySet:
    return queryset


def _soft_delete(row: Any, now: datetime) -> None:
    soft_delete(record=row, now=now)


Create = Callable[[User, dict[str, Any], UUID | None, datetime], OwnedModel]


def _created_by(service: Callable[..., OwnedModel]) -> Create:
    """The create of a service called as ``service(user=, client_id=, **data)``."""
    return lambda user, data, client_id, now: service(user=user, client_id=client_id, **data)


def _yes_no(value: Any) -> Text:
    return _("Yes") if value else _("No")


@dataclass(frozen=True)
class RecordKind:
    slug: str  # /history/<slug>/
    title: Text  # the history list's heading
    model: type[OwnedModel]
    form_class: type[forms.RecordForm]
    fields_template: str  # the form's fields, shared by log, edit and setup pages
    columns: tuple[Column, ...]
    # The API viewset's service calls: create(user, data, client_id, now), update(row, data,
    # now), delete(row, now) (the soft delete unless the kind's service has its own).
    create: Create
    update: Callable[[Any, dict[str, Any], datetime], OwnedModel]
    delete: Callable[[Any, datetime], None] = _soft_delete
    select_related: tuple[str, ...] = ()
    rows: Callable[[Any], QuerySet] = _rows  # extra annotations of list and saved rows
    # /log/<log_slug>/, when the kind is logged there.
    log_slug: str | None = None
    log_title: Text = ""
    log_intro: Text = ""
    # Page bits the fields template needs: context(request, form).
    context: Callable[[HttpRequest, Any], dict[str, Any]] = _none
    # The panel after a create: saved_context(request, row, now).
    saved_template: str = ""
    saved_context: Callable[[HttpRequest, Any, datetime], dict[str, Any]] = _none
    food_search: bool = False
    in_history: bool = True
    list_url_override: str = ""

    @property
    def list_url(self) -> str:
        return self.list_url_override or f"/history/{self.slug}/"

    @property
    def log_url(self) -> str:
        return f"/log/{self.log_slug}/" if self.log_slug else self.list_url

    def scoped(self, user: User) -> QuerySet:
        """The person's own live rows: anyone else's id is not found (404)."""
        queryset = self.model.objects.for_user(user).alive().select_related(*self.select_related)
        return self.rows(queryset)


def today_total_ug(user: User, now: datetime) -> Decimal:
    """B12 logged today (food and supplements): the dashboard's number, from the same read."""
    profile = user.profile
    today = profile.today(now)
    period = Period(first=today, last=today, tz_name=profile.effective_timezone)
    return days_for(user, period, impaired=absorption_impaired(profile)).intake[today].intake_ug


def user_of(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


# --- food intakes ---


def _food_context(request: HttpRequest, form: forms.FoodIntakeForm) -> dict[str, Any]:
    user = user_of(request)
    query = request.GET.get("q", "").strip()[:100]
    chosen_id = str(form["food"].value() or "")
    chosen: list[Food] = []
    if form.instance is not None and str(form.instance.food_id) == chosen_id:
        chosen = [form.instance.food]
    elif chosen_id:
        try:
            chosen = list(Food.objects.visible_to(user).filter(pk=UUID(chosen_id)))
        except ValueError:
            chosen = []
    results = search_foods(user=user, query=query, limit=FOOD_RESULTS) if query else []
    recent: list[Food] = []
    seen_chosen = {food.pk for food in chosen}
    seen = {food.pk for food in [*chosen, *results]}
    latest = (
        FoodIntake.objects.for_user(user)
        .alive()
        .filter(food__deleted_at__isnull=True)
        .select_related("food")
        .order_by("-eaten_at")[:RECENT_INTAKES]
    )
    for intake in latest:
        if intake.food_id not in seen and len(recent) < RECENT_FOODS:
            seen.add(intake.food_id)
            recent.append(intake.food)
    return {
        "query": query,
        "chosen_foods": [_food_choice(food) for food in chosen],
        "found_foods": [_food_choice(food) for food in results if food.pk not in seen_chosen],
        "recent_foods": [_food_choice(food) for food in recent],
        "chosen_food_id": chosen_id,
    }


def _food_choice(food: Food) -> dict[str, Any]:
    """A food as its radio button describes it, amounts as a person writes them."""
    return {
        "food": food,
        "ug_per_100g": plain(food.b12_ug_per_100g),
        "portion_grams": plain(food.portion_grams) if food.portion_grams else None,
    }


def _today_context(request: HttpRequest, row: Any, now: datetime) -> dict[str, Any]:
    return {"ug": plain(row.b12_ug), "today_total_ug": today_total_ug(user_of(request), now)}


FOODS = RecordKind(
    slug="foods",
    title=_("Foods eaten"),
    model=FoodIntake,
    form_class=forms.FoodIntakeForm,
    fields_template="log/fields_food.html",
    columns=(
        Column(_("Eaten"), lambda r: r.eaten_at, "when"),
        Column(_("Food"), lambda r: r.food.name),
        Column(
            _("Amount"),
            lambda r: (
                _("%(portions)s portions (%(grams)s g)")
                % {"portions": plain(r.portions), "grams": plain(r.grams)}
                if r.portions is not None
                else _("%(grams)s g") % {"grams": plain(r.grams)}
            ),
        ),
        Column(_("Meal"), lambda r: r.get_meal_display()),
        Column(_("B12"), lambda r: plain(r.b12_ug), "ug"),
    ),
    create=_created_by(intakes.log_food_intake),
    update=lambda row, data, now: intakes.update_food_intake(intake=row, changes=data),
    select_related=("food",),
    log_slug="food",
    log_title=_("Log a food"),
    log_intro=_("Search for the food, then say how much and when."),
    context=_food_context,
    saved_template="log/saved_food.html",
    saved_context=_today_context,
    food_search=True,
)


# --- supplements and doses ---


def _dose_context(request: HttpRequest, form: forms.SupplementDoseForm) -> dict[str, Any]:
    return {"supplements": form.supplements}


DOSES = RecordKind(
    slug="doses",
    title=_("Supplement doses"),
    model=SupplementDose,
    form_class=forms.SupplementDoseForm,
    fields_template="log/fields_dose.html",
    columns=(
        Column(_("When"), lambda r: r.occurred_at, "when"),
        Column(_("Supplement"), lambda r: r.supplement.name),
        Column(_("Taken?"), lambda r: r.get_status_display()),
        Column(_("How many"), lambda r: plain(r.units)),
        Column(_("B12"), lambda r: plain(r.b12_ug), "ug"),
    ),
    create=lambda user, data, client_id, now: supplements.record_supplement_dose(
        user=user, client_id=client_id, now=now, **data
    ),
    update=lambda row, data, now: supplements.update_supplement_dose(
        dose=row, changes=data, now=now
    ),
    select_related=("supplement",),
    log_slug="dose",
    log_title=_("Log a supplement dose"),
    log_intro=_("Choose the supplement: it counts as taken now unless you say otherwise."),
    context=_dose_context,
    saved_template="log/saved_dose.html",
    saved_context=_today_context,
)

SUPPLEMENTS = RecordKind(
    slug="supplements",
    title=_("Supplements"),
    model=Supplement,
    form_class=forms.SupplementForm,
    fields_template="supplements/fields.html",
    columns=(
        Column(_("Added"), lambda r: r.created_at, "when"),
        Column(_("Name"), lambda r: r.name),
        Column(_("Form"), lambda r: r.get_form_display()),
        Column(_("How taken"), lambda r: r.get_route_display()),
        Column(_("Per unit"), lambda r: plain(r.dose_ug), "ug"),
        Column(_("Taking now"), lambda r: _yes_no(r.active)),
    ),
    create=_created_by(supplements.add_supplement),
    # Edits change future doses only: logged doses keep their µg snapshot.
    update=lambda row, data, now: apply_changes(record=row, changes=data),
)


# --- injection plans and injections ---


def _injection_context(request: HttpRequest, form: forms.InjectionForm) -> dict[str, Any]:
    return {"plans": form.plans}


def _injection_saved(request: HttpRequest, row: Injection, now: datetime) -> dict[str, Any]:
    if row.plan is None:
        return {"ug": plain(row.dose_ug)}
    profile = user_of(request).profile
    status = plan_statuses(
        [row.plan], tz_name=profile.effective_timezone, today=profile.today(now)
    )[row.plan.pk]
    return {"ug": plain(row.dose_ug), "plan_status": status}


INJECTIONS = RecordKind(
    slug="injections",
    title=_("Injections"),
    model=Injection,
    form_class=forms.InjectionForm,
    fields_template="log/fields_injection.html",
    columns=(
        Column(_("Given"), lambda r: r.given_at, "when"),
        Column(_("Dose"), lambda r: plain(r.dose_ug), "ug"),
        Column(_("Site"), lambda r: r.get_site_display() or "–"),
        Column(_("Given by"), lambda r: r.get_given_by_display()),
        Column(_("Plan"), lambda r: r.plan.product if r.plan else "–"),
        Column(_("Lot"), lambda r: r.lot or "–"),
    ),
    # No plan unless the form names one (the service takes it as a required argument).
    create=_created_by(partial(injections.record_injection, plan=None)),
    update=lambda row, data, now: injections.update_injection(injection=row, changes=data),
    delete=lambda row, now: injections.delete_injection(injection=row),
    select_related=("plan",),
    log_slug="injection",
    log_title=_("Record an injection"),
    log_intro=_("When it was given, the dose and the site."),
    context=_injection_context,
    saved_template="log/saved_injection.html",
    saved_context=_injection_saved,
)

PLANS = RecordKind(
    slug="plans",
    title=_("Injection plans"),
    model=InjectionPlan,
    form_class=forms.InjectionPlanForm,
    fields_template="injections/plan_fields.html",
    columns=(
        Column(_("Added"), lambda r: r.created_at, "when"),
        Column(_("Product"), lambda r: r.product),
        Column(_("Dose"), lambda r: f"{plain(r.dose)} {r.get_dose_unit_display()}"),
        Column(_("Every (days)"), lambda r: r.maintenance_interval_days),
        Column(_("Current"), lambda r: _yes_no(r.active)),
    ),
    create=_created_by(injections.add_injection_plan),
    update=lambda row, data, now: injections.update_injection_plan(plan=row, changes=data),
    in_history=False,
    list_url_override="/injections/plans/",
)


# --- symptom diary ---


def _symptom_context(request: HttpRequest, form: forms.SymptomEntryForm) -> dict[str, Any]:
    return {"severity_words": SEVERITY_WORDS}


def _symptom_saved(request: HttpRequest, row: SymptomEntry, now: datetime) -> dict[str, Any]:
    alerts = Alert.objects.filter(symptom_entry=row, deleted_at__isnull=True).order_by("created_at")
    return {
        "alerts": [
            {
                "label": RULE_LABELS.get(alert.rule, alert.rule),
                "message": MESSAGES[alert.level],
                "urgent": alert.level == "urgent",
            }
            for alert in alerts
        ],
        "disclaimer": DISCLAIMER,
    }


SEVERITY_WORDS: dict[str, Text] = {
    "0": _("none"),
    "5": _("moderate"),
    "10": _("worst possible"),
}


def _red_flag_labels(row: SymptomEntry) -> str:
    labels = [str(RED_FLAG_TAGS[tag][0]) for tag in row.red_flags if tag in RED_FLAG_TAGS]
    return "; ".join(labels) or "–"


SYMPTOMS = RecordKind(
    slug="symptoms",
    title=_("Symptom diary"),
    model=SymptomEntry,
    form_class=forms.SymptomEntryForm,
    fields_template="log/fields_symptom.html",
    columns=(
        Column(_("When"), lambda r: r.recorded_at, "when"),
        Column(_("Symptom"), lambda r: r.get_symptom_display()),
        Column(_("Strength (0–10)"), lambda r: r.severity),
        Column(_("Warning signs"), _red_flag_labels),
    ),
    create=_created_by(diary.record_symptom),
    update=lambda row, data, now: diary.update_symptom(entry=row, changes=data),
    delete=lambda row, now: diary.delete_symptom(entry=row, now=now),
    log_slug="symptom",
    log_title=_("Add to your symptom diary"),
    log_intro=_("Which symptom, how strong, and any warning signs with it."),
    context=_symptom_context,
    saved_template="log/saved_symptom.html",
    saved_context=_symptom_saved,
)


# --- lab results ---


def _lab_saved(request: HttpRequest, row: LabResult, now: datetime) -> dict[str, Any]:
    spec = LAB_TESTS[row.test]
    others = [
        (plain(round(convert(row.test, row.value, row.unit, unit), 2)), unit)
        for unit in spec.factors
        if unit != row.unit
    ]
    return {"value": plain(row.value), "other_units": others}


LABS = RecordKind(
    slug="labs",
    title=_("Lab results"),
    model=LabResult,
    form_class=forms.LabResultForm,
    fields_template="log/fields_lab.html",
    columns=(
        Column(_("Blood taken"), lambda r: r.sampled_at, "when"),
        Column(_("Test"), lambda r: r.get_test_display()),
        Column(_("Result"), lambda r: f"{plain(r.value)} {r.unit}"),
        Column(
            _("Lab's range"),
            lambda r: (
                f"{plain(r.reference_low) if r.reference_low is not None else '…'}–"
                f"{plain(r.reference_high) if r.reference_high is not None else '…'}"
                if r.reference_low is not None or r.reference_high is not None
                else "–"
            ),
        ),
        Column(_("Within 14 days after an injection?"), lambda r: _yes_no(r.drawn_after_injection)),
    ),
    create=_created_by(labs.record_lab_result),
    update=lambda row, data, now: labs.update_lab_result(result=row, changes=data),
    rows=lambda queryset: queryset.with_injection_flag(),
    log_slug="lab",
    log_title=_("Add a lab result"),
    log_intro=_("The test, the result with its unit, and when the blood was taken."),
    saved_template="log/saved_lab.html",
    saved_context=_lab_saved,
)

ALL: tuple[RecordKind, ...] = (FOODS, DOSES, SUPPLEMENTS, INJECTIONS, SYMPTOMS, LABS, PLANS)
KINDS: dict[str, RecordKind] = {kind.slug: kind for kind in ALL}
HISTORY: tuple[RecordKind, ...] = tuple(kind for kind in ALL if kind.in_history)
LOGGED: dict[str, RecordKind] = {kind.log_slug: kind for kind in ALL if kind.log_slug}
