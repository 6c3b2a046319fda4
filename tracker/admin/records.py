"""Staff admin for the logged records: read-only (a person's health history is theirs to
change, through the app), searchable by the owner's email, with owners and foods joined in the
list query so a page costs the same at any history size."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from tracker.models import (
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
)
from tracker.services.content import save_edited_article


class ReadOnlyRecordAdmin(admin.ModelAdmin):
    list_select_related: Any = ("owner",)  # type: ignore[misc]
    search_fields = ("owner__email",)
    show_full_result_count = False  # skips a COUNT(*) over the whole table on every page
    list_per_page = 50

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
