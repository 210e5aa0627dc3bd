from django.urls import URLPattern

app_name = "nonconformities"

urlpatterns: list[URLPattern] = []
