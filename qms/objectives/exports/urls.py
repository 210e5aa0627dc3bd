"""Routes of the objectives downloads, included by :mod:`qms.objectives.urls` under ``exports/``."""

from django.urls import path

from qms.objectives.exports import views

urlpatterns = [
    path("sets/<int:pk>/objectives.<str:fmt>", views.objectives_export, name="objectives_export"),
    path("sets/<int:pk>/evaluation.<str:fmt>", views.evaluation_export, name="evaluation_export"),
]
