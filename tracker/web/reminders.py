"""The reminders pages (`/reminders/`: the list, new, edit, pause or resume, snooze, delete) and
the inbox (`/inbox/`, one notification at `/notifications/<id>/`, the page a push opens).

The API's serializers validate (ReminderSerializer, SnoozeSerializer, ActSerializer) and the
same services write (tracker.services.reminders, tracker.services.notifications); these views
only turn forms into their data and their errors into messages next to the fields. Another
person's reminder or notification is a 404.
"""

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import WEEKDAYS, WEEKDAYS_ABBR
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST

from tracker.api.reminders import (
    MAX_SNOOZE_MINUTES,
    ActSerializer,
    ReminderSerializer,
    SnoozeSerializer,
)
from tracker.api.throttles import quota_limited
from tracker.domain.channels import CHANNELS
from tracker.models import InjectionPlan, Notification, Reminder, ReminderKind, Supplement, User
from tracker.queries.dashboard import open_notifications
from tracker.services import notifications, reminders
from tracker.services.records import soft_delete
from tracker.web.base import SerializerForm, person_page

KIND_LABELS = dict(ReminderKind.choices)
# What each kind of reminder asks for (the serializer says which of them are required).
KIND_FIELDS = {
    ReminderKind.SUPPLEMENT: ("supplement", "times", "weekdays", "every_n_days", "start_date"),
    ReminderKind.DIARY: ("times", "weekdays", "every_n_days", "start_date"),
    ReminderKind.INJECTION: ("injection_plan", "times", "heads_up_days", "overdue_repeat_days"),
    ReminderKind.LAB: ("start_date", "times"),
}
# Kinds that need times of their own; the others fall back to 09:00.
TIMED_KINDS = (ReminderKind.SUPPLEMENT, ReminderKind.DIARY)
TIME_SLOTS = 4  # empty HH:MM inputs offered; more times come back with one slot each
SNOOZE_MINUTES = tuple(m for m in (10, 30, 60, 120, 240) if m <= MAX_SNOOZE_MINUTES)
INBOX_PAGE_SIZE = 20
WAITING_LIMIT = 50  # open notifications looked up for the list's "waiting for an answer"
WEEKDAY_CHOICES = [(day + 1, WEEKDAYS[day]) for day in range(7)]  # ISO: Monday is 1


class TimesWidget(forms.Widget):
    """Several ``<input type="time" name="times">``: the template draws them (one per slot)."""

    def value_from_datadict(self, data: Any, files: Any, name: str) -> list[str]:
        values = data.getlist(name) if hasattr(data, "getlist") else data.get(name) or []
        return [value.strip() for value in values if value and value.strip()]


class TimesField(forms.Field):
    widget = TimesWidget

    def to_python(self, value: Any) -> list[str]:
        return list(value or [])


def _offered(model: Any, user: User, current: Q) -> QuerySet[Any]:
    alive = Q(deleted_at__isnull=True)
    return model.objects.for_user(user).filter(alive | current if current else alive)


def _choices(rows: Any, label: str) -> list[tuple[str, str]]:
    return [("", _("Choose…"))] + [(str(row.pk), getattr(row, label)) for row in rows]


class ReminderForm(SerializerForm):
    serializer_class = ReminderSerializer

    supplement = forms.CharField(
        label=gettext_lazy("Supplement"), required=False, widget=forms.Select
    )
    injection_plan = forms.CharField(
        label=gettext_lazy("Injection plan"), required=False, widget=forms.Select
    )
    times = TimesField(label=gettext_lazy("Times of day"), required=False)
    weekdays = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Days of the week"),
        choices=WEEKDAY_CHOICES,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    every_n_days = forms.IntegerField(
        label=gettext_lazy("Or: every so many days (optional)"),
        required=False,
        help_text=gettext_lazy(
            "For example 2 for every other day. Leave empty to use the days above."
        ),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    start_date = forms.DateField(
        label=gettext_lazy("Starting on (optional)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    heads_up_days = forms.IntegerField(
        label=gettext_lazy("Heads-up: days before the due date"),
        required=False,
        help_text=gettext_lazy("0 for no heads-up. You are also reminded on the day it is due."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    overdue_repeat_days = forms.IntegerField(
        label=gettext_lazy("While it is overdue, remind every … days"),
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    channels = forms.MultipleChoiceField(
        label=gettext_lazy("Also send it by"),
        choices=[(code, label) for code, label in CHANNELS.items() if code != "inapp"],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, kind: str, **kwargs: Any) -> None:
        instance: Reminder | None = kwargs.get("instance")
        if instance is not None:
            kwargs.setdefault("initial", _initial(instance))  # shown only while unbound
        super().__init__(*args, **kwargs)
        self.kind = kind
        shown = (*KIND_FIELDS[ReminderKind(kind)], "channels")
        for name in list(self.fields):
            if name not in shown:
                del self.fields[name]
        user = cast(User, self.request.user)
        # Only the person's own rows are offered (and the reminder's current one, even if it
        # was deleted since: the serializer accepts it too); the serializer checks the answer.
        if "supplement" in self.fields:
            current = Q(pk=instance.supplement_id) if instance and instance.supplement_id else Q()
            rows = _offered(Supplement, user, current).order_by("name")
            cast(forms.Select, self.fields["supplement"].widget).choices = _choices(rows, "name")
        if "injection_plan" in self.fields:
            current = (
                Q(pk=instance.injection_plan_id) if instance and instance.injection_plan_id else Q()
            )
            plans = _offered(InjectionPlan, user, current).order_by("product")
            widget = cast(forms.Select, self.fields["injection_plan"].widget)
            widget.choices = _choices(plans, "product")
        if kind == ReminderKind.LAB:
            self.fields["start_date"].label = _("Date of the blood test")
        if kind not in TIMED_KINDS:
            self.fields["times"].help_text = _("Leave empty for 09:00.")

    def serializer_data(self) -> dict[str, Any]:
        """What the API would receive: empty lists and cleared dates are sent (an edit that
        clears them clears them); empty times only where the kind needs them, so the
        serializer says "add a time"; other empty inputs keep the stored or default value."""
        data: dict[str, Any] = {} if self.instance is not None else {"kind": self.kind}
        for name in self.fields:
            value = self.cleaned_data.get(name)
            if name == "times":
                if value or self.kind in TIMED_KINDS:
                    data[name] = value
            elif name in ("weekdays", "channels"):
                data[name] = value or []
            elif name in ("every_n_days", "start_date"):
                data[name] = value
            elif value not in (None, ""):
                data[name] = value
        return data

    def time_slots(self) -> list[str]:
        if self.is_bound:
            values = [v.strip() for v in cast(Any, self.data).getlist("times")]
        else:
            values = list(self.initial.get("times") or [])
        values = [v for v in values if v]
        return values + [""] * max(TIME_SLOTS - len(values), 1)  # always room for one more


def _initial(reminder: Reminder) -> dict[str, Any]:
    return {
        "supplement": str(reminder.supplement_id or ""),
        "injection_plan": str(reminder.injection_plan_id or ""),
        "times": list(reminder.times or []),
        "weekdays": list(reminder.weekdays or []),
        "every_n_days": reminder.every_n_days,
        "start_date": reminder.start_date,
        "heads_up_days": reminder.heads_up_days,
        "overdue_repeat_days": reminder.overdue_repeat_days,
        "channels": [c for c in reminder.channels or [] if c != "inapp"],
    }


class SnoozeForm(SerializerForm):
    serializer_class = SnoozeSerializer
    minutes = forms.IntegerField(label=gettext_lazy("Remind me again in"), required=False)


class ActForm(SerializerForm):
    serializer_class = ActSerializer
    action = forms.CharField()
    minutes = forms.IntegerField(label=gettext_lazy("Remind me again in"), required=False)


# --- describing a reminder ----------------------------------------------------------------


def what(reminder: Reminder) -> str:
    if reminder.kind == ReminderKind.SUPPLEMENT and reminder.supplement:
        return reminder.supplement.name
    if reminder.kind == ReminderKind.INJECTION and reminder.injection_plan:
        return _("Injection: %(product)s") % {"product": reminder.injection_plan.product}
    return str(KIND_LABELS.get(reminder.kind, reminder.kind))


def days(reminder: Reminder) -> str:
    if reminder.kind == ReminderKind.INJECTION:
        text = _("On the plan's due dates")
        if reminder.heads_up_days:
            text += ", " + ngettext(
                "with a heads-up %(n)d day before",
                "with a heads-up %(n)d days before",
                reminder.heads_up_days,
            ) % {"n": reminder.heads_up_days}
        return text
    if reminder.kind == ReminderKind.LAB and reminder.start_date:
        return _("On %(date)s") % {"date": date_format(reminder.start_date, "j F Y")}
    if reminder.every_n_days:
        text = ngettext("Every day", "Every %(n)d days", reminder.every_n_days) % {
            "n": reminder.every_n_days
        }
        if reminder.start_date:
            text += " " + _("from %(date)s") % {"date": date_format(reminder.start_date, "j F Y")}
        return text
    if reminder.weekdays and len(reminder.weekdays) < 7:
        return ", ".join(str(WEEKDAYS_ABBR[day - 1]) for day in sorted(reminder.weekdays))
    return _("Every day")


def _rows(user: User, *, now: Any) -> list[dict[str, Any]]:
    # The same scoping and joins as the API's reminders/ list: one query for all of them.
    rules = (
        Reminder.objects.for_user(user)
        .alive()
        .select_related("supplement", "injection_plan")
        .order_by("-active", "next_fire_at", "created_at")
    )
    waiting: dict[Any, Notification] = {}
    for notification in open_notifications(user, now=now, limit=WAITING_LIMIT):
        waiting.setdefault(notification.reminder_id, notification)
    return [
        {
            "reminder": reminder,
            "what": what(reminder),
            "times": reminder.times or _default_times(reminder),
            "days": days(reminder),
            "waiting": waiting.get(reminder.pk),
            "channels": [str(CHANNELS[c]) for c in reminder.channels or [] if c in CHANNELS],
        }
        for reminder in rules
    ]


def _default_times(reminder: Reminder) -> list[str]:
    if reminder.kind in TIMED_KINDS:
        return []
    return [reminders.DEFAULT_TIME.strftime("%H:%M")]  # what the service fires at


def _own_reminder(user: User, reminder_id: Any) -> Reminder:
    return get_object_or_404(
        Reminder.objects.for_user(user).alive().select_related("supplement", "injection_plan"),
        pk=reminder_id,
    )


def _local(moment: Any) -> str:
    return date_format(timezone.localtime(moment), "D j M, H:i")


def _reminders_response(
    request: HttpRequest, *, errors: dict[Any, list[str]] | None = None, status: int = 200
) -> HttpResponse:
    user = cast(User, request.user)
    profile = user.profile
    rows = _rows(user, now=timezone.now())
    for row in rows:
        row["errors"] = (errors or {}).get(row["reminder"].pk, [])
    context = {
        "rows": rows,
        "snooze_minutes": SNOOZE_MINUTES,
        "profile": profile,
        "zone": profile.effective_timezone,
    }
    return render(request, "reminders/index.html", context, status=status)


# --- reminders pages ----------------------------------------------------------------------


@person_page()
@require_http_methods(["GET"])
def reminders_page(request: HttpRequest) -> HttpResponse:
    return _reminders_response(request)


@person_page(writes=True)
@quota_limited("create")
@require_http_methods(["GET", "POST"])
def reminder_new_page(request: HttpRequest) -> HttpResponse:
    """Two steps, no script needed: what to be reminded of, then that kind's form."""
    kind = request.POST.get("kind") or request.GET.get("kind")
    if kind not in KIND_FIELDS:
        choices = [(code, label) for code, label in ReminderKind.choices]
        status = 400 if kind else 200
        return render(
            request,
            "reminders/choose.html",
            {"choices": choices, "bad_kind": bool(kind)},
            status=status,
        )
    form = ReminderForm(request.POST or None, request=request, kind=kind)
    if request.method == "POST" and form.is_valid():
        reminder = reminders.create_reminder(
            user=cast(User, request.user), now=timezone.now(), **form.validated_data
        )
        _saved_message(request, reminder, _("Reminder added."))
        return redirect("reminders")
    return _form_response(request, form, reminder=None)


@person_page(writes=True)
@require_http_methods(["GET", "POST"])
def reminder_edit_page(request: HttpRequest, reminder_id: Any) -> HttpResponse:
    reminder = _own_reminder(cast(User, request.user), reminder_id)
    form = ReminderForm(
        request.POST or None, request=request, instance=reminder, kind=reminder.kind
    )
    if request.method == "POST" and form.is_valid():
        now = timezone.now()
        reminders.update_reminder(reminder=reminder, changes=form.validated_data, now=now)
        _saved_message(request, reminder, _("Reminder saved."))
        return redirect("reminders")
    return _form_response(request, form, reminder=reminder)


def _form_response(request: HttpRequest, form: ReminderForm, *, reminder: Any) -> HttpResponse:
    profile = cast(User, request.user).profile
    context = {
        "form": form,
        "reminder": reminder,
        "kind": form.kind,
        "kind_label": KIND_LABELS[form.kind],
        "time_slots": form.time_slots(),
        "profile": profile,
        "zone": profile.effective_timezone,
        # Nothing to choose from yet: say where to add it first.
        "needs_supplement": _no_choices(form, "supplement"),
        "needs_plan": _no_choices(form, "injection_plan"),
    }
    return render(request, "reminders/form.html", context, status=400 if form.is_bound else 200)


def _no_choices(form: ReminderForm, name: str) -> bool:
    return (
        name in form.fields and len(list(cast(forms.Select, form.fields[name].widget).choices)) == 1
    )


def _saved_message(request: HttpRequest, reminder: Reminder, text: str) -> None:
    if reminder.active and reminder.next_fire_at:
        text += " " + _("Next reminder: %(time)s.") % {"time": _local(reminder.next_fire_at)}
    messages.success(request, text)


@person_page(writes=True)
@require_POST
def reminder_active_page(request: HttpRequest, reminder_id: Any) -> HttpResponse:
    """Pause (active=false) or resume (active=true): the API's PATCH with only ``active``."""
    reminder = _own_reminder(cast(User, request.user), reminder_id)
    serializer = ReminderSerializer(
        reminder,
        data={"active": request.POST.get("active", "")},
        partial=True,
        context={"request": request},
    )
    if not serializer.is_valid():
        return _reminders_response(
            request, errors={reminder.pk: _messages(serializer.errors)}, status=400
        )
    reminders.update_reminder(
        reminder=reminder, changes=dict(serializer.validated_data), now=timezone.now()
    )
    if reminder.active:
        _saved_message(request, reminder, _("Reminder resumed."))
    else:
        messages.success(request, _("Reminder paused: nothing is sent until you resume it."))
    return redirect("reminders")


@person_page(writes=True)
@require_POST
def reminder_snooze_page(request: HttpRequest, reminder_id: Any) -> HttpResponse:
    """The API's reminders/{id}/snooze/: the notification it just sent comes again after the
    minutes chosen, or, if none is waiting, its next one is held back until then."""
    reminder = _own_reminder(cast(User, request.user), reminder_id)
    form = SnoozeForm(request.POST, request=request)
    if not form.is_valid():
        return _reminders_response(request, errors={reminder.pk: _form_messages(form)}, status=400)
    now = timezone.now()
    snoozed = reminders.snooze_reminder(
        reminder=reminder, minutes=form.validated_data["minutes"], now=now
    )
    if snoozed is not None and snoozed.refire_at:
        text = _("It will remind you again at %(time)s.") % {"time": _local(snoozed.refire_at)}
    elif reminder.next_fire_at:
        text = _("The next reminder comes at %(time)s.") % {"time": _local(reminder.next_fire_at)}
    else:
        text = _("Snoozed.")
    messages.success(request, text)
    return redirect("reminders")


@person_page()
@require_http_methods(["GET", "POST"])
def reminder_delete_page(request: HttpRequest, reminder_id: Any) -> HttpResponse:
    """GET asks for confirmation, POST deletes (kept as history, as the API's DELETE)."""
    reminder = _own_reminder(cast(User, request.user), reminder_id)
    if request.method == "POST":
        soft_delete(record=reminder, now=timezone.now())
        messages.success(request, _("Reminder deleted."))
        return redirect("reminders")
    row = {"what": what(reminder), "days": days(reminder), "times": reminder.times}
    return render(request, "reminders/delete.html", {"reminder": reminder, "row": row})


def _messages(errors: Any) -> list[str]:
    if isinstance(errors, dict):
        return [text for value in errors.values() for text in _messages(value)]
    if isinstance(errors, list | tuple):
        return [text for value in errors for text in _messages(value)]
    return [str(errors)]


def _form_messages(form: forms.Form) -> list[str]:
    return [str(error) for errors in form.errors.values() for error in errors]


# --- the inbox ----------------------------------------------------------------------------


def allowed_actions(notification: Notification) -> tuple[str, ...]:
    """The answers the page offers. A supplement reminder is about a dose: taken or skipped
    records it (act_on_notification); anything can be snoozed. An alert about someone else is
    only snoozed or read, as the API says."""
    if notification.action in ("taken", "skipped"):
        return ()
    if notification.kind == ReminderKind.SUPPLEMENT:
        return ("taken", "skipped", "snooze")
    return ("snooze",)


def _inbox_rows(items: Any, errors: dict[Any, list[str]] | None = None) -> list[dict[str, Any]]:
    return [
        {"n": n, "actions": allowed_actions(n), "errors": (errors or {}).get(n.pk, [])}
        for n in items
    ]


def _inbox_queryset(user: User) -> QuerySet[Notification]:
    return Notification.objects.for_user(user).alive().order_by("-occurrence", "-created_at")


def _page_number(request: HttpRequest) -> int:
    raw = request.POST.get("page") or request.GET.get("page") or "1"
    return int(raw) if raw.isdigit() and 0 < int(raw) < 100_000 else 1


def _inbox_response(
    request: HttpRequest,
    *,
    errors: dict[Any, list[str]] | None = None,
    status: int = 200,
) -> HttpResponse:
    user = cast(User, request.user)
    # Two queries whatever the history: the count and one page, newest first.
    page = Paginator(_inbox_queryset(user), INBOX_PAGE_SIZE).get_page(_page_number(request))
    rows = _inbox_rows(page.object_list, errors)
    shown = any(row["errors"] for row in rows)
    context = {
        "page": page,
        "rows": rows,
        # Errors about a notification not on this page are said above the list.
        "top_errors": [] if shown else [e for texts in (errors or {}).values() for e in texts],
        "snooze_minutes": SNOOZE_MINUTES,
        "zone": user.profile.effective_timezone,
    }
    return render(request, "inbox/index.html", context, status=status)


@person_page()
@require_http_methods(["GET"])
def inbox_page(request: HttpRequest) -> HttpResponse:
    return _inbox_response(request)


def _own_notification(user: User, notification_id: Any) -> Notification:
    return get_object_or_404(_inbox_queryset(user), pk=notification_id)


def _detail_response(
    request: HttpRequest, notification: Notification, *, errors: list[str], status: int = 200
) -> HttpResponse:
    context = {
        "row": _inbox_rows([notification], {notification.pk: errors})[0],
        "snooze_minutes": SNOOZE_MINUTES,
    }
    return render(request, "inbox/detail.html", context, status=status)


@person_page()
@require_http_methods(["GET"])
def notification_page(request: HttpRequest, notification_id: Any) -> HttpResponse:
    """Where a push or an email opens: the one notification with its answers."""
    notification = _own_notification(cast(User, request.user), notification_id)
    return _detail_response(request, notification, errors=[])


def _back(request: HttpRequest, notification: Notification) -> HttpResponse:
    if request.POST.get("back") == "detail":
        return redirect("notification", notification_id=notification.pk)
    page = _page_number(request)
    return redirect(reverse("inbox") + (f"?page={page}" if page > 1 else ""))


ACT_MESSAGES = {
    "taken": gettext_lazy("Recorded as taken."),
    "skipped": gettext_lazy("Recorded as skipped."),
}


@person_page()
@require_POST
def notification_act_page(request: HttpRequest, notification_id: Any) -> HttpResponse:
    """The API's notifications/{id}/act/: taken, skipped or snooze."""
    notification = _own_notification(cast(User, request.user), notification_id)
    form = ActForm(request.POST, request=request)
    if form.is_valid() and form.validated_data["action"] not in allowed_actions(notification):
        refusal = notifications.refused_action(
            notification=notification, action=form.validated_data["action"]
        )
        form.add_error("action", refusal or _("This notification cannot be answered that way."))
    if not form.is_valid():
        errors = _form_messages(form)
        if request.POST.get("back") == "detail":
            return _detail_response(request, notification, errors=errors, status=400)
        return _inbox_response(request, errors={notification.pk: errors}, status=400)
    result = notifications.act_on_notification(
        notification=notification,
        action=form.validated_data["action"],
        minutes=form.validated_data.get("minutes"),
        now=timezone.now(),
    )
    if result.notification.refire_at is not None:
        text = _("It will remind you again at %(time)s.") % {
            "time": _local(result.notification.refire_at)
        }
    else:
        text = str(ACT_MESSAGES[form.validated_data["action"]])
    messages.success(request, text)
    return _back(request, notification)


@person_page()
@require_POST
def notification_read_page(request: HttpRequest, notification_id: Any) -> HttpResponse:
    notification = _own_notification(cast(User, request.user), notification_id)
    notifications.mark_read(notification=notification, now=timezone.now())
    return _back(request, notification)
