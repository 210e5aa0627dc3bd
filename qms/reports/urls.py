from django.urls import path

from qms.reports import views

app_name = "reports"

urlpatterns = [
    path("<int:pk>/export.docx", views.plan_export_docx, name="plan_export_docx"),
    path("<int:pk>/export.pdf", views.plan_export_pdf, name="plan_export_pdf"),
    path("<int:pk>/export.xlsx", views.plan_export_xlsx, name="plan_export_xlsx"),
    path("<int:pk>/import/", views.plan_import, name="plan_import"),
    path("<int:pk>/import/review/", views.plan_import_review, name="plan_import_review"),
    path("<int:pk>/import/cancel/", views.plan_import_cancel, name="plan_import_cancel"),
]
