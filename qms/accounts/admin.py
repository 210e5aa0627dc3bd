from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.http import HttpRequest

from qms.accounts.models import CommitteeMember, RoleAssignment, User


class RoleInline(admin.TabularInline):  # type: ignore[type-arg]
    model = RoleAssignment
    extra = 0


@admin.register(User)
class EisoUserAdmin(UserAdmin):  # type: ignore[type-arg]
    inlines = [RoleInline]
    fieldsets = (
        *UserAdmin.fieldsets,
        ("eISO", {"fields": ("unit", "position_title", "phone", "language")}),
    )  # type: ignore[misc]
    list_display = ("username", "last_name", "first_name", "unit", "is_active")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # accounts are deactivated, never deleted


admin.site.register(CommitteeMember)
