from django.urls import include, path
from rest_framework.routers import SimpleRouter

from tracker.api.access_log import AccessLogView
from tracker.api.care import CareAcceptView, CareInvitationView, CareLinkViewSet
from tracker.api.care_summary import CareSummaryView
from tracker.api.content import ArticleViewSet
from tracker.api.devices import DeviceViewSet
from tracker.api.insights import DashboardView, TrendsView
from tracker.api.reminders import NotificationViewSet, ReminderViewSet
from tracker.api.safety import AlertViewSet, ScreeningView
from tracker.api.views.auth import LogoutView, RegisterView, TokenObtainView, TokenRefreshRotateView
from tracker.api.views.export import ExportView
from tracker.api.views.foods import FoodViewSet
from tracker.api.views.me import MeView
from tracker.api.views.meta import MetaView
from tracker.api.views.records import (
    FoodIntakeViewSet,
    InjectionPlanViewSet,
    InjectionViewSet,
    LabResultViewSet,
    SupplementDoseViewSet,
    SupplementViewSet,
    SymptomEntryViewSet,
)
from tracker.api.views.report import ReportView

router = SimpleRouter()
router.register("articles", ArticleViewSet, basename="article")
router.register("alerts", AlertViewSet, basename="alert")
router.register("devices", DeviceViewSet, basename="device")
router.register("foods", FoodViewSet, basename="food")
router.register("food-intakes", FoodIntakeViewSet, basename="food-intake")
router.register("supplements", SupplementViewSet, basename="supplement")
router.register("supplement-doses", SupplementDoseViewSet, basename="supplement-dose")
router.register("injection-plans", InjectionPlanViewSet, basename="injection-plan")
router.register("injections", InjectionViewSet, basename="injection")
router.register("symptom-entries", SymptomEntryViewSet, basename="symptom-entry")
router.register("lab-results", LabResultViewSet, basename="lab-result")
router.register("reminders", ReminderViewSet, basename="reminder")
router.register("notifications", NotificationViewSet, basename="notification")
router.register("care/links", CareLinkViewSet, basename="care-link")

urlpatterns = [
    path("auth/register/", RegisterView.as_view(), name="auth-register"),
    path("auth/token/", TokenObtainView.as_view(), name="auth-token"),
    path("auth/token/refresh/", TokenRefreshRotateView.as_view(), name="auth-token-refresh"),
    path("auth/logout/", LogoutView.as_view(), name="auth-logout"),
    path("me/", MeView.as_view(), name="me"),
    path("me/export/", ExportView.as_view(), name="me-export"),
    path("me/report/", ReportView.as_view(), name="me-report"),
    path("meta/", MetaView.as_view(), name="meta"),
    path("screening/", ScreeningView.as_view(), name="screening"),
    path("dashboard/", DashboardView.as_view(), name="dashboard"),
    path("trends/", TrendsView.as_view(), name="trends"),
    path("care/access-log/", AccessLogView.as_view(), name="care-access-log"),
    path("care/invitations/", CareInvitationView.as_view(), name="care-invitations"),
    path("care/invitations/accept/", CareAcceptView.as_view(), name="care-invitation-accept"),
    path(
        "care/patients/<uuid:patient_id>/summary/",
        CareSummaryView.as_view(),
        name="care-patient-summary",
    ),
    path("", include(router.urls)),
]
