from django.urls import path

from qms.documents import views
from qms.documents.exports import urls as exports_urls

app_name = "documents"

urlpatterns = [
    path("", views.home, name="home"),
    path("list/", views.document_list, name="document_list"),
    path("new/", views.document_create, name="document_create"),
    path("next-code/", views.next_code, name="next_code"),
    path("<int:pk>/", views.document_detail, name="document_detail"),
    path("<int:pk>/edit/", views.document_edit, name="document_edit"),
    path("<int:pk>/withdraw/", views.document_withdraw, name="document_withdraw"),
    path("<int:pk>/new-version/", views.version_start, name="version_start"),
    path("<int:pk>/change-request/", views.change_request_create, name="change_request_create"),
    path("versions/<int:pk>/", views.version_detail, name="version_detail"),
    path("versions/<int:pk>/edit/", views.version_edit, name="version_edit"),
    path("versions/<int:pk>/submit/", views.version_submit, name="version_submit"),
    path("versions/<int:pk>/review/", views.version_review, name="version_review"),
    path("versions/<int:pk>/approve/", views.version_approve, name="version_approve"),
    path("versions/<int:pk>/cancel/", views.version_cancel, name="version_cancel"),
    path("versions/<int:pk>/read/", views.version_acknowledge, name="version_acknowledge"),
    path("versions/<int:pk>/file/", views.version_file, name="version_file"),
    path(
        "change-requests/<int:pk>/decide/",
        views.change_request_decide,
        name="change_request_decide",
    ),
    path("decisions/", views.decision_list, name="decision_list"),
    path("decisions/new/", views.decision_create, name="decision_create"),
    path("decisions/<int:pk>/", views.decision_detail, name="decision_detail"),
    path("external/", views.external_list, name="external_list"),
    path("external/new/", views.external_create, name="external_create"),
    path("external/<int:pk>/", views.external_detail, name="external_detail"),
    path("external/<int:pk>/edit/", views.external_edit, name="external_edit"),
    path("external/<int:pk>/status/", views.external_status, name="external_status"),
    path("records/", views.record_list, name="record_list"),
    path("records/new/", views.record_create, name="record_create"),
    path("records/<int:pk>/edit/", views.record_edit, name="record_edit"),
    path("reviews/<int:pk>/complete/", views.review_complete, name="review_complete"),
    path("settings/", views.settings_edit, name="settings"),
    path("import/", views.import_list, name="import"),
    path("tasks/<int:task_pk>/links/", views.task_links, name="task_links"),
    *exports_urls.urlpatterns,
]
