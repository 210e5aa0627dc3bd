from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from qms.notifications.models import Channel, Notification
from qms.notifications.tests.outbox_helpers import Receiver, Redirecting, free_port, serve
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


@pytest.fixture
def smtp_settings(settings: Any) -> Any:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = free_port()
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    settings.SITE_URL = "https://eiso.hungyen.gov.vn"
    return settings


@pytest.fixture
def receiver(settings: Any) -> Any:
    """A real HTTP server on 127.0.0.1 recording what it receives (``Receiver``)."""
    server = serve(Receiver, settings)
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def redirecting(settings: Any) -> Any:
    """A receiver that answers every POST with a redirect to the metadata service."""
    server = serve(Redirecting, settings)
    yield server
    server.shutdown()
    server.server_close()
