"""Routes of the web front: accounts pages (sign-up, sign-in, password reset and change) and
the settings page."""

from django.contrib.auth.views import (
    LogoutView,
    PasswordResetCompleteView,
    PasswordResetDoneView,
)
from django.urls import URLPattern, path

from tracker.web.accounts import (
    PasswordChangePage,
    ResetConfirmView,
    ResetRequestView,
    SignInView,
    signup_page,
)
from tracker.web.settings_pages import settings_page

urlpatterns: list[URLPattern] = [
    path("accounts/signup/", signup_page, name="signup"),
    path("accounts/login/", SignInView.as_view(), name="login"),
    path("accounts/logout/", LogoutView.as_view(), name="logout"),
    # Django's names, which its views redirect to.
    path("accounts/password-reset/", ResetRequestView.as_view(), name="password_reset"),
    path(
        "accounts/password-reset/sent/",
        PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    # The token leaves the address at once: the view stores it in the session and redirects
    # to .../set-password/, so no page shows it in its URL (or a Referer).
    path(
        "accounts/reset/<uidb64>/<token>/",
        ResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/",
        PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("settings/", settings_page, name="settings"),
    path("settings/password/", PasswordChangePage.as_view(), name="password_change"),
]
