"""A user's task deadlines in the calendar feed (``qms.notifications.ics``)."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext as _
from icalendar import Event

from qms.planning import selectors
from qms.planning.models import PlanTask

if TYPE_CHECKING:
    from qms.accounts.models import User


def task_events(user: User, *, base_url: str, stamp: datetime.datetime) -> Iterator[Event]:
    """One all-day event per open task with a date: the window if there is one."""
    tasks = (
        selectors.my_tasks(user)
        .open()
        .filter(due_date__isnull=False)
        .exclude(status=PlanTask.Status.DONE_REPORTED)
    )
    for task in tasks:
        if task.due_date is None:  # excluded by the query; keeps the type checker sure
            continue
        start = task.start_date if task.start_date and task.start_date <= task.due_date else None
        event = Event()
        event.add("uid", f"eiso-task-{task.pk}@{base_url.split('//')[-1]}")
        event.add("dtstamp", stamp)
        event.add("dtstart", start or task.due_date)
        event.add("dtend", task.due_date + datetime.timedelta(days=1))
        summary = " ".join(task.content.split())
        if len(summary) > 120:
            summary = summary[:117].rstrip() + "…"
        event.add("summary", _("Due: %(task)s") % {"task": summary})
        url = base_url + reverse("planning:task_detail", kwargs={"pk": task.pk})
        event.add("url", url)
        event.add(
            "description",
            "\n".join(
                [
                    _("Task %(no)s of %(plan)s") % {"no": task.number, "plan": task.plan},
                    _("Timing: %(text)s") % {"text": task.timing_text},
                    _("Status: %(status)s") % {"status": task.get_status_display()},
                    url,
                ]
            ),
        )
        event.add("categories", ["eISO"])
        yield event
