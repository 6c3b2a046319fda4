"""The caregiver pages: your links both ways and the invite form (`/care/`), accepting an
invitation (`/care/accept/?token=`) and ending a link after a confirmation
(`/care/links/<id>/revoke/`). The same services as the API (tracker.services.care) do the work;
these views only turn forms into their arguments and their ValidationErrors into field errors.
"""

from datetime import timedelta
from typing import Any, cast
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from tracker.api.throttles import quota_limited
from tracker.domain.timezones import local_day_bounds
from tracker.models import CareLink, CareLinkStatus, User
from tracker.queries.care import PERMISSIONS
from tracker.services import care


class InviteForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("Their email address"), max_length=254)
    # Not required here: the service says "choose at least one", next to the checkboxes.
    permissions = forms.MultipleChoiceField(
        label=gettext_lazy("What they may do"),
        choices=[(code, care.PERMISSION_LABELS[code]) for code in PERMISSIONS],
        required=False,
    )
    ends_on = forms.DateField(
        label=gettext_lazy("End date (optional)"),
        required=False,
        help_text=gettext_lazy("The link works until the end of this day, then stops."),
    )


# The service names the API's fields; the form asks for a date instead of an instant.
SERVICE_FIELDS = {"email": "email", "permissions": "permissions", "expires_at": "ends_on"}


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    for field, field_messages in error.message_dict.items():
        form.add_error(SERVICE_FIELDS.get(field), field_messages)


STATUS_LABELS = dict(CareLinkStatus.choices)


def _other_party(link: CareLink, role: str) -> str:
    if role == "caregiver":
        return link.patient.email
    return link.caregiver.email if link.caregiver else link.invited_email


def _link_rows(user: User, now: Any) -> list[dict[str, Any]]:
    rows = []
    for link in care.links_of(user, now=now):
        role = care.role_of(link, user)
        status = care.current_status(link, now=now)
        rows.append(
            {
                "link": link,
                "role": role,
                "status": status,
                "status_label": STATUS_LABELS[status],
                "other": _other_party(link, role),
                "permissions": [care.PERMISSION_LABELS[code] for code in link.permissions],
                "can_end": status in ("invited", "active"),
            }
        )
    return rows


@never_cache
@login_required
@quota_limited("invitation")  # each POST may send an email to an address typed here
@require_http_methods(["GET", "POST"])
def care_page(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    now = timezone.now()
    # Bound on every POST, even an empty one (`request.POST or None` left an empty POST
    # unbound, and reporting the service's errors on an unbound form raised: a 500).
    form = InviteForm(request.POST if request.method == "POST" else None)
    status_code = 200
    if request.method == "POST":
        if form.is_valid():
            ends_on = form.cleaned_data["ends_on"]
            expires_at = (
                local_day_bounds(ends_on + timedelta(days=1), user.profile.effective_timezone)
                if ends_on
                else None
            )
            try:
                care.invite_caregiver(
                    patient=user,
                    email=form.cleaned_data["email"],
                    permissions=form.cleaned_data["permissions"],
                    expires_at=expires_at,
                    now=now,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Invitation sent to %(email)s.") % {"email": form.cleaned_data["email"]},
                )
                return redirect("care")
        elif "permissions" not in form.errors:
            # Show every mistake at once: the service's own permission check, even while
            # another field is wrong.
            try:
                care.clean_permissions(request.POST.getlist("permissions"))
            except ValidationError as error:
                add_service_errors(form, error)
        status_code = 400
    context = {
        "form": form,
        "rows": _link_rows(user, now),
        "permission_help": [
            (code, care.PERMISSION_LABELS[code], care.PERMISSION_HELP[code]) for code in PERMISSIONS
        ],
        "chosen": form["permissions"].value() or [],
        "valid_days": care.INVITATION_VALID_DAYS,
        "zone": user.profile.effective_timezone,
    }
    return render(request, "care/index.html", context, status=status_code)


@never_cache
@require_http_methods(["GET", "POST"])
def care_accept_page(request: HttpRequest) -> HttpResponse:
    """Open to everyone, so a person without a session learns that an account is needed and
    gets a sign-in link that comes back here; only a signed-in person sees the invitation."""
    token = (request.POST.get("token") or request.GET.get("token") or "").strip()
    here = f"{reverse('care-accept')}?{urlencode({'token': token})}"
    context: dict[str, Any] = {"token": token}
    status_code = 200
    if not request.user.is_authenticated:
        if request.method == "POST":
            return redirect(f"{reverse('login')}?{urlencode({'next': here})}")
        context["login_url"] = f"{reverse('login')}?{urlencode({'next': here})}"
        return _accept_response(request, context, status_code)

    user = cast(User, request.user)
    now = timezone.now()
    if request.method == "POST":
        try:
            link = care.accept_invitation(token=token, caregiver=user, now=now)
        except ValidationError as error:
            context["error"] = " ".join(error.message_dict.get("token", error.messages))
            status_code = 400
        else:
            messages.success(
                request,
                _("You accepted the invitation from %(email)s.") % {"email": link.patient.email},
            )
            return redirect("care")
    invitation = care.find_invitation(token=token, now=now)
    if invitation is None:
        context.setdefault("error", care.invalid_invitation_message())
    else:
        context["invitation"] = invitation
        context["zone"] = user.profile.effective_timezone
        context["own"] = invitation.link.patient_id == user.pk
        context["permissions"] = [
            (care.PERMISSION_LABELS[code], care.PERMISSION_HELP[code])
            for code in invitation.permissions
        ]
    return _accept_response(request, context, status_code)


def _accept_response(request: HttpRequest, context: dict[str, Any], status: int) -> HttpResponse:
    response = render(request, "care/accept.html", context, status=status)
    # The page's address holds the token: no link on it may pass that on as a Referer.
    response["Referrer-Policy"] = "no-referrer"
    return response


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def care_revoke_page(request: HttpRequest, link_id: Any) -> HttpResponse:
    """Ending a link: GET asks for confirmation, POST ends it. The patient revokes; the
    caregiver leaves (the same service). Anyone else's link is a 404."""
    user = cast(User, request.user)
    now = timezone.now()
    link = care.links_of(user, now=now).filter(pk=link_id).first()
    if link is None:
        raise Http404
    role = care.role_of(link, user)
    if request.method == "POST":
        care.revoke_link(link=link, now=now)
        if role == "patient":
            note = _("The link is revoked: %(email)s can no longer see or hear anything.")
        else:
            note = _("You left the link: you no longer see anything from %(email)s.")
        messages.success(request, note % {"email": _other_party(link, role)})
        return redirect("care")
    context = {
        "link": link,
        "role": role,
        "status": care.current_status(link, now=now),
        "other": _other_party(link, role),
    }
    return render(request, "care/revoke.html", context)
