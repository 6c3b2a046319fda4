"""`/settings/delete-account/`: erase the account from the web, after saying what goes and what
stays, offering the export first, and asking for the password and a confirmation.

The same serializer as DELETE /api/v1/me/ checks the password (through the authentication
backends, so wrong guesses count toward the django-axes lockout) and the same service
(tracker.services.erasure) does the work; then the person is signed out and sent home.
"""

from typing import Any, cast

from axes.handlers.proxy import AxesProxyHandler
from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from tracker.api.serializers import AccountDeletionSerializer
from tracker.auth.lockout import lockout_response
from tracker.models import User
from tracker.services.erasure import erase_account
from tracker.web.base import SerializerForm, person_page

EXPORT_FORMATS = (
    ("json", gettext_lazy("All data as JSON")),
    ("csv", gettext_lazy("All data as CSV files (ZIP)")),
    ("fhir", gettext_lazy("Clinical records as FHIR (for a clinician's system)")),
)


class DeleteAccountForm(SerializerForm):
    serializer_class = AccountDeletionSerializer

    password = forms.CharField(
        label=gettext_lazy("Your password"),
        max_length=128,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": gettext_lazy("Enter your password.")},
    )
    confirm = forms.BooleanField(
        label=gettext_lazy("I understand that my account and all my records are deleted for good."),
        error_messages={"required": gettext_lazy("Tick this box to confirm.")},
    )

    def clean(self) -> dict[str, Any]:
        if set(self.errors) == {"confirm"}:
            # Every mistake at once: the password is checked while the box is still unticked.
            serializer = self.serializer_class(
                data={"password": self.cleaned_data["password"]}, context={"request": self.request}
            )
            if not serializer.is_valid():
                self._add_serializer_errors(serializer.errors)
            return self.cleaned_data
        return super().clean()


@person_page()
@sensitive_post_parameters("password")
@require_http_methods(["GET", "POST"])
def delete_account_page(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    if request.method == "POST" and AxesProxyHandler.is_locked(request, {"email": user.email}):
        return lockout_response(request)
    form = DeleteAccountForm(request.POST or None, request=request)
    if request.method == "POST":
        valid = form.is_valid()
        if getattr(request, "axes_locked_out", False):
            return lockout_response(request)
        if valid:
            erase_account(user=user, now=timezone.now())
            logout(request)
            messages.success(request, _("Your account and all its data have been deleted."))
            return redirect("home")
    context = {
        "form": form,
        "exports": [
            {"url": f"/api/v1/me/export/?format={code}", "label": label}
            for code, label in EXPORT_FORMATS
        ],
    }
    return render(
        request,
        "accounts/delete_account.html",
        context,
        status=400 if request.method == "POST" else 200,
    )
