"""Per-row values of the task tables, computed once in Python rather than by template
tags and lookups repeated on every row (a plan's table has hundreds of rows).

Each helper sets plain attributes on the tasks it is given and returns them:
``url`` (the task's page), ``badge`` (the status badge, overdue included) and, where
asked, ``lead_names`` / ``partner_names`` (display names of the linked units).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.urls import reverse

from qms.core.templatetags.qms import task_status_badge

if TYPE_CHECKING:
    from qms.planning.models import PlanTask


def task_url_maker() -> str:
    """The task page's URL with ``{}`` for the id: one ``reverse()`` for the whole table."""
    return reverse("planning:task_detail", kwargs={"pk": 0}).removesuffix("0/") + "{}/"


def decorate(
    tasks: Iterable[PlanTask],
    today: datetime.date,
    *,
    leads: bool = False,
    partners: bool = False,
) -> list[PlanTask]:
    """The tasks with ``url`` and ``badge`` set, and the lead or partner units' names if
    asked (read from their prefetched units)."""
    url = task_url_maker()
    badges: dict[str, str] = {}
    rows = list(tasks)
    for task in rows:
        key = task.display_status(today)
        if key not in badges:
            badges[key] = task_status_badge(task, today)
        task.badge = badges[key]  # type: ignore[attr-defined]
        task.url = url.format(task.pk)  # type: ignore[attr-defined]
        if leads:
            task.lead_names = [u.display_name for u in task.lead_units.all()]  # type: ignore[attr-defined]
        if partners:
            task.partner_names = [u.display_name for u in task.partner_units.all()]  # type: ignore[attr-defined]
    return rows
