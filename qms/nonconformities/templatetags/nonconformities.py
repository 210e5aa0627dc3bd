"""``{% nc_badge nc %}``: the NC's status as a coloured badge."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()

COLOURS = {
    "open": "danger",
    "analysed": "warning",
    "planned": "info",
    "in_progress": "primary",
    "awaiting_verification": "secondary",
    "closed": "success",
}
ACTION_COLOURS = {"open": "warning", "done": "success", "cancelled": "light"}


def badge(colour: str, status: str, label: Any) -> SafeString:
    text_class = " text-dark border" if colour in {"light", "warning"} else ""
    return format_html(
        '<span class="badge rounded-pill text-bg-{}{} nc-status-{}">{}</span>',
        colour,
        text_class,
        status,
        label,
    )


@register.simple_tag
def nc_badge(nc: Any) -> SafeString:
    return badge(COLOURS.get(nc.status, "secondary"), nc.status, nc.get_status_display())


@register.simple_tag
def action_badge(action: Any) -> SafeString:
    return badge(
        ACTION_COLOURS.get(action.status, "secondary"), action.status, action.get_status_display()
    )
