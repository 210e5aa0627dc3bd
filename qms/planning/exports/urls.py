"""Routes of the plan downloads, included by :mod:`qms.planning.urls` (namespace planning)."""

from django.urls import path

from qms.planning.exports import views

urlpatterns = [
    path("<int:pk>/export.docx", views.plan_export_docx, name="plan_export_docx"),
    path("<int:pk>/export.pdf", views.plan_export_pdf, name="plan_export_pdf"),
    path("<int:pk>/export.xlsx", views.plan_export_xlsx, name="plan_export_xlsx"),
]
