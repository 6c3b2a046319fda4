from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from tracker.admin.care_site import care_site
from tracker.web.access_log import access_log_page
from tracker.web.care import care_accept_page, care_page, care_revoke_page
from tracker.web.dashboard import dashboard_page
from tracker.web.disclaimer import disclaimer_page
from tracker.web.health import healthz
from tracker.web.learn import learn_article, learn_index
from tracker.web.screening import screening_page
from tracker.web.views import home

urlpatterns = [
    path("", home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("dashboard/", dashboard_page, name="dashboard"),
    path("care/access-log/", access_log_page, name="access-log"),
    path("care/", care_page, name="care"),
    path("care/accept/", care_accept_page, name="care-accept"),
    path("care/links/<uuid:link_id>/revoke/", care_revoke_page, name="care-revoke"),
    path("learn/", learn_index, name="learn"),
    path("screening/", screening_page, name="screening"),
    path("disclaimer/", disclaimer_page, name="disclaimer"),
    path("learn/<slug:slug>/", learn_article, name="learn-article"),
    # The web front's own pages, one module per area (each owns its routes).
    path("", include("tracker.web.urls_accounts")),
    path("", include("tracker.web.urls_logging")),
    path("", include("tracker.web.urls_reminders")),
    path("", include("tracker.web.urls_privacy")),
    re_path(r"^api/(?P<version>v1)/", include("tracker.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("care-admin/", care_site.urls),
    path("admin/", admin.site.urls),
]

# Errors raised outside DRF: JSON under /api/, plain pages elsewhere (tracker.errors).
handler400 = "tracker.errors.bad_request"
handler403 = "tracker.errors.permission_denied"
handler404 = "tracker.errors.page_not_found"
handler500 = "tracker.errors.server_error"
