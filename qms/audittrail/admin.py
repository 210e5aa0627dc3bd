"""The log in Django admin: read-only, for superusers only (not linked from the UI)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from qms.audittrail.models import LogEntry


@admin.register(LogEntry)
class LogEntryAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("created_at", "actor", "action", "object_repr", "unit", "ip_address")
    list_filter = ("content_type",)
    list_select_related = ("actor", "unit", "content_type")
    search_fields = ("object_repr", "action", "note", "actor__username")
    ordering = ("-created_at", "-id")
    show_full_result_count = False  # COUNT(*) over the whole log is slow
    fields = (
        "created_at",
        "actor",
        "action",
        "content_type",
        "object_id",
        "object_repr",
        "unit",
        "changes",
        "note",
        "ip_address",
    )
    readonly_fields = fields

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
