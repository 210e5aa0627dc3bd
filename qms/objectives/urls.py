from django.urls import include, path

from qms.objectives import action_views, views
from qms.objectives.exports import urls as exports_urls

app_name = "objectives"

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("matrix/", views.matrix, name="matrix"),
    path("settings/", views.settings_save, name="settings"),
    path("tasks/<int:task_pk>/stage/", views.stage_link, name="stage_link"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence"),
    path("sets/new/", views.set_create, name="set_create"),
    path("policy/new/", views.policy_draft, name="policy_draft"),
    path("policy/<int:pk>/approve/", views.policy_approve, name="policy_approve"),
    path("sets/<int:pk>/", views.set_detail, name="set_detail"),
    path("sets/<int:pk>/objectives/new/", views.objective_edit, name="objective_create"),
    path(
        "sets/<int:pk>/objectives/<int:objective_pk>/edit/",
        views.objective_edit,
        name="objective_edit",
    ),
    path("sets/<int:pk>/submit/", views.set_submit, name="set_submit"),
    path("sets/<int:pk>/return/", views.set_return, name="set_return"),
    path("sets/<int:pk>/approve/", views.set_approve, name="set_approve"),
    path("sets/<int:pk>/evaluate/", views.set_evaluate, name="set_evaluate"),
    path("objectives/<int:objective_pk>/measure/", views.measurement_add, name="measurement_add"),
    path(
        "objectives/<int:objective_pk>/evaluate/",
        views.objective_evaluate,
        name="objective_evaluate",
    ),
    path("objectives/<int:objective_pk>/actions/", action_views.action_list, name="actions"),
    path(
        "objectives/<int:objective_pk>/actions/<int:action_pk>/edit/",
        action_views.action_edit,
        name="action_edit",
    ),
    path(
        "objectives/<int:objective_pk>/actions/<int:action_pk>/task/",
        action_views.action_to_task,
        name="action_to_task",
    ),
    path("exports/", include(exports_urls.urlpatterns)),
]
