"""Django admin for superusers only, read-only (see qms.core.admin_base).

Accounts and roles change in the eISO user pages, which check the granting rules and
write the audit trail; admin's password form is refused too.
"""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group

from qms.accounts.models import CommitteeMember, RoleAssignment, User
from qms.core.admin_base import ReadOnlyAdmin, ReadOnlyPermissions, ReadOnlyTabularInline


class RoleInline(ReadOnlyTabularInline):
    model = RoleAssignment


@admin.register(User)
class EisoUserAdmin(ReadOnlyPermissions, UserAdmin):  # type: ignore[type-arg]
    inlines = [RoleInline]
    actions = None
    fieldsets = (
        *UserAdmin.fieldsets,
        ("eISO", {"fields": ("unit", "position_title", "phone", "language")}),
    )  # type: ignore[misc]
    list_display = ("username", "last_name", "first_name", "unit", "is_active")


admin.site.register(CommitteeMember, ReadOnlyAdmin)

# eISO grants rights through roles on units, never through Django groups.
admin.site.unregister(Group)
