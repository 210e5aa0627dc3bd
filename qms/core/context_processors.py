"""Menu entries for the left navigation, by what the user may do."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from qms.accounts import permissions


def _unread(user: Any) -> int:
    from qms.notifications.models import Notification

    return Notification.objects.in_app_for(user).unread().count()


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    if not user.is_authenticated:
        return {}
    return {
        "nav": {
            "dashboard": permissions.has_any_role(user, "planning.view_dashboard"),
            "plans": permissions.has_any_role(user, "planning.view_plan"),
            "my_tasks": permissions.has_any_role(user, "planning.update_task"),
            "audit_log": permissions.has_any_role(user, "audittrail.view_log"),
            "units": permissions.has_any_role(user, "core.view_unit"),
            "manage_units": permissions.has_any_role(user, "core.manage_units"),
            "users": permissions.has_any_role(user, "accounts.manage_users"),
            "rules": permissions.has_agency_role(user, "core.manage_rules"),
            "calendar": permissions.has_any_role(user, "core.view_calendar"),
            "outbox": permissions.has_any_role(user, "notifications.manage_outbox"),
            "reminder_policy": permissions.has_any_role(user, "notifications.manage_policy"),
            "documents": permissions.has_any_role(user, "documents.view"),
            "document_settings": permissions.has_agency_role(user, "documents.manage_settings"),
            "objectives": permissions.has_any_role(user, "objectives.view"),
        },
        "unread_notifications": _unread(user),
        "user_agency": getattr(getattr(user, "unit", None), "agency", None),
    }
