"""The plugin's panel on a plan task, and who sees its menu entry."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from qms.accounts import permissions
from qms.planning.models import PlanTask


def may_see(user: Any) -> bool:
    return permissions.has_any_role(user, "planning.view_plan")


def task_note(request: HttpRequest, task: PlanTask) -> dict[str, Any]:
    return {"task": task, "lead_count": task.lead_units.count()}
