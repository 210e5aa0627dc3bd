from django.urls import path

from qms.reports import objectives_exports as views

app_name = "objective_exports"

urlpatterns = [
    path("sets/<int:pk>/objectives.<str:fmt>", views.objectives_export, name="objectives"),
    path("sets/<int:pk>/evaluation.<str:fmt>", views.evaluation_export, name="evaluation"),
]
