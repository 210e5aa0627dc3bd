"""The project's URLs plus the plugin's: a test points ROOT_URLCONF here, config stays as is."""

from django.urls import include, path

urlpatterns = [
    path("area-plugin/", include("tests.area_plugin.urls")),
    path("", include("config.urls")),
]
