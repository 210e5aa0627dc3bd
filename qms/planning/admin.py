"""Django admin for superusers only, read-only (see qms.core.admin_base)."""

from django.contrib import admin

from qms.core.admin_base import ReadOnlyAdmin
from qms.planning.models import Evidence, Plan, PlanTask, ProgressUpdate


@admin.register(Plan)
class PlanAdmin(ReadOnlyAdmin):
    list_display = ("number", "year", "agency", "status")
    list_filter = ("status", "year")


@admin.register(PlanTask)
class PlanTaskAdmin(ReadOnlyAdmin):
    list_display = ("plan", "number", "status", "due_date")
    list_filter = ("status", "timing_kind")


admin.site.register(ProgressUpdate, ReadOnlyAdmin)
admin.site.register(Evidence, ReadOnlyAdmin)
