"""``{% appendix_rows tasks task_panels %}``: the plan's appendix rows, rendered in Python."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString

from qms.core import panels
from qms.planning import rows

register = template.Library()


@register.simple_tag(takes_context=True)
def appendix_rows(context: template.Context, tasks: Any, task_panels: panels.Rows) -> SafeString:
    """The decorated ``tasks`` as appendix rows, with the lines other areas contribute under
    each task's content (``panels.rows()``) rendered in the page's context."""
    if not any(data for _panel, data in task_panels.data):  # no task has a line
        return rows.appendix_rows(tasks, lambda task: "")
    return rows.appendix_rows(tasks, lambda task: task_panels.render(context, task))
