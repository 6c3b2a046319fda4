"""The web forms of the person's records: the browser-side types and labels of each field,
validated by the API's serializer (tracker.web.base.SerializerForm), so the pages refuse what
the API refuses, with the same message next to the field.

Every field is optional here and every choice is open: "required" and "not a valid choice" are
the serializer's to say. A create form carries a hidden client id (a second send of the same
form stores nothing new, as a replayed API create); an edit sends only the fields the person
changed (PATCH).
"""

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any, ClassVar

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from tracker.api.records import (
    FoodIntakeSerializer,
    InjectionPlanSerializer,
    InjectionSerializer,
    LabResultSerializer,
    SupplementDoseSerializer,
    SupplementSerializer,
    SymptomEntrySerializer,
)
from tracker.domain.safety import RED_FLAG_TAGS
from tracker.domain.symptoms import SEVERITY_MAX, SEVERITY_MIN, SYMPTOMS
from tracker.domain.units import LAB_TESTS
from tracker.models import (
    DoseStatus,
    Injection,
    InjectionPlan,
    Meal,
    Supplement,
)
from tracker.models.injections import (
    DoseUnit,
    GivenBy,
    InjectionRoute,
    InjectionSite,
    ScheduleBasis,
)
from tracker.models.supplements import CobalaminForm, SupplementRoute
from tracker.web.base import SerializerForm

# datetime-local and date inputs: the browser's own pickers, read in the person's time zone
# (tracker.web.base.person_page activates it).
WHEN_FORMAT = "%Y-%m-%dT%H:%M"
DATE_FORMAT = "%Y-%m-%d"


class OpenChoiceField(forms.ChoiceField):
    """A choice offered on the page whose validity the serializer decides (another person's
    supplement and a made-up meal get the API's message, not a second one)."""

    def valid_value(self, value: Any) -> bool:
        return True


class OpenMultipleChoiceField(forms.MultipleChoiceField):
    def valid_value(self, value: Any) -> bool:
        return True


def when_input() -> forms.DateTimeInput:
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format=WHEN_FORMAT)


def date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format=DATE_FORMAT)


def number_input(mode: str = "decimal") -> forms.TextInput:
    # A text box with the number keypad rather than type=number: no spinner to nudge by
    # accident, no browser-side refusal hiding the serializer's message, decimal points kept.
    return forms.TextInput(attrs={"inputmode": mode, "autocomplete": "off"})


def decimal_field(label: Any, **kwargs: Any) -> forms.DecimalField:
    return forms.DecimalField(label=label, required=False, widget=number_input(), **kwargs)


def when_field(label: Any, **kwargs: Any) -> forms.DateTimeField:
    return forms.DateTimeField(label=label, required=False, widget=when_input(), **kwargs)


def note_field(label: Any = None) -> forms.CharField:
    return forms.CharField(
        label=label or _("Note (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


def plain(value: Decimal) -> Decimal:
    """200.00 → 200 and 0.380 → 0.38: a stored amount as a person would type it."""
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


def local_minute(instant: datetime) -> datetime:
    """An instant in the active (the person's) time zone, to the minute a datetime-local shows."""
    return timezone.localtime(instant).replace(second=0, microsecond=0)


def choice_list(choices: Any, blank: Any = None) -> list[tuple[str, Any]]:
    listed = [(str(value), label) for value, label in choices]
    return [("", blank), *listed] if blank is not None else listed


class RecordForm(SerializerForm):
    """A create or an edit of one record (see the module docstring)."""

    id = forms.UUIDField(required=False, widget=forms.HiddenInput)

    # Fields that start at "now" on a new record.
    now_fields: ClassVar[tuple[str, ...]] = ()

    def __init__(self, *args: Any, request: Any, instance: Any = None, **kwargs: Any) -> None:
        if instance is not None:
            kwargs["initial"] = {**self.initial_from(instance), **kwargs.get("initial", {})}
        super().__init__(*args, request=request, instance=instance, **kwargs)
        if instance is not None:
            del self.fields["id"]  # an object's id never changes
        elif not self.is_bound:
            self.initial.setdefault("id", uuid.uuid4())

    @classmethod
    def create_initial(cls, now: datetime) -> dict[str, Any]:
        return {name: local_minute(now) for name in cls.now_fields}

    def _choice_field(self, name: str) -> forms.ChoiceField:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        return field

    def _current_rows(self, name: str, model: Any, order: str) -> list[Any]:
        """The person's current rows (supplements, plans) to choose for ``name``, the only one
        chosen to start with; an edit keeps its own even if stopped since."""
        rows = model.objects.for_user(self.request.user).alive().filter(active=True)
        current_rows = list(rows.order_by(order, "pk"))
        current = getattr(self.instance, name, None)
        if current is not None and current.pk not in {row.pk for row in current_rows}:
            current_rows.insert(0, current)
        if self.instance is None and len(current_rows) == 1:
            self.initial.setdefault(name, str(current_rows[0].pk))
        return current_rows

    @classmethod
    def initial_from(cls, instance: Any) -> dict[str, Any]:
        """The stored values in the types the fields compare with, so an untouched field counts
        as unchanged (and an edit leaves it alone)."""
        initial: dict[str, Any] = {}
        for name, field in cls.base_fields.items():
            if name == "id":
                continue
            # A foreign key's id, never the related row (no query per field).
            key = f"{name}_id" if hasattr(instance, f"{name}_id") else name
            value = getattr(instance, key, None)
            if isinstance(field, forms.MultipleChoiceField):
                initial[name] = [str(item) for item in value or []]
            elif isinstance(field, forms.ChoiceField):
                initial[name] = "" if value is None else str(value)
            elif isinstance(value, datetime):
                initial[name] = local_minute(value)
            elif isinstance(value, Decimal):
                initial[name] = plain(value)
            else:
                initial[name] = value
        return initial

    def serializer_data(self) -> dict[str, Any]:
        if self.instance is None:
            return super().serializer_data()
        # PATCH: only what changed. A cleared optional field is cleared (blank or null, as the
        # serializer takes it); a cleared required one keeps its stored value.
        serializer_fields = self.serializer_class(
            self.instance, context={"request": self.request}
        ).fields
        data: dict[str, Any] = {}
        for name in self.changed_data:
            value = self.cleaned_data.get(name)
            field = serializer_fields.get(name)
            if field is None or field.read_only:
                continue
            if value not in (None, ""):
                data[name] = value
            elif getattr(field, "allow_blank", False):
                data[name] = ""
            elif field.allow_null:
                data[name] = None
        return data


# --- food intakes ---


def meal_at(instant: datetime) -> str:
    """The meal a local time most likely belongs to: only the form's starting choice."""
    hour = timezone.localtime(instant).hour
    if 5 <= hour < 11:
        return Meal.BREAKFAST
    if 11 <= hour < 15:
        return Meal.LUNCH
    if 17 <= hour < 22:
        return Meal.DINNER
    return Meal.SNACK


class FoodIntakeForm(RecordForm):
    serializer_class = FoodIntakeSerializer
    now_fields = ("eaten_at",)

    # Radio buttons drawn by the template (search results, recent foods, the chosen one).
    food = OpenChoiceField(label=_("Food"), required=False)
    grams = decimal_field(_("Amount in grams"))
    portions = decimal_field(
        _("Or number of portions"), help_text=_("Give grams or portions, not both.")
    )
    eaten_at = when_field(_("Time eaten"))
    meal = OpenChoiceField(
        label=_("Meal"), required=False, choices=choice_list(Meal.choices, _("Choose a meal"))
    )
    note = note_field()

    @classmethod
    def create_initial(cls, now: datetime) -> dict[str, Any]:
        return {**super().create_initial(now), "meal": meal_at(now)}

    @classmethod
    def initial_from(cls, instance: Any) -> dict[str, Any]:
        initial = super().initial_from(instance)
        # Shown as entered: portions, or grams, never both (they would contradict on save).
        if instance.portions is not None:
            initial["grams"] = None
        return initial


# --- supplements and doses ---


class SupplementForm(RecordForm):
    serializer_class = SupplementSerializer

    name = forms.CharField(label=_("Name, as on the label"), required=False)
    form = OpenChoiceField(
        label=_("Form of B12"),
        required=False,
        choices=choice_list(CobalaminForm.choices, _("Choose the form")),
        help_text=_("The label says which, e.g. cyanocobalamin."),
    )
    route = OpenChoiceField(
        label=_("How you take it"),
        required=False,
        choices=choice_list(SupplementRoute.choices, _("Choose how")),
    )
    dose_ug = decimal_field(
        _("µg of B12 per tablet, spray or drop"), help_text=_("As printed on the label.")
    )
    active = forms.BooleanField(label=_("I take this now"), required=False, initial=True)
    note = note_field()


class SupplementDoseForm(RecordForm):
    serializer_class = SupplementDoseSerializer

    supplement = OpenChoiceField(label=_("Supplement"), required=False, widget=forms.RadioSelect)
    status = OpenChoiceField(
        label=_("Taken or skipped"),
        required=False,
        widget=forms.RadioSelect,
        choices=[(DoseStatus.TAKEN.value, _("Taken")), (DoseStatus.SKIPPED.value, _("Skipped"))],
        initial=DoseStatus.TAKEN.value,
    )
    taken_at = when_field(
        _("Time taken (optional)"), help_text=_("Leave empty if you took it just now.")
    )
    units = decimal_field(_("How many (tablets, sprays…)"), initial=Decimal(1))

    def __init__(self, *args: Any, request: Any, instance: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, request=request, instance=instance, **kwargs)
        self.supplements = self._current_rows("supplement", Supplement, "name")
        self._choice_field("supplement").choices = [
            (str(s.pk), f"{s.name} ({plain(s.dose_ug)} µg)") for s in self.supplements
        ]
        if instance is not None and instance.status == DoseStatus.MISSED:
            status = self._choice_field("status")
            status.choices = [
                *list(status.choices),  # type: ignore[arg-type]
                (DoseStatus.MISSED.value, _("Missed")),
            ]


# --- injection plans and injections ---


class InjectionPlanForm(RecordForm):
    serializer_class = InjectionPlanSerializer

    product = forms.CharField(label=_("Product, as prescribed"), required=False)
    dose = decimal_field(_("Prescribed dose"))
    dose_unit = OpenChoiceField(
        label=_("Unit of the dose"), required=False, choices=choice_list(DoseUnit.choices)
    )
    route = OpenChoiceField(
        label=_("Given as"),
        required=False,
        choices=choice_list(InjectionRoute.choices, _("Choose how")),
    )
    loading_doses = forms.IntegerField(
        label=_("Loading doses at the start (0 if none)"),
        required=False,
        widget=number_input("numeric"),
    )
    loading_interval_days = forms.IntegerField(
        label=_("Days between loading doses"), required=False, widget=number_input("numeric")
    )
    maintenance_interval_days = forms.IntegerField(
        label=_("Days between injections after that"),
        required=False,
        widget=number_input("numeric"),
        help_text=_("As your prescription says, e.g. 90 for every three months."),
    )
    schedule_basis = OpenChoiceField(
        label=_("Due dates are"), required=False, choices=choice_list(ScheduleBasis.choices)
    )
    anchor_date = forms.DateField(
        label=_("Anchor date (for fixed dates)"), required=False, widget=date_input()
    )
    start_date = forms.DateField(
        label=_("Start date (optional)"), required=False, widget=date_input()
    )
    prescriber_note = note_field(_("Prescriber's note (optional)"))
    active = forms.BooleanField(label=_("This plan is current"), required=False, initial=True)

    @classmethod
    def create_initial(cls, now: datetime) -> dict[str, Any]:
        return {"dose_unit": DoseUnit.MICROGRAM.value, "loading_doses": 0}


def plan_label(plan: InjectionPlan) -> str:
    return str(
        _("%(product)s — %(dose)s %(unit)s every %(days)s days")
        % {
            "product": plan.product,
            "dose": plain(plan.dose),
            "unit": plan.get_dose_unit_display(),
            "days": plan.maintenance_interval_days,
        }
    )


# Sites of the last injections, shown next to the site field for rotation.
ROTATION_HINT = 4


class InjectionForm(RecordForm):
    serializer_class = InjectionSerializer
    now_fields = ("given_at",)

    plan = OpenChoiceField(label=_("Injection plan"), required=False)
    given_at = when_field(_("Date and time given"))
    dose_ug = decimal_field(_("Dose in µg"), help_text=_("Leave empty to use the plan's dose."))
    site = OpenChoiceField(
        label=_("Injection site"),
        required=False,
        choices=choice_list(InjectionSite.choices, _("Not recorded")),
    )
    given_by = OpenChoiceField(
        label=_("Given by"), required=False, choices=choice_list(GivenBy.choices)
    )
    lot = forms.CharField(label=_("Lot or batch number (optional)"), required=False)
    note = note_field()

    def __init__(self, *args: Any, request: Any, instance: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, request=request, instance=instance, **kwargs)
        self.plans = self._current_rows("plan", InjectionPlan, "product")
        self._choice_field("plan").choices = [
            ("", _("No plan")),
            *((str(p.pk), plan_label(p)) for p in self.plans),
        ]
        latest = (
            Injection.objects.for_user(request.user)
            .alive()
            .exclude(pk=getattr(instance, "pk", None))
            .order_by("-given_at")
            .only("given_at", "site")[:ROTATION_HINT]
        )
        self.recent_injections = list(latest)
        if self.recent_injections:
            # Next to the site field (and read out with it): where the last ones went.
            sites = "; ".join(
                _("%(site)s on %(day)s")
                % {
                    "site": row.get_site_display() or _("site not recorded"),
                    "day": date_format(timezone.localtime(row.given_at), "j M Y"),
                }
                for row in self.recent_injections
            )
            self.fields["site"].help_text = _("Sites used last, most recent first: %(sites)s.") % {
                "sites": sites
            }

    @classmethod
    def create_initial(cls, now: datetime) -> dict[str, Any]:
        return {**super().create_initial(now), "given_by": GivenBy.NURSE_OR_DOCTOR.value}


# --- symptom diary ---

SEVERITY_CHOICES = [(str(n), str(n)) for n in range(SEVERITY_MIN, SEVERITY_MAX + 1)]


class SymptomEntryForm(RecordForm):
    serializer_class = SymptomEntrySerializer
    now_fields = ("recorded_at",)

    symptom = OpenChoiceField(
        label=_("Symptom"),
        required=False,
        choices=choice_list(SYMPTOMS.items(), _("Choose a symptom")),
    )
    # Radio buttons 0–10 drawn by the template, with words at 0, 5 and 10.
    severity = OpenChoiceField(
        label=_("How strong, from 0 to 10"),
        required=False,
        choices=SEVERITY_CHOICES,
        widget=forms.RadioSelect,
        help_text=_("0 none, 1–3 mild, 4–6 moderate, 7–10 severe."),
    )
    recorded_at = when_field(_("When"))
    red_flags = OpenMultipleChoiceField(
        label=_("Did any of these come with it?"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[(code, label) for code, (label, _level) in RED_FLAG_TAGS.items()],
    )
    note = note_field()


# --- lab results ---


def unit_choices() -> list[Any]:
    """Each test's units under the test's name: the page shows which unit goes with which."""
    groups: list[Any] = [("", _("Choose the unit"))]
    for spec in LAB_TESTS.values():
        groups.append((spec.label, [(unit, unit) for unit in spec.factors]))
    return groups


class LabResultForm(RecordForm):
    serializer_class = LabResultSerializer
    now_fields = ("sampled_at",)

    test = OpenChoiceField(
        label=_("Test"),
        required=False,
        choices=choice_list(
            ((code, spec.label) for code, spec in LAB_TESTS.items()), _("Choose the test")
        ),
    )
    value = decimal_field(_("Result"))
    unit = OpenChoiceField(
        label=_("Unit"),
        required=False,
        choices=unit_choices,
        help_text=_("As printed on the lab report, listed under each test."),
    )
    reference_low = decimal_field(_("Lab's range: lower limit (optional)"))
    reference_high = decimal_field(
        _("Lab's range: upper limit (optional)"),
        help_text=_("In the same unit as the result, as printed on the report."),
    )
    sampled_at = when_field(_("When the blood was taken"))
    lab_name = forms.CharField(label=_("Laboratory (optional)"), required=False)
    note = note_field()
