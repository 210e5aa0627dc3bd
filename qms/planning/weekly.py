"""The weekly summary: on the first working day of a week, each agency's office gets, per
lead unit, the tasks of the year's issued plans done, late and due next week (and the same
as XLSX, ``qms.planning.weekly_export``). A periodic job, registered by ``PlanningConfig``.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone

from qms.core.models import OrgUnit
from qms.core.workdays import WorkCalendar
from qms.notifications.messages import MessageData
from qms.notifications.schedule import agency_policies, mark_done, policy_of, ready_agencies
from qms.notifications.services import Directory, Outbox
from qms.planning.models import Plan, PlanTask
from qms.planning.notifications import Kind
from qms.planning.reminders import PERIODIC_KINDS


def week_bounds(today: datetime.date) -> tuple[datetime.date, datetime.date, datetime.date]:
    """(this Monday, next Monday, the Sunday after next Monday)."""
    monday = today - datetime.timedelta(days=today.weekday())
    next_monday = monday + datetime.timedelta(days=7)
    return monday, next_monday, next_monday + datetime.timedelta(days=6)


def weekly_rows(agency_id: int, today: datetime.date) -> list[dict[str, Any]]:
    """Per lead unit: tasks done, late and due next week in the agency's issued plans
    of the year."""
    _monday, next_monday, next_sunday = week_bounds(today)
    tasks = (
        PlanTask.objects.filter(
            plan__agency_id=agency_id, plan__status=Plan.Status.ISSUED, plan__year=today.year
        )
        .exclude(status=PlanTask.Status.CANCELLED)
        .prefetch_related(
            Prefetch(
                "lead_units",
                queryset=OrgUnit.objects.only("id", "name", "short_name", "kind", "sort_order"),
            )
        )
        .only("id", "status", "due_date", "timing_kind")
    )
    rows: dict[int, dict[str, Any]] = {}
    for task in tasks:
        late = (
            task.is_open()
            and task.due_date is not None
            and task.due_date < today
            and task.timing_kind not in PERIODIC_KINDS
        )
        soon = (
            task.is_open()
            and task.due_date is not None
            and next_monday <= task.due_date <= next_sunday
        )
        for unit in task.lead_units.all():
            row = rows.setdefault(
                unit.pk,
                {
                    "unit": unit.display_name,
                    "order": (unit.sort_order, unit.name),
                    "done": 0,
                    "late": 0,
                    "due_next_week": 0,
                    "total": 0,
                },
            )
            row["total"] += 1
            row["done"] += task.status == PlanTask.Status.DONE
            row["late"] += late
            row["due_next_week"] += soon
    return sorted(rows.values(), key=lambda r: r["order"])


def compute_weekly_summaries(now: datetime.datetime, cal: WorkCalendar | None = None) -> int:
    """On the first working day of a week, the office of each agency gets its summary."""
    today = timezone.localdate(now)
    cal = cal or WorkCalendar()
    monday, _n, _s = week_bounds(today)
    if cal.next_working_day(monday) != today:
        return 0
    policies = agency_policies()
    agencies = [
        a for a in ready_agencies("weekly", now, policies) if policy_of(policies, a).weekly_summary
    ]
    if not agencies:
        return 0
    directory = Directory(agencies)
    names = dict(OrgUnit.objects.filter(pk__in=agencies).values_list("pk", "name"))
    box = Outbox(now)
    iso = today.isocalendar()
    for agency_id in agencies:
        office = directory.office(agency_id)
        if not office:
            continue
        rows = weekly_rows(agency_id, today)
        box.add(
            recipients=office,
            data=MessageData(
                kind=Kind.WEEKLY_SUMMARY,
                url=reverse("planning:weekly_xlsx", kwargs={"agency": agency_id}),
                extra={
                    "rows": rows,
                    "agency": names.get(agency_id, ""),
                    "monday": monday,
                    "year": today.year,
                },
            ),
            obj=None,
            agency_id=agency_id,
            key=f"weekly:{agency_id}:{iso.year}-W{iso.week:02d}",
        )
    with transaction.atomic():
        written = box.flush()
        mark_done("weekly", today, agencies)
    return written
