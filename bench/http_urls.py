"""bench.urls (the application and the floor page) plus a bench-only admin site with the
changelists eISO's admin does not register (documents, external documents, notifications,
nonconformities, audit findings), so every list page of bench/http.py has an admin
changelist over the same rows to compare with. Superusers only, read-only, never in the application's URLs."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.urls import path

from bench.urls import urlpatterns as floor_urlpatterns
from qms.audits.models import Finding
from qms.core.admin_base import ReadOnlyAdmin
from qms.documents.models import Document, ExternalDocument
from qms.nonconformities.models import Nonconformity
from qms.notifications.models import Notification

site = admin.AdminSite(name="bench_admin")


class BenchAdmin(ReadOnlyAdmin):
    def lookup_allowed(self, lookup: str, value: str, request: HttpRequest | None = None) -> Any:
        return True  # the bench filters by agency or recipient, as eISO's pages do


@admin.register(Document, site=site)
class DocumentAdmin(BenchAdmin):
    list_display = ("code", "title", "kind", "owner_unit", "status", "next_review_on")


@admin.register(ExternalDocument, site=site)
class ExternalDocumentAdmin(BenchAdmin):
    list_display = ("number", "title", "agency")


@admin.register(Notification, site=site)
class NotificationAdmin(BenchAdmin):
    list_display = ("created_at", "subject", "kind", "read_at")


@admin.register(Nonconformity, site=site)
class NonconformityAdmin(BenchAdmin):
    list_display = ("number", "title", "unit", "severity", "status", "raised_on")


@admin.register(Finding, site=site)
class FindingAdmin(BenchAdmin):
    list_display = ("description", "kind", "severity", "clause", "unit", "status")


urlpatterns = [*floor_urlpatterns, path("_bench-admin/", site.urls)]
