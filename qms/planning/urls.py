from django.urls import path

from qms.planning import import_views, views, weekly_export
from qms.planning.exports import urls as exports_urls

app_name = "planning"

urlpatterns = [
    path("", views.plan_list, name="plan_list"),
    path("new/", views.plan_create, name="plan_create"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("my-tasks/", views.my_tasks, name="my_tasks"),
    path("regulation-dates/", views.rule_list, name="rule_list"),
    path("weekly/<int:agency>.xlsx", weekly_export.weekly_xlsx, name="weekly_xlsx"),
    path("<int:pk>/", views.plan_detail, name="plan_detail"),
    path("<int:pk>/edit/", views.plan_edit, name="plan_edit"),
    path("<int:pk>/content/", views.plan_content_edit, name="plan_content_edit"),
    path("<int:pk>/submit/", views.plan_submit, name="plan_submit"),
    path("<int:pk>/return/", views.plan_return, name="plan_return"),
    path("<int:pk>/approve/", views.plan_approve, name="plan_approve"),
    path("<int:pk>/close/", views.plan_close, name="plan_close"),
    path("<int:pk>/copy/", views.plan_copy, name="plan_copy"),
    path("<int:pk>/history/", views.plan_history, name="plan_history"),
    path("<int:pk>/tasks/", views.task_list, name="task_list"),
    path("<int:pk>/tasks/new/", views.task_create, name="task_create"),
    path("<int:pk>/timeline/", views.plan_timeline, name="plan_timeline"),
    path("tasks/<int:pk>/", views.task_detail, name="task_detail"),
    path("tasks/<int:pk>/edit/", views.task_edit, name="task_edit"),
    path("tasks/<int:pk>/progress/", views.task_progress, name="task_progress"),
    path("tasks/<int:pk>/confirm/", views.task_confirm, name="task_confirm"),
    path("tasks/<int:pk>/reject/", views.task_reject, name="task_reject"),
    path("tasks/<int:pk>/cancel/", views.task_cancel, name="task_cancel"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence_download"),
    *exports_urls.urlpatterns,
    path("<int:pk>/import/", import_views.plan_import, name="plan_import"),
    path("<int:pk>/import/review/", import_views.plan_import_review, name="plan_import_review"),
    path("<int:pk>/import/cancel/", import_views.plan_import_cancel, name="plan_import_cancel"),
]
