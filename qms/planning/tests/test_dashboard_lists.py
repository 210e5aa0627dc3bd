"""The dashboard's lists after their items moved to Python: same items, links, escaping."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from qms.planning.models import PlanTask, ProgressUpdate
from qms.planning.tests.factories import make_plan

pytestmark = pytest.mark.django_db


def test_dashboard_lists_show_each_task_once_with_leads_dates_and_escaping(
    org: Any, personas: Any, client_as: Any
) -> None:
    iso, leader = personas["iso_office"], personas["leader"]
    today = timezone.localdate()
    plan = make_plan(
        actor=iso,
        agency=org.agency,
        year=today.year,
        tasks=3,
        lead=org.div_a,
        issued=True,
        approver=leader,
    )
    late, soon, waiting = plan.tasks.order_by("number")
    late.lead_units.add(org.div_b)
    PlanTask.objects.filter(pk=late.pk).update(
        due_date=today - datetime.timedelta(days=3), content="<b>Trễ</b> & hạn"
    )
    PlanTask.objects.filter(pk=soon.pk).update(due_date=today + datetime.timedelta(days=2))
    PlanTask.objects.filter(pk=waiting.pk).update(
        status=PlanTask.Status.DONE_REPORTED, due_date=today + datetime.timedelta(days=30)
    )
    ProgressUpdate.objects.create(
        task=soon, author=iso, percent=40, comment="<i>Đang làm</i>", status_after="in_progress"
    )
    url = reverse("planning:dashboard") + f"?agency={org.agency.pk}&year={today.year}"
    page = client_as("leader").get(url).content.decode()
    link = reverse("planning:task_detail", kwargs={"pk": late.pk})
    assert f'<a href="{link}">1. &lt;b&gt;Trễ&lt;/b&gt; &amp; hạn</a>' in page
    assert "<b>Trễ" not in page and "<i>Đang làm" not in page
    assert "Phòng GDTrH, Phòng TCCB · " in page
    assert (today - datetime.timedelta(days=3)).strftime("%d/%m/%Y") in page
    for task in (soon, waiting):
        assert reverse("planning:task_detail", kwargs={"pk": task.pk}) in page
    assert "&lt;i&gt;Đang làm&lt;/i&gt; (40%)" in page
