"""Django admin for superusers only, read-only (see qms.core.admin_base)."""

from django.contrib import admin

from qms.core.admin_base import ReadOnlyAdmin
from qms.core.models import DeadlineRule, IssuedNumber, OrgUnit, OrgUnitName, UnitAlias


@admin.register(OrgUnit)
class OrgUnitAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "kind", "parent", "archived_at")
    search_fields = ("code", "name", "short_name")
    list_filter = ("kind",)


admin.site.register(OrgUnitName, ReadOnlyAdmin)
admin.site.register(IssuedNumber, ReadOnlyAdmin)
admin.site.register(DeadlineRule, ReadOnlyAdmin)
admin.site.register(UnitAlias, ReadOnlyAdmin)
