"""The unread count of the bell and of the menu's notifications entry (one query a page)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from qms.notifications.models import Notification


def unread_notifications(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    if not user.is_authenticated:
        return {}
    return {"unread_notifications": Notification.objects.in_app_for(user).unread().count()}
