"""Django admin bases: every eISO model is shown there read-only, to superusers only.

Changes to units, plans, documents, accounts … go through the services, which check
permissions, recompute what depends on them (a unit's path and agency) and write the
audit trail. A save in Django admin would do none of that, so admin offers no add,
change or delete at all (L3 of issue 12).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest


def _superuser(request: HttpRequest) -> bool:
    return bool(request.user.is_active and request.user.is_superuser)


class ReadOnlyPermissions:
    """Permission hooks shared by model admins and inlines."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _superuser(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _superuser(request)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyAdmin(ReadOnlyPermissions, admin.ModelAdmin):  # type: ignore[type-arg]
    """A model admin that only lists and shows records."""

    actions = None


class ReadOnlyTabularInline(ReadOnlyPermissions, admin.TabularInline):  # type: ignore[type-arg]
    extra = 0
