"""`/settings/`: the profile and notification settings, through the same serializer and service
as PATCH me/ (MeSerializer, tracker.services.accounts.update_profile, which also moves
reminders to a new time zone or quiet hours), and links to the person's data and privacy pages.
"""

from datetime import timedelta
from typing import Any, cast
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from tracker.api.serializers import MeSerializer
from tracker.domain.channels import CHANNELS
from tracker.domain.disclaimer import DISCLAIMER
from tracker.domain.risk_factors import RISK_FACTORS
from tracker.models import Profile, User
from tracker.models.accounts import DietType, PregnancyStatus, ReferenceStandard
from tracker.services.accounts import EDITABLE_PROFILE_FIELDS, update_profile
from tracker.web.accounts import timezone_choices
from tracker.web.base import SerializerForm, person_page

REPORT_URL = "/api/v1/me/report/"
REPORT_DAYS = (30, 90, 365)


class SettingsForm(SerializerForm):
    """Every field MeSerializer lets a person change (EDITABLE_PROFILE_FIELDS), with help."""

    serializer_class = MeSerializer

    diet_type = forms.ChoiceField(
        label=gettext_lazy("Diet"),
        choices=[("", gettext_lazy("Not stated")), *DietType.choices],
        required=False,
        help_text=gettext_lazy(
            "Used for the screening questions and for suggesting articles. “Not stated” is fine."
        ),
    )
    birth_date = forms.DateField(
        label=gettext_lazy("Date of birth"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "autocomplete": "bday"}, format="%Y-%m-%d"),
        help_text=gettext_lazy(
            "Your age decides which reference intake your day is compared with. Leave it empty "
            "and the adult reference is used."
        ),
    )
    pregnancy_status = forms.ChoiceField(
        label=gettext_lazy("Pregnancy or breastfeeding"),
        choices=PregnancyStatus.choices,
        help_text=gettext_lazy("Pregnancy and breastfeeding have their own reference intakes."),
    )
    reference_standard = forms.ChoiceField(
        label=gettext_lazy("Reference intakes from"),
        choices=ReferenceStandard.choices,
        help_text=gettext_lazy(
            "Whose official daily reference the dashboard and the report compare your intake with."
        ),
    )
    risk_factors = forms.MultipleChoiceField(
        label=gettext_lazy("Things that can lower B12"),
        choices=list(RISK_FACTORS.items()),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy(
            "Tick any that apply to you. They shape the screening questions and article "
            "suggestions, and some (such as a gastrectomy) change the absorbed estimate."
        ),
    )
    timezone = forms.ChoiceField(
        label=gettext_lazy("Time zone"),
        choices=timezone_choices,
        help_text=gettext_lazy(
            "Reminders and your day follow this time zone. The phone app may update it when "
            "you travel."
        ),
    )
    home_timezone = forms.ChoiceField(
        label=gettext_lazy("Home time zone (optional)"),
        choices=lambda: [("", _("None: follow the time zone above")), *timezone_choices()],
        required=False,
        help_text=gettext_lazy(
            "Set this to keep reminders on home time while you are away. It wins over the "
            "time zone above."
        ),
    )
    quiet_hours_start = forms.TimeField(
        label=gettext_lazy("Quiet hours start"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=gettext_lazy("Leave both times empty for no quiet hours."),
    )
    quiet_hours_end = forms.TimeField(
        label=gettext_lazy("Quiet hours end"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=gettext_lazy(
            "Reminders due during quiet hours wait until they end. Quiet hours may run past "
            "midnight, for example 22:00 to 07:00."
        ),
    )
    notification_channels = forms.MultipleChoiceField(
        label=gettext_lazy("Send reminders by"),
        choices=list(CHANNELS.items()),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy(
            "The inbox on this site always keeps every reminder. Browser and phone "
            "notifications reach only browsers and phones where you allowed them."
        ),
    )
    discreet_notifications = forms.BooleanField(
        label=gettext_lazy("Discreet notifications"),
        required=False,
        help_text=gettext_lazy(
            "Lock screens and email subjects then say only “Time for your reminder”, with no "
            "supplement, medicine or health words."
        ),
    )

    def serializer_data(self) -> dict[str, Any]:
        # The page shows every setting, so an emptied input means "clear it" (no quiet hours,
        # no birth date), not "keep what is stored" as for a partial PATCH.
        return {name: self.cleaned_data.get(name) for name in EDITABLE_PROFILE_FIELDS}


def initial_from(profile: Profile) -> dict[str, Any]:
    return {name: getattr(profile, name) for name in EDITABLE_PROFILE_FIELDS}


def changed_fields(profile: Profile, validated: dict[str, Any]) -> dict[str, Any]:
    """Only what differs, so saving an unchanged page does not move any reminder."""
    return {name: value for name, value in validated.items() if getattr(profile, name) != value}


@person_page()
@require_http_methods(["GET", "POST"])
def settings_page(request: HttpRequest) -> HttpResponse:
    profile = cast(User, request.user).profile
    bound = request.method == "POST"
    form = SettingsForm(
        request.POST if bound else None,
        request=request,
        instance=profile,
        initial=initial_from(profile),
    )
    if bound and form.is_valid():
        try:
            update_profile(
                profile=profile,
                changes=changed_fields(profile, form.validated_data),
                disclaimer_accepted=False,
                now=timezone.now(),
            )
        except ValidationError as error:  # the model's own validation, run by the service
            for field, field_messages in error.message_dict.items():
                form.add_error(field if field in form.fields else None, field_messages)
            profile.refresh_from_db()
        else:
            messages.success(request, _("Your settings are saved."))
            return redirect("settings")
    today = profile.today(timezone.now())
    context = {
        "form": form,
        "profile": profile,
        "email": cast(User, request.user).email,
        "disclaimer": DISCLAIMER,
        # The report for the last 30, 90 or 365 days, today included (?from= is a local date).
        "reports": [
            (days, f"{REPORT_URL}?{urlencode({'from': (today - timedelta(days=days - 1))})}")
            for days in REPORT_DAYS
        ],
    }
    return render(request, "accounts/settings.html", context, status=400 if bound else 200)
