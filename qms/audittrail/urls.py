from django.urls import path

from qms.audittrail import views

app_name = "audittrail"

urlpatterns = [
    path("", views.log_list, name="log_list"),
    path("export.xlsx", views.log_export, name="log_export"),
]
