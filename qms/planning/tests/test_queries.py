"""Query counts stay flat as rows grow (count at 5 rows, assert at 50)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from qms.planning import services
from qms.planning.tests.factories import make_plan

pytestmark = pytest.mark.django_db


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def _grow(plan, actor, lead, start: int, end: int) -> None:
    for n in range(start, end + 1):
        services.task_create(
            actor=actor,
            plan=plan,
            data=services.TaskInput(
                number=n,
                content=f"Nhiệm vụ {n}",
                timing_text=f"Trước 1{n % 9}/0{1 + n % 9}/2022",
                lead_units=[lead],
                partner_units=[lead],
            ),
        )


@pytest.mark.parametrize(
    "route",
    [
        "planning:plan_detail",
        "planning:task_list",
        "planning:plan_timeline",
        "planning:plan_history",
        "planning:plan_export_xlsx",
        "planning:plan_export_docx",
    ],
)
def test_plan_pages_are_flat(org, personas, client_as, django_assert_max_num_queries, route):
    plan = make_plan(actor=personas["iso_office"], agency=org.agency, tasks=5, lead=org.div_a)
    client = client_as("leader")
    url = reverse(route, kwargs={"pk": plan.pk})
    baseline = _queries(client, url)
    _grow(plan, personas["iso_office"], org.div_a, 6, 50)
    with django_assert_max_num_queries(baseline):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize(
    "route,persona",
    [
        ("planning:dashboard", "leader"),
        ("planning:my_tasks", "head_a"),
        ("planning:plan_list", "leader"),
    ],
)
def test_lists_and_dashboard_are_flat(
    org, personas, client_as, django_assert_max_num_queries, route, persona
):
    iso, leader = personas["iso_office"], personas["leader"]
    plan = make_plan(
        actor=iso, agency=org.agency, tasks=5, lead=org.div_a, issued=True, approver=leader
    )
    client = client_as(persona)
    url = reverse(route)
    baseline = _queries(client, url)
    for year in (2023, 2024):
        make_plan(
            actor=iso,
            agency=org.agency,
            year=year,
            tasks=20,
            lead=org.div_b,
            issued=True,
            approver=leader,
        )
    extra = make_plan(actor=iso, agency=org.agency, year=2025, tasks=0)
    _grow(extra, iso, org.div_a, 1, 45)
    services.plan_submit(actor=iso, plan=extra)
    services.plan_approve(actor=leader, plan=extra)
    with django_assert_max_num_queries(baseline):
        assert client.get(url).status_code == 200
    assert plan.pk
