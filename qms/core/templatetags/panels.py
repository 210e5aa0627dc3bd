"""``{% panels "slot" obj %}`` and ``{% panel_row rows obj %}``: see ``qms.core.panels``."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString

from qms.core import panels as registry

register = template.Library()


@register.simple_tag(takes_context=True)
def panels(context: template.Context, slot: str, obj: Any = None) -> SafeString:
    """Every panel other apps registered for ``slot``, for ``obj``."""
    return registry.render(slot, context, obj)


@register.simple_tag(takes_context=True)
def panel_row(context: template.Context, rows: registry.Rows, obj: Any) -> SafeString:
    """The row contributions read by ``panels.rows()`` for the row of ``obj``."""
    return rows.render(context, obj)
