from django.urls import path

from tests.area_plugin import views

app_name = "area_plugin"
urlpatterns = [
    path("", views.home, name="home"),
    path("plans.xlsx", views.export, name="export"),
]
