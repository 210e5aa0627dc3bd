"""Fixtures of the planning tests that follow a plan into the outbox (reminders, feeds)."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from qms.notifications.models import Channel, Notification
from qms.planning import services as planning
from qms.planning.models import Plan, PlanTask


def at(day: str, hour: int = 8) -> datetime.datetime:
    """A local (Asia/Ho_Chi_Minh) time on ``day`` (ISO date)."""
    return timezone.make_aware(
        datetime.datetime.combine(datetime.date.fromisoformat(day), datetime.time(hour))
    )


@pytest.fixture
def make_task(org: Any, personas: dict[str, Any]) -> Callable[..., PlanTask]:
    """An issued plan of ``year`` with one task led by division A, timed ``timing``."""

    def _make(timing: str, *, year: int = 2026, issued_on: str | None = None) -> PlanTask:
        office = personas["iso_office"]
        plan = planning.plan_create(
            actor=office, agency=org.agency, year=year, title=f"Kế hoạch ISO năm {year}"
        )
        planning.task_create(
            actor=office,
            plan=plan,
            data=planning.TaskInput(
                number=1,
                content="Đánh giá nội bộ",
                timing_text=timing,
                lead_units=[org.div_a],
                partner_units=[org.office],
            ),
        )
        planning.plan_submit(actor=office, plan=plan)
        planning.plan_approve(
            actor=personas["leader"],
            plan=plan,
            issued_on=datetime.date.fromisoformat(issued_on or f"{year}-01-05"),
        )
        plan = Plan.objects.get(pk=plan.pk)
        # Start each test from an empty outbox: the approval wrote its own messages.
        Notification.objects.all().delete()
        task = plan.tasks.get()
        return task

    return _make


def emails(user: Any, kind: str | None = None) -> list[Notification]:
    qs = Notification.objects.filter(recipient=user, channel=Channel.EMAIL)
    if kind:
        qs = qs.filter(kind=kind)
    return list(qs.order_by("created_at", "pk"))
