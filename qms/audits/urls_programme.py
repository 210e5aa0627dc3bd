"""Routes of the audits area's programme part (included by qms.audits.urls)."""

from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []
