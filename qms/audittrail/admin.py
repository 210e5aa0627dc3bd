"""The log in Django admin: read-only, for superusers only (not linked from the UI)."""

from __future__ import annotations

from django.contrib import admin

from qms.audittrail.models import LogEntry
from qms.core.admin_base import ReadOnlyAdmin


@admin.register(LogEntry)
class LogEntryAdmin(ReadOnlyAdmin):
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
