from django.urls import path

from qms.reports import document_views as views

app_name = "document_exports"

urlpatterns = [
    path("versions/<int:pk>/docx/", views.version_docx, name="version_docx"),
    path("versions/<int:pk>/pdf/", views.version_pdf, name="version_pdf"),
    path("decisions/<int:pk>/docx/", views.decision_docx, name="decision_docx"),
    path("list/export/<str:fmt>/", views.internal_list_export, name="internal_list"),
    path("external/export/<str:fmt>/", views.external_list_export, name="external_list"),
    path("records/export/<str:fmt>/", views.record_list_export, name="record_list"),
]
