"""Routes of the web front: logging pages (quick logs, history, supplements, injection plans)."""

from django.urls import URLPattern, path

from tracker.web.records import views

urlpatterns: list[URLPattern] = [
    path("log/", views.log_hub, name="log"),
    path("log/<slug:log_slug>/", views.log_page, name="log-kind"),
    path("history/", views.history_index, name="history"),
    path("history/<slug:slug>/", views.history_list, name="history-kind"),
    path("history/<slug:slug>/<uuid:record_id>/edit/", views.edit_page, name="record-edit"),
    path("history/<slug:slug>/<uuid:record_id>/delete/", views.delete_page, name="record-delete"),
    path("supplements/", views.supplements_page, name="supplements"),
    path(
        "supplements/<uuid:record_id>/active/",
        views.supplement_active,
        name="supplement-active",
    ),
    path("injections/plans/", views.plans_page, name="injection-plans"),
    path(
        "injections/plans/<uuid:record_id>/edit/",
        views.edit_page,
        {"slug": "plans"},
        name="plan-edit",
    ),
    path(
        "injections/plans/<uuid:record_id>/delete/",
        views.delete_page,
        {"slug": "plans"},
        name="plan-delete",
    ),
]
