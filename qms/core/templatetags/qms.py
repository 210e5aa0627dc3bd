"""Template helpers: status badges, query strings."""

from __future__ import annotations

import datetime
from typing import Any

from django import template
from django.http import QueryDict
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()

STATUS_BADGES = {
    "draft": "secondary",
    "submitted": "info",
    "issued": "success",
    "closed": "dark",
    "not_started": "secondary",
    "in_progress": "primary",
    "done_reported": "info",
    "done": "success",
    "cancelled": "light",
    "overdue": "danger",
    # documents
    "review": "info",
    "returned": "warning",
    "approval": "info",
    "approved": "primary",
    "in_force": "success",
    "obsolete": "dark",
    "withdrawn": "dark",
    "amended": "warning",
    "replaced": "danger",
    "expired": "dark",
    "open": "warning",
    "accepted": "success",
    "declined": "secondary",
}


@register.simple_tag
def status_badge(status: str, label: str = "") -> str:
    color = STATUS_BADGES.get(status, "secondary")
    text_class = " text-dark border" if color in {"light", "warning"} else ""
    return format_html(
        '<span class="badge rounded-pill text-bg-{}{} status-{}">{}</span>',
        color,
        text_class,
        status,
        label or status,
    )


@register.simple_tag
def task_status_badge(task: Any, today: datetime.date) -> str:
    if task.is_overdue(today):
        return status_badge("overdue", _("Overdue"))
    return status_badge(task.status, task.get_status_display())


@register.simple_tag(takes_context=True)
def query_replace(context: dict[str, Any], **kwargs: Any) -> str:
    """The current query string with some parameters replaced (sorting, paging)."""
    query: QueryDict = context["request"].GET.copy()
    for key, value in kwargs.items():
        if value in (None, ""):
            query.pop(key, None)
        else:
            query[key] = value
    return query.urlencode()


@register.filter
def filesize(value: int) -> str:
    size = float(value)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GB"


@register.filter
def get_item(mapping: dict[Any, Any], key: Any) -> Any:
    """``{{ counts|get_item:state }}``: a dictionary lookup with a variable key."""
    return mapping.get(key) if hasattr(mapping, "get") else None
