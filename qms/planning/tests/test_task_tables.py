"""The task tables after their per-row work moved to Python: same rows, links, badges."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.urls import reverse

from qms.planning import services
from qms.planning.models import PlanTask
from qms.planning.tests.factories import make_plan

pytestmark = pytest.mark.django_db


def _task(plan: Any, actor: Any, number: int, *, lead: list[Any], partners: list[Any]) -> PlanTask:
    return services.task_create(
        actor=actor,
        plan=plan,
        data=services.TaskInput(
            number=number,
            content=f"Việc riêng {number}",
            timing_text="Trước 15/03/2022",
            lead_units=lead,
            partner_units=partners,
        ),
    )


def test_unit_filter_lists_the_agency_tree_and_finds_lead_and_partner(
    org: Any, personas: Any, client_as: Any
) -> None:
    iso = personas["iso_office"]
    plan = make_plan(actor=iso, agency=org.agency, tasks=2, lead=org.div_a)
    led_by_b = _task(plan, iso, 3, lead=[org.div_b], partners=[])
    partner_b = _task(plan, iso, 4, lead=[org.div_a], partners=[org.div_b])
    client = client_as("leader")
    url = reverse("planning:task_list", kwargs={"pk": plan.pk})

    page = client.get(url).content.decode()
    options = re.search(r'<select name="unit".*?</select>', page, re.S)
    assert options is not None
    # Units of the agency's tree (even without a task in this plan), never another agency's.
    assert f'value="{org.school.pk}"' in options.group(0)
    assert f'value="{org.div_b.pk}"' in options.group(0)
    assert f'value="{org.other_div.pk}"' not in options.group(0)

    filtered = client.get(url, {"unit": org.div_b.pk}).content.decode()
    rows = re.findall(r'href="/[^"]*/tasks/(\d+)/"', filtered)
    assert sorted(int(r) for r in rows) == sorted([led_by_b.pk, partner_b.pk])
    assert "Phòng TCCB" in filtered and "Phòng GDTrH" in filtered


def test_rows_link_each_task_and_badge_overdue(org: Any, personas: Any, client_as: Any) -> None:
    iso, leader = personas["iso_office"], personas["leader"]
    plan = make_plan(
        actor=iso, agency=org.agency, tasks=3, lead=org.div_a, issued=True, approver=leader
    )
    tasks = list(plan.tasks.order_by("number"))
    PlanTask.objects.filter(pk=tasks[0].pk).update(due_date=datetime.date(2000, 1, 1))
    PlanTask.objects.filter(pk=tasks[1].pk).update(status=PlanTask.Status.DONE)
    PlanTask.objects.filter(pk=tasks[2].pk).update(due_date=datetime.date(2099, 1, 1))
    client = client_as("leader")
    for route in ("planning:plan_detail", "planning:task_list"):
        page = client.get(reverse(route, kwargs={"pk": plan.pk})).content.decode()
        for task in tasks:
            assert reverse("planning:task_detail", kwargs={"pk": task.pk}) in page
        assert page.count("status-overdue") == 1
        assert page.count("status-done") == 1
        assert page.count("status-not_started") == 1


def test_my_tasks_rows_show_lead_names_once_per_task(
    org: Any, personas: Any, client_as: Any
) -> None:
    iso, leader = personas["iso_office"], personas["leader"]
    plan = make_plan(actor=iso, agency=org.agency, tasks=0)
    task = _task(plan, iso, 1, lead=[org.div_a, org.div_b], partners=[org.office])
    services.plan_submit(actor=iso, plan=plan)
    services.plan_approve(actor=leader, plan=plan, issued_on=datetime.date(2022, 2, 7))
    page = client_as("head_a").get(reverse("planning:my_tasks")).content.decode()
    assert page.count(reverse("planning:task_detail", kwargs={"pk": task.pk})) == 1
    assert "Phòng GDTrH, Phòng TCCB" in page


@pytest.mark.parametrize("sort", ["number", "-due", "status"])
def test_task_table_pages_by_cursor_without_gaps(
    org: Any, personas: Any, client_as: Any, sort: str
) -> None:
    plan = make_plan(actor=personas["iso_office"], agency=org.agency, tasks=30, lead=org.div_a)
    PlanTask.objects.filter(plan=plan, number__in=[3, 4, 28]).update(due_date=None)
    client = client_as("leader")
    url = reverse("planning:task_list", kwargs={"pk": plan.pk})
    seen: list[int] = []
    query: dict[str, str] = {"sort": sort}
    for _ in range(3):
        page = client.get(url, query).content.decode()
        seen += [int(r) for r in re.findall(r'href="/[^"]*/tasks/(\d+)/"', page)]
        older = re.search(r'rel="next"\s+href="[^"]*older=([^"&]+)', page)
        if older is None:
            break
        query = {"sort": sort, "older": older.group(1)}
    assert len(seen) == 30
    assert sorted(seen) == sorted(plan.tasks.values_list("pk", flat=True))
    # Back from the last page: the first rows of the previous page come again.
    newer = re.search(r'rel="prev"\s+href="[^"]*newer=([^"&]+)', page)
    assert newer is not None
    back = client.get(url, {"sort": sort, "newer": newer.group(1)}).content.decode()
    assert [int(r) for r in re.findall(r'href="/[^"]*/tasks/(\d+)/"', back)] == seen[:25]


def test_task_table_malformed_cursor_reads_the_first_page(
    org: Any, personas: Any, client_as: Any
) -> None:
    plan = make_plan(actor=personas["iso_office"], agency=org.agency, tasks=3, lead=org.div_a)
    response = client_as("leader").get(
        reverse("planning:task_list", kwargs={"pk": plan.pk}), {"older": "x-zz-1"}
    )
    assert response.status_code == 200
    assert response.content.decode().count("/tasks/") >= 3


def test_rows_rendered_in_python_escape_what_users_typed(
    org: Any, personas: Any, client_as: Any
) -> None:
    iso, leader = personas["iso_office"], personas["leader"]
    plan = make_plan(actor=iso, agency=org.agency, tasks=0)
    task = _task(plan, iso, 1, lead=[], partners=[])
    PlanTask.objects.filter(pk=task.pk).update(
        content='<script>alert("c")</script>',
        lead_text="<b>lead</b>",
        partner_text="<i>p</i>",
        timing_text="<u>t</u>",
        timing_flagged=True,
    )
    client = client_as("leader")
    for route in ("planning:plan_detail", "planning:task_list"):
        page = client.get(reverse(route, kwargs={"pk": plan.pk})).content.decode()
        assert "<script>alert" not in page and "&lt;script&gt;alert(&quot;c&quot;)" in page
        for raw, escaped in (
            ("<b>lead", "&lt;b&gt;lead"),
            ("<i>p<", "&lt;i&gt;p"),
            ("<u>", "&lt;u&gt;t"),
        ):
            assert raw not in page and escaped in page
        assert "bi-exclamation-triangle" in page
    task.lead_units.set([org.div_a])
    services.plan_submit(actor=iso, plan=plan)
    services.plan_approve(actor=leader, plan=plan, issued_on=datetime.date(2022, 2, 7))
    page = client_as("head_a").get(reverse("planning:my_tasks")).content.decode()
    assert "<script>alert" not in page and "&lt;script&gt;alert(&quot;c&quot;)" in page
    assert "&lt;u&gt;t&lt;/u&gt;" in page
