"""Routes of the web front: privacy pages."""

from django.urls import URLPattern, path

from tracker.web.delete_account import delete_account_page

urlpatterns: list[URLPattern] = [
    path("settings/delete-account/", delete_account_page, name="delete-account"),
]
