"""Routes of the NC area's reports part (included by qms.nonconformities.urls)."""

from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []
