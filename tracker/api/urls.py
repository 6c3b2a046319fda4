from django.urls import path

from tracker.api.views.auth import LogoutView, RegisterView, TokenObtainView, TokenRefreshRotateView
from tracker.api.views.me import MeView
from tracker.api.views.meta import MetaView

urlpatterns = [
    path("auth/register/", RegisterView.as_view(), name="auth-register"),
    path("auth/token/", TokenObtainView.as_view(), name="auth-token"),
    path("auth/token/refresh/", TokenRefreshRotateView.as_view(), name="auth-token-refresh"),
    path("auth/logout/", LogoutView.as_view(), name="auth-logout"),
    path("me/", MeView.as_view(), name="me"),
    path("meta/", MetaView.as_view(), name="meta"),
]
