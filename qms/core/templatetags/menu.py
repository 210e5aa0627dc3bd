"""``{% menu_badge item as n %}``: the count an entry of the left menu shows, if any."""

from __future__ import annotations

from typing import Any

from django import template

from qms.core.menu import MenuItem

register = template.Library()


@register.simple_tag(takes_context=True)
def menu_badge(context: template.Context, item: MenuItem) -> Any:
    """The value of the context variable the item names as its badge ("" for none); a
    callable (a count computed only when shown) is called."""
    if not item.badge:
        return ""
    value = context.get(item.badge, "")
    return value() if callable(value) else value
