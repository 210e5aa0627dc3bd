"""Routes of the document-control downloads, included by :mod:`qms.documents.urls`."""

from django.urls import path

from qms.documents.exports import views

urlpatterns = [
    path("versions/<int:pk>/docx/", views.version_docx, name="version_docx"),
    path("versions/<int:pk>/pdf/", views.version_pdf, name="version_pdf"),
    path("decisions/<int:pk>/docx/", views.decision_docx, name="decision_docx"),
    path("list/export/<str:fmt>/", views.internal_list_export, name="internal_list_export"),
    path("external/export/<str:fmt>/", views.external_list_export, name="external_list_export"),
    path("records/export/<str:fmt>/", views.record_list_export, name="record_list_export"),
]
