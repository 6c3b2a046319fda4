"""Staff admin for the logged records: read-only (a person's health history is theirs to
change, through the app), searchable by the owner's email, with owners and foods joined in the
list query so a page costs the same at any history size.

A staff member opening someone else's record is a read of their health data, so it writes an
AccessLog row (DESIGN invariant 8), which the person sees on "Who looked at your data":

- a change view (rendered, whatever the method): one row for the record's owner, ``what`` =
  the model's verbose name ("symptom entry");
- nothing for refused requests (403, a missing or malformed id's redirect), for a staff member's
  own records (not someone else's data), for the add/delete pages (always refused here) or for
  the history page (it shows the admin's change log, which read-only records never get).

Changelists are not audited yet. They do show values (severity, lab values, µg) of many
people, but a row per person shown means up to list_per_page INSERTs through record_access (the
only writer) per page, and a cost that varies with how many people a page happens to show; that
wants a bulk writer in tracker.services.audit first (one INSERT per page).

The rows name the kind of record, never a value from it.
"""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from tracker.models import (
    AccessChannel,
    AccessLog,
    Alert,
    Article,
    Delivery,
    Food,
    FoodIntake,
    Injection,
    InjectionPlan,
    LabResult,
    Notification,
    Reminder,
    Supplement,
    SupplementDose,
    SymptomEntry,
    User,
)
from tracker.services.audit import record_access
from tracker.services.content import save_edited_article


def record_staff_read(*, request: HttpRequest, patient: User, what: str) -> AccessLog | None:
    """The AccessLog row for a staff page that showed someone's record; none for one's own."""
    if patient.pk == request.user.pk:
        return None
    return record_access(
        actor=request.user,
        patient=patient,
        what=what,
        channel=AccessChannel.STAFF_ADMIN,
        now=timezone.now(),
    )


class ReadOnlyRecordAdmin(admin.ModelAdmin):
    list_select_related: Any = ("owner",)  # type: ignore[misc]
    search_fields = ("owner__email",)
    show_full_result_count = False  # skips a COUNT(*) over the whole table on every page
    list_per_page = 50
    # The path from a record to the person it belongs to (whose read is logged).
    patient_path = "owner"

    def patient_of(self, obj: Any) -> User:
        for name in self.patient_path.split("__"):
            obj = getattr(obj, name)
        return obj  # type: ignore[no-any-return]

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        response = super().change_view(request, object_id, form_url, extra_context)
        # Only a page that shows the record: a refused request raises (403) and a missing
        # or malformed id redirects, and neither writes a row. Any method counts: Django's
        # change view shows the record for PUT or DELETE just as for GET.
        context = getattr(response, "context_data", None) or {}
        record = context.get("original")
        if response.status_code == 200 and record is not None:
            record_staff_read(
                request=request,
                patient=self.patient_of(record),
                what=str(self.model._meta.verbose_name),
            )
        return response

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    """Editors change the Markdown; the HTML is re-rendered and sanitised on every save."""

    list_display = ("title", "slug", "reviewed_at", "published")
    list_filter = ("published",)
    search_fields = ("title", "slug", "summary")
    readonly_fields = ("source_path",)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        save_edited_article(obj)


@admin.register(Alert)
class AlertAdmin(ReadOnlyRecordAdmin):
    list_display = ("created_at", "owner", "rule", "level", "acknowledged_at")
    list_filter = ("level", "rule")


@admin.register(Food)
class FoodAdmin(admin.ModelAdmin):
    """The catalogue, for staff to review flags (fortified, pseudo-B12) and values."""

    list_display = ("name", "data_type", "b12_ug_per_100g", "is_fortified", "is_pseudo_b12")
    list_filter = ("source", "data_type", "is_fortified", "is_pseudo_b12")
    search_fields = ("name", "barcode")
    readonly_fields = ("owner", "source", "source_version", "catalogue_key", "search_name")
    show_full_result_count = False
    list_per_page = 50


@admin.register(FoodIntake)
class FoodIntakeAdmin(ReadOnlyRecordAdmin):
    list_display = ("eaten_at", "owner", "food", "grams", "b12_ug", "meal")
    list_select_related = ("owner", "food")  # type: ignore[misc]
    date_hierarchy = "eaten_at"


@admin.register(Supplement)
class SupplementAdmin(ReadOnlyRecordAdmin):
    list_display = ("name", "owner", "form", "route", "dose_ug", "active")
    list_filter = ("form", "route", "active")


@admin.register(SupplementDose)
class SupplementDoseAdmin(ReadOnlyRecordAdmin):
    list_display = ("occurred_at", "owner", "supplement", "status", "units", "b12_ug")
    list_select_related = ("owner", "supplement")  # type: ignore[misc]
    list_filter = ("status", "source")


@admin.register(InjectionPlan)
class InjectionPlanAdmin(ReadOnlyRecordAdmin):
    list_display = ("product", "owner", "dose_ug", "maintenance_interval_days", "active")


@admin.register(Injection)
class InjectionAdmin(ReadOnlyRecordAdmin):
    list_display = ("given_at", "owner", "dose_ug", "site", "given_by")
    list_filter = ("site", "given_by")


@admin.register(SymptomEntry)
class SymptomEntryAdmin(ReadOnlyRecordAdmin):
    list_display = ("recorded_at", "owner", "symptom", "severity")
    list_filter = ("symptom",)


@admin.register(LabResult)
class LabResultAdmin(ReadOnlyRecordAdmin):
    list_display = ("sampled_at", "owner", "test", "value", "unit", "canonical_value")
    list_filter = ("test",)


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyRecordAdmin):
    list_display = ("owner", "kind", "active", "next_fire_at", "last_fired_at")
    list_filter = ("kind", "active")


class DeliveryInline(admin.TabularInline):
    model = Delivery
    fields = ("channel", "round", "status", "attempts", "sent_at", "last_error")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Notification)
class NotificationAdmin(ReadOnlyRecordAdmin):
    """Support can see what was sent and how each channel fared; nothing is editable."""

    list_display = ("occurrence", "owner", "kind", "action", "read_at", "acted_at")
    list_filter = ("kind", "action")
    date_hierarchy = "occurrence"
    inlines = (DeliveryInline,)


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyRecordAdmin):
    list_display = ("created_at", "notification", "channel", "round", "status", "attempts")
    list_filter = ("channel", "status")
    list_select_related = ("notification",)  # type: ignore[misc]
    search_fields = ("notification__owner__email",)
    patient_path = "notification__owner"


@admin.register(AccessLog)
class AccessLogAdmin(admin.ModelAdmin):
    """Who read whose health data. Append-only: staff can list, search and open rows, never add,
    change or delete them (no delete action either). Reading it is not audited itself: a row
    names the reader, the person and the kind of record, never a health value."""

    list_display = ("at", "actor_label", "patient", "patient_label", "what", "channel")
    list_filter = ("channel",)
    list_select_related = ("patient",)
    search_fields = ("actor_label", "patient__email", "patient_label")
    ordering = ("-at",)
    show_full_result_count = False  # skips a COUNT(*) over the whole log on every page
    list_per_page = 50
    fields = ("at", "actor", "actor_label", "patient", "patient_label", "what", "channel")
    readonly_fields = fields
    actions = None

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
