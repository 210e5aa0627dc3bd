"""Routes of the NC area's records part (included by qms.nonconformities.urls)."""

from django.urls import URLPattern, URLResolver, path

from qms.nonconformities import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.nc_list, name="list"),
    path("<int:pk>/", views.nc_detail, name="detail"),
]
