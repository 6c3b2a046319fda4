"""The caregiver site at /care-admin/: read-only summaries of the people who share theirs.

A second AdminSite, separate from the staff admin (tracker.admin.records/staff):

- Who may enter is decided on every request by ``tracker.queries.care.visible_patients``: an
  active account with at least one active, unexpired link granting view_summary. ``is_staff`` is
  neither needed nor enough, so a revoked or expired link shuts the door on the next request.
- One thing is registered: a ModelAdmin on User (a proxy model would need a migration) whose
  queryset is the visible patients of this request. Its list is the patient list, its "change"
  page the read-only summary with the shared charts. Adding, changing, deleting, history,
  autocomplete, password change, the object shortcut (/r/…) and filters are all gone (404), and
  the search looks at the visible patients' email addresses only.
- Every page that shows a patient's numbers writes one AccessLog row per patient shown
  (DESIGN invariant 8); a refused request writes none.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, URLResolver
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from tracker import charts
from tracker.domain.absorption import ESTIMATE_NOTE, ESTIMATE_SOURCES
from tracker.domain.disclaimer import DISCLAIMER
from tracker.models import AccessChannel, User
from tracker.queries.care import visible_patients
from tracker.queries.care_summary import summary_for, summary_rows
from tracker.services.audit import record_access

CHANNEL = AccessChannel.CAREGIVER_ADMIN.value


@dataclass(frozen=True)
class CareAccess:
    user_pk: Any
    now: datetime
    patients: QuerySet[User] | None  # None: this request may see nothing

    @property
    def allowed(self) -> bool:
        return self.patients is not None


def care_access(request: HttpRequest) -> CareAccess:
    """visible_patients for this request, read once per request (an admin page asks several
    times) and never kept beyond it: the next request reads the links again, so a revocation
    or an expiry takes effect at once. Keyed by the user, since the login view changes it."""
    user = request.user
    access: CareAccess | None = getattr(request, "_care_access", None)
    if access is not None and access.user_pk == user.pk:
        return access
    now = timezone.now()
    patients = None
    if user.is_authenticated and user.is_active:
        visible = visible_patients(user, now=now).order_by("email")
        if visible.exists():
            patients = visible
    access = CareAccess(user_pk=user.pk, now=now, patients=patients)
    request._care_access = access  # type: ignore[attr-defined]
    return access


class CaregiverAuthenticationForm(AuthenticationForm):
    """Any active account may sign in here (the staff admin's form insists on is_staff); what
    it may see is decided per request by CareAdminSite.has_permission."""


class CareAdminSite(admin.AdminSite):
    site_header = _("B12 Tracker — people you care for")
    site_title = _("B12 Tracker — people you care for")
    index_title = _("People you care for")
    site_url = None  # type: ignore[assignment]
    enable_nav_sidebar = False
    login_form = CaregiverAuthenticationForm
    login_template = "care_admin/login.html"
    logout_template = "care_admin/logged_out.html"
    index_template = "care_admin/index.html"
    app_index_template = "care_admin/index.html"

    def has_permission(self, request: HttpRequest) -> bool:
        return care_access(request).allowed

    def get_urls(self) -> list[URLResolver | URLPattern]:
        # The content-type shortcut (/r/<type>/<id>/) would redirect to any object's page and
        # tell whether an id exists: not on this site (the catch-all answers 404).
        return [
            url
            for url in super().get_urls()
            if getattr(url, "name", None) != "view_on_site"  # type: ignore[misc]
        ]

    def get_log_entries(self, request: HttpRequest) -> Any:
        # The admin's "recent actions" are staff-admin history (object names included).
        from django.contrib.admin.models import LogEntry

        return LogEntry.objects.none()

    def password_change(self, request: HttpRequest, extra_context: Any = None) -> TemplateResponse:
        raise Http404  # accounts are managed in the app and on the web pages

    def password_change_done(
        self, request: HttpRequest, extra_context: Any = None
    ) -> TemplateResponse:
        raise Http404

    def autocomplete_view(self, request: HttpRequest) -> HttpResponse:
        raise Http404  # nothing here is a widget's data source


care_site = CareAdminSite(name="care_admin")


class PatientSummaryAdmin(admin.ModelAdmin):
    """The people who share their summary with the caregiver signed in: the list, and a
    read-only summary for each. Registered on care_site only."""

    list_display = ("email",)
    search_fields = ("email",)
    search_help_text = _("Search by email address.")
    list_filter = ()
    actions = None
    sortable_by = ()
    show_full_result_count = False
    list_per_page = 50
    change_list_template = "care_admin/patient_list.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        patients = care_access(request).patients
        return patients.all() if patients is not None else User.objects.none()

    def lookup_allowed(self, lookup: str, value: str, request: HttpRequest | None = None) -> bool:
        # No filters: admin would otherwise accept any field of User as ?field=value
        # (is_staff, password__startswith, …), an oracle on the patients' accounts.
        return False

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.admin_site.has_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.admin_site.has_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def add_view(self, request: HttpRequest, form_url: str = "", extra_context: Any = None) -> Any:
        raise Http404

    def delete_view(self, request: HttpRequest, object_id: str, extra_context: Any = None) -> Any:
        raise Http404

    def history_view(self, request: HttpRequest, object_id: str, extra_context: Any = None) -> Any:
        raise Http404

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> Any:
        context = {"title": _("People who share their summary with you"), **(extra_context or {})}
        response = super().changelist_view(request, extra_context=context)
        if not isinstance(response, TemplateResponse) or "cl" not in (response.context_data or {}):
            return response  # a redirect or an error page: nothing read
        access = care_access(request)
        patients = list(response.context_data["cl"].result_list)  # type: ignore[index]
        response.context_data["rows"] = summary_rows(patients, now=access.now)  # type: ignore[index]
        for patient in patients:
            record_access(
                actor=request.user, patient=patient, what="patient list", channel=CHANNEL,
                now=access.now,
            )  # fmt: skip
        return response

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        # get_object reads get_queryset: someone not visible now (another person, a revoked or
        # expired link, the caregiver themselves, a malformed id) is simply not found.
        patient = self.get_object(request, unquote(object_id))
        if patient is None:
            raise Http404
        access = care_access(request)
        summary = summary_for(cast(User, patient), now=access.now)
        record_access(
            actor=request.user, patient=patient, what="summary", channel=CHANNEL, now=access.now
        )
        request.current_app = self.admin_site.name
        context = {
            **self.admin_site.each_context(request),
            "title": _("Summary for %(email)s") % {"email": patient.email},
            "summary": summary,
            # The chart module writes the SVG itself (matplotlib; no user text in it but
            # symptom and test labels from our own vocabularies).
            "intake_chart": mark_safe(charts.intake_chart(trends=summary.trends)),  # noqa: S308
            "adherence_chart": mark_safe(charts.adherence_chart(trends=summary.trends)),  # noqa: S308
            "symptom_chart": mark_safe(charts.symptom_chart(trends=summary.trends)),  # noqa: S308
            "estimate_note": ESTIMATE_NOTE,
            "estimate_sources": ESTIMATE_SOURCES,
            "disclaimer": DISCLAIMER,
            **(extra_context or {}),
        }
        return TemplateResponse(request, "care_admin/summary.html", context)


care_site.register(User, PatientSummaryAdmin)
