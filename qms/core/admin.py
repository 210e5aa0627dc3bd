"""Django admin for superusers only; ISO records cannot be deleted from it."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from qms.core.models import DeadlineRule, IssuedNumber, OrgUnit, OrgUnitName, UnitAlias


class NoDeleteAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(OrgUnit)
class OrgUnitAdmin(NoDeleteAdmin):
    list_display = ("code", "name", "kind", "parent", "archived_at")
    search_fields = ("code", "name", "short_name")
    list_filter = ("kind",)
    readonly_fields = ("path", "depth", "agency")


admin.site.register(OrgUnitName, NoDeleteAdmin)
admin.site.register(IssuedNumber, NoDeleteAdmin)
admin.site.register(DeadlineRule, NoDeleteAdmin)
admin.site.register(UnitAlias, NoDeleteAdmin)
