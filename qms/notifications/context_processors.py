"""The unread count of the bell and of the menu's notifications entry.

Counted at most once a request, and only if a template shows it (a fragment that does
not show the bell costs no query): the context holds a callable, which templates call.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from django.http import HttpRequest

from qms.notifications.models import Notification


def unread_count(request: HttpRequest) -> int:
    """The signed-in user's unread in-app notifications, counted once per request."""
    count: int | None = getattr(request, "_unread_notifications", None)
    if count is None:
        count = Notification.objects.in_app_for(request.user).unread().count()  # type: ignore[arg-type]
        request._unread_notifications = count  # type: ignore[attr-defined]
    return count


def unread_notifications(request: HttpRequest) -> dict[str, Any]:
    if not request.user.is_authenticated:
        return {}
    return {"unread_notifications": partial(unread_count, request)}
