"""Routes of the web front: reminders, the inbox and the installable app (manifest, service
worker at the site root so its scope is "/", the offline page it keeps)."""

from django.urls import URLPattern, path

from tracker.web import pwa
from tracker.web import reminders as views

urlpatterns: list[URLPattern] = [
    path("reminders/", views.reminders_page, name="reminders"),
    path("reminders/new/", views.reminder_new_page, name="reminder-new"),
    path("reminders/<uuid:reminder_id>/edit/", views.reminder_edit_page, name="reminder-edit"),
    path(
        "reminders/<uuid:reminder_id>/active/", views.reminder_active_page, name="reminder-active"
    ),
    path(
        "reminders/<uuid:reminder_id>/snooze/", views.reminder_snooze_page, name="reminder-snooze"
    ),
    path(
        "reminders/<uuid:reminder_id>/delete/", views.reminder_delete_page, name="reminder-delete"
    ),
    path("inbox/", views.inbox_page, name="inbox"),
    # The address a notification's push and email open (tracker.services.notifications).
    path("notifications/<uuid:notification_id>/", views.notification_page, name="notification"),
    path("inbox/<uuid:notification_id>/act/", views.notification_act_page, name="notification-act"),
    path(
        "inbox/<uuid:notification_id>/read/",
        views.notification_read_page,
        name="notification-read",
    ),
    path("manifest.webmanifest", pwa.manifest, name="manifest"),
    path("sw.js", pwa.service_worker, name="service-worker"),
    path("offline/", pwa.offline_page, name="offline"),
]
