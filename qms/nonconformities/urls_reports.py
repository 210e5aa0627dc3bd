"""Routes of the NC area's reports part (included by qms.nonconformities.urls)."""

from django.urls import URLPattern, URLResolver, path

from qms.nonconformities import views_reports

urlpatterns: list[URLPattern | URLResolver] = [
    path("analytics/", views_reports.analytics_page, name="analytics"),
    path("export.xlsx", views_reports.export_xlsx, name="export_xlsx"),
    path("<int:pk>/slip.docx", views_reports.slip_docx, name="slip_docx"),
    path("<int:pk>/slip.pdf", views_reports.slip_pdf, name="slip_pdf"),
]
