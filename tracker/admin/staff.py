from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm, UserCreationForm
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tracker.models import Profile, ServiceHeartbeat, User
from tracker.services.erasure import erase_account


class EmailUserCreationForm(UserCreationForm):
    class Meta:
        model = User
        fields = ("email",)


class EmailUserChangeForm(UserChangeForm):
    class Meta:
        model = User
        fields = ("email",)


class ProfileInline(admin.StackedInline):
    model = Profile
    can_delete = False
    fields = (
        "timezone",
        "home_timezone",
        "reference_standard",
        "notification_channels",
        "discreet_notifications",
        "disclaimer_accepted_at",
    )
    readonly_fields = ("disclaimer_accepted_at",)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    add_form = EmailUserCreationForm
    form = EmailUserChangeForm
    inlines = [ProfileInline]
    ordering = ("email",)
    list_display = ("email", "is_active", "is_staff", "date_joined", "last_login")
    list_filter = ("is_active", "is_staff", "is_superuser")
    search_fields = ("email",)
    readonly_fields = ("date_joined", "last_login")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        # The add form saves the user itself (not through UserManager), so create the profile
        # here: every user has one.
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            if not change:
                Profile.objects.get_or_create(user=obj)

    # Deleting an account here is an erasure, as DELETE me/ is: every row of the person and
    # their push registrations, sessions and tokens go; audit rows are pseudonymised.
    def delete_model(self, request, obj):  # type: ignore[no-untyped-def]
        erase_account(user=obj, now=timezone.now())

    def delete_queryset(self, request, queryset):  # type: ignore[no-untyped-def]
        for user in queryset:
            erase_account(user=user, now=timezone.now())

    def get_deleted_objects(self, objs, request):  # type: ignore[no-untyped-def]
        # The confirmation page lists what goes. The records' own admins are read-only (no
        # delete permission) and some links are RESTRICT, which would block the delete here;
        # erase_account deletes them in an order that satisfies those links.
        deleted, counts, _perms_needed, _protected = super().get_deleted_objects(objs, request)
        return deleted, counts, set(), []

    def get_inlines(self, request, obj):  # type: ignore[no-untyped-def]
        # The profile is created with the user; only show it once the user exists.
        return self.inlines if obj is not None else []


@admin.register(ServiceHeartbeat)
class ServiceHeartbeatAdmin(admin.ModelAdmin):
    list_display = ("name", "seen_at")

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
