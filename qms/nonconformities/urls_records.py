"""Routes of the NC area's records part (included by qms.nonconformities.urls)."""

from django.urls import URLPattern, URLResolver, path

from qms.nonconformities import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.nc_list, name="list"),
    path("raise/", views.nc_raise, name="raise_direct"),
    path("raise/<str:source_key>/<int:object_id>/", views.nc_raise_from, name="raise"),
    path("settings/", views.nc_settings, name="settings"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence"),
    path("<int:pk>/", views.nc_detail, name="detail"),
    path("<int:pk>/edit/", views.nc_edit, name="edit"),
    path("<int:pk>/correction/", views.nc_correction, name="correction"),
    path("<int:pk>/analysis/", views.nc_analysis, name="analysis"),
    path("<int:pk>/actions/", views.action_add, name="action_add"),
    path("<int:pk>/actions/<int:action_pk>/edit/", views.action_edit, name="action_edit"),
    path("<int:pk>/actions/<int:action_pk>/done/", views.action_done, name="action_done"),
    path("<int:pk>/actions/<int:action_pk>/cancel/", views.action_cancel, name="action_cancel"),
    path("<int:pk>/actions/<int:action_pk>/to-task/", views.action_to_task, name="action_to_task"),
    path("<int:pk>/plan/", views.plan_confirm, name="plan_confirm"),
    path("<int:pk>/verify/", views.nc_verify, name="verify"),
    path("<int:pk>/evidence/", views.evidence_add, name="evidence_add"),
    path("<int:pk>/archive/", views.nc_archive, name="archive"),
]
