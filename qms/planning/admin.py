from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from qms.planning.models import Evidence, Plan, PlanTask, ProgressUpdate


class NoDeleteAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Plan)
class PlanAdmin(NoDeleteAdmin):
    list_display = ("number", "year", "agency", "status")
    list_filter = ("status", "year")


@admin.register(PlanTask)
class PlanTaskAdmin(NoDeleteAdmin):
    list_display = ("plan", "number", "status", "due_date")
    list_filter = ("status", "timing_kind")


admin.site.register(ProgressUpdate, NoDeleteAdmin)
admin.site.register(Evidence, NoDeleteAdmin)
