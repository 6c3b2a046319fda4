"""The account pages: sign-up (`/accounts/signup/`), sign-in and sign-out, password reset by
email and password change (`/settings/password/`).

Sign-up is the API's auth/register/ on the web: the same serializer (so the same field errors,
an email already taken included) and the same service, and its POSTs count against the same
throttle as the API's (one counter per client address for both). Sign-in keeps django-axes'
lockout of an (email, address) pair, shared with the token endpoint.
"""

from functools import cache
from typing import Any, cast

from axes.utils import reset as reset_lockout
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, password_validation
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from tracker.api.serializers import RegisterSerializer
from tracker.api.throttles import address_limited
from tracker.domain.disclaimer import DISCLAIMER
from tracker.domain.timezones import known_timezones
from tracker.models import User
from tracker.services.accounts import register_user
from tracker.web.base import SerializerForm

# --- time zones as a select: the IANA areas as groups, everything else under "Other names" ---

REGIONS: dict[str, str | Promise] = {
    "Africa": gettext_lazy("Africa"),
    "America": gettext_lazy("Americas"),
    "Antarctica": gettext_lazy("Antarctica"),
    "Arctic": gettext_lazy("Arctic"),
    "Asia": gettext_lazy("Asia"),
    "Atlantic": gettext_lazy("Atlantic Ocean"),
    "Australia": gettext_lazy("Australia"),
    "Europe": gettext_lazy("Europe"),
    "Indian": gettext_lazy("Indian Ocean"),
    "Pacific": gettext_lazy("Pacific Ocean"),
}


def _zone_label(name: str) -> str:
    return name.replace("_", " ")


@cache
def timezone_choices() -> list[tuple[Any, Any]]:
    """Every zone the profile accepts (so a zone set through the API is always on the list,
    and so is whatever older name a browser reports), grouped for the select."""
    grouped: dict[str, list[tuple[str, str]]] = {area: [] for area in REGIONS}
    other: list[tuple[str, str]] = []
    for name in sorted(known_timezones()):
        area = name.partition("/")[0]
        if area in grouped and "/" in name:
            grouped[area].append((name, _zone_label(name)))
        elif name != "UTC":
            other.append((name, _zone_label(name)))
    return [
        ("UTC", "UTC"),
        *[(REGIONS[area], zones) for area, zones in grouped.items() if zones],
        (gettext_lazy("Other names"), other),
    ]


def default_timezone() -> str:
    """The zone a sign-up starts with when the browser cannot tell (no JavaScript)."""
    return settings.TIME_ZONE


# --- sign-up ---


class SignUpForm(SerializerForm):
    serializer_class = RegisterSerializer

    email = forms.EmailField(
        label=gettext_lazy("Email address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=gettext_lazy("You sign in with it, and password reset links go there."),
    )
    password = forms.CharField(
        label=gettext_lazy("Password"),
        max_length=128,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password_confirm = forms.CharField(
        label=gettext_lazy("Password again"),
        max_length=128,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=gettext_lazy("Type the same password once more, to be sure of it."),
    )
    timezone = forms.ChoiceField(
        label=gettext_lazy("Your time zone"),
        choices=timezone_choices,
        help_text=gettext_lazy(
            "Reminders and your day (what counts as “today”) follow this time zone. You can "
            "change it later in Settings."
        ),
    )
    # Checked in clean(), after the serializer, so one submission shows every mistake.
    disclaimer_accepted = forms.BooleanField(
        label=gettext_lazy("I have read and accept what B12 Tracker does and does not do"),
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Django's password rules (settings.AUTH_PASSWORD_VALIDATORS), said up front.
        self.fields["password"].help_text = " ".join(
            password_validation.password_validators_help_texts()
        )

    def serializer_data(self) -> dict[str, Any]:
        data = super().serializer_data()
        data.pop("password_confirm", None)
        return data

    def clean(self) -> dict[str, Any]:
        # Read before the serializer runs: its password errors take the value out.
        password = self.cleaned_data.get("password")
        again = self.cleaned_data.get("password_confirm")
        cleaned = super().clean()
        if password and again and password != again:
            self.add_error("password_confirm", _("The two passwords are not the same."))
        if not cleaned.get("disclaimer_accepted"):
            self.add_error(
                "disclaimer_accepted",
                _("Tick this box to create your account: it says you accept the text above."),
            )
        return cleaned


@never_cache
@sensitive_post_parameters("password", "password_confirm")
@require_http_methods(["GET", "POST"])
@address_limited("register")
def signup_page(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("dashboard")
    bound = request.method == "POST"
    form = SignUpForm(
        request.POST if bound else None,
        request=request,
        initial={"timezone": default_timezone()},
    )
    if bound and form.is_valid():
        try:
            user = register_user(now=timezone.now(), **form.validated_data)
        except ValidationError as error:  # the same address signed up a moment ago
            for field, field_messages in error.message_dict.items():
                form.add_error(field if field in form.fields else None, field_messages)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return redirect("dashboard")
    if not bound:
        # signup.js pre-selects the browser's zone on a fresh form only (after a mistake the
        # choice made stays) and then shows this note.
        form.fields["timezone"].widget.attrs["data-detect-note"] = "timezone-detected"
    context = {"form": form, "disclaimer": DISCLAIMER}
    return render(request, "accounts/signup.html", context, status=400 if bound else 200)


# --- sign-in and sign-out ---


@method_decorator(address_limited("auth"), name="dispatch")
class SignInView(auth_views.LoginView):
    """Django's sign-in with the API's "auth" throttle; the axes lockout applies as it does to
    every authenticate() call. A wrong password is a 400 with the form again."""

    def form_invalid(self, form: Any) -> HttpResponse:
        response = super().form_invalid(form)
        response.status_code = 400
        return response


# --- password reset by email and password change ---


def _valid_for() -> dict[str, int]:
    seconds = int(settings.PASSWORD_RESET_TIMEOUT)
    if seconds % 86400 == 0:
        return {"valid_days": seconds // 86400}
    return {"valid_hours": max(1, seconds // 3600)}


# Every request may send an email to the address typed: a rate of its own, far below sign-in's,
# so the form cannot flood somebody's inbox.
@method_decorator(address_limited("password_reset"), name="dispatch")
class ResetRequestView(auth_views.PasswordResetView):
    """The same page for every address typed, known or not: it never says whether an account
    exists. The email holds a one-time link and nothing about the person's health."""

    template_name = "registration/password_reset_form.html"
    email_template_name = "emails/password_reset.txt"
    html_email_template_name = "emails/password_reset.html"
    subject_template_name = "emails/password_reset_subject.txt"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), **_valid_for()}

    def form_valid(self, form: Any) -> HttpResponse:
        self.extra_email_context = _valid_for()
        return super().form_valid(form)

    def form_invalid(self, form: Any) -> HttpResponse:
        response = super().form_invalid(form)
        response.status_code = 400
        return response


class ResetConfirmView(auth_views.PasswordResetConfirmView):
    """Setting a new password from the emailed link. It also lifts a sign-in lockout for the
    address: following the link proved the person holds the mailbox (the lockout message says
    resetting the password is the way out)."""

    http_method_names = ["get", "post", "head", "options"]

    def dispatch(self, *args: Any, **kwargs: Any) -> HttpResponseBase:
        # Django's view renders the invalid-link page before it looks at the method.
        if self.request.method is None or self.request.method.lower() not in self.http_method_names:
            return self.http_method_not_allowed(self.request, *args, **kwargs)
        return super().dispatch(*args, **kwargs)

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        reset_lockout(username=cast(User, form.user).email)
        return response

    def form_invalid(self, form: Any) -> HttpResponse:
        response = super().form_invalid(form)
        response.status_code = 400
        return response


@method_decorator(never_cache, name="dispatch")
class PasswordChangePage(auth_views.PasswordChangeView):
    """Signed in: the current password, then the new one twice. Other sessions and every
    refresh token end (both hold a hash of the password); this session stays signed in."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("settings")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        messages.success(self.request, _("Your password is changed."))
        return response

    def form_invalid(self, form: Any) -> HttpResponse:
        response = super().form_invalid(form)
        response.status_code = 400
        return response
