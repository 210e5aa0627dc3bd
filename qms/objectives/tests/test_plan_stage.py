"""Tasks 2 and 3 of the plan follow the objectives cycle: which units have evaluated and
submitted, and reminders (under a controlled clock) that chase only the missing ones."""

from __future__ import annotations

import datetime
from decimal import Decimal as D
from typing import Any

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from qms.audittrail.models import LogEntry
from qms.notifications.models import Notification
from qms.notifications.periodic import run_pass
from qms.objectives import selectors, services
from qms.objectives.models import ObjectiveSet, PlanStage
from qms.objectives.services import ObjectiveInput
from qms.planning import services as planning
from qms.planning.models import Plan, PlanTask
from qms.planning.notifications import Kind
from qms.planning.tests.conftest import at, emails

pytestmark = pytest.mark.django_db
DAY = datetime.date


@pytest.fixture(autouse=True)
def english() -> Any:
    with translation.override("en"):
        yield


@pytest.fixture
def plan(org: Any, personas: Any) -> Plan:
    """The 2022 plan, issued, with task 2 (divisions A and B, before 25/8) and task 3 (the
    ISO committee, before 05/09), both tied to the objectives of 2022-2023."""
    office = personas["iso_office"]
    plan = planning.plan_create(
        actor=office, agency=org.agency, year=2022, title="Kế hoạch ISO năm 2022"
    )
    for number, content, timing, leads in (
        (2, "Các phòng đánh giá và xây dựng mục tiêu", "Trước 25/8/2022", [org.div_a, org.div_b]),
        (3, "Ban ISO xây dựng mục tiêu của Sở", "Trước 05/09/2022", [org.iso]),
    ):
        planning.task_create(
            actor=office,
            plan=plan,
            data=planning.TaskInput(
                number=number,
                content=content,
                timing_text=timing,
                lead_units=leads,
                partner_units=[],
            ),
        )
    planning.plan_submit(actor=office, plan=plan)
    planning.plan_approve(actor=personas["leader"], plan=plan, issued_on=DAY(2022, 2, 7))
    Notification.objects.all().delete()
    for number, stage in ((2, PlanStage.Stage.UNITS), (3, PlanStage.Stage.AGENCY)):
        services.stage_link(
            actor=office, task=plan.tasks.get(number=number), stage=stage, year=2022
        )
    return Plan.objects.get(pk=plan.pk)


def task(plan: Plan, number: int) -> PlanTask:
    return plan.tasks.get(number=number)


def evaluated_last_year(org: Any, personas: Any, unit: Any, head: str) -> ObjectiveSet:
    """``unit`` set, approved and evaluated its 2021-2022 objectives."""
    period = services.period_for(agency=org.agency, year=2021)
    objective_set = services.set_create(actor=personas[head], unit=unit, period=period)
    objective = services.objective_save(
        actor=personas[head],
        objective_set=objective_set,
        data=ObjectiveInput(
            statement="Hồ sơ đúng hạn", indicator="Tỷ lệ", owner_unit=unit, target=D(95)
        ),
    )
    services.set_submit(actor=personas[head], objective_set=objective_set)
    services.set_approve(actor=personas["leader"], objective_set=objective_set)
    services.objective_evaluate(actor=personas[head], objective=objective, result=D(97))
    return services.set_evaluate(actor=personas[head], objective_set=objective_set)


def submit_new_year(org: Any, personas: Any, last: ObjectiveSet, head: str) -> ObjectiveSet:
    period = services.period_for(agency=org.agency, year=2022)
    new = services.set_copy_forward(actor=personas[head], objective_set=last, period=period)
    if not new.objectives.exists():
        services.objective_save(
            actor=personas[head],
            objective_set=new,
            data=ObjectiveInput(
                statement="Hồ sơ đúng hạn", indicator="Tỷ lệ", owner_unit=last.unit, target=D(98)
            ),
        )
    return services.set_submit(actor=personas[head], objective_set=new)


def test_stage_status_lists_who_has_evaluated_and_submitted(
    org: Any, personas: Any, plan: Plan
) -> None:
    status = selectors.stage_status([task(plan, 2).pk])[task(plan, 2).pk]
    assert [r.unit for r in status.rows] == [org.div_a, org.div_b]
    assert status.done_count == 0
    last_a = evaluated_last_year(org, personas, org.div_a, "head_a")
    status = selectors.stage_status([task(plan, 2).pk])[task(plan, 2).pk]
    row_a = status.rows[0]
    assert row_a.evaluated_done and not row_a.submitted and not row_a.done
    # Division B had no objectives in 2021-2022: nothing to evaluate, only to set.
    assert status.rows[1].evaluated is None and status.rows[1].evaluated_done
    submit_new_year(org, personas, last_a, "head_a")
    status = selectors.stage_status([task(plan, 2).pk])[task(plan, 2).pk]
    assert status.done_count == 1
    assert [r.unit for r in status.missing] == [org.div_b]
    # Task 3 waits for the agency's own set.
    agency_status = selectors.stage_status([task(plan, 3).pk])[task(plan, 3).pk]
    assert [r.unit for r in agency_status.rows] == [org.agency]
    assert agency_status.done_count == 0


def test_task_and_plan_pages_show_which_units_submitted(
    org: Any, personas: Any, plan: Plan, client_as: Any, django_assert_max_num_queries: Any
) -> None:
    last_a = evaluated_last_year(org, personas, org.div_a, "head_a")
    submit_new_year(org, personas, last_a, "head_a")
    en = {"HTTP_ACCEPT_LANGUAGE": "en"}
    page = client_as("leader").get(reverse("planning:task_detail", args=[task(plan, 2).pk]), **en)
    html = page.content.decode()
    assert page.status_code == 200
    table = html[html.index('id="objective-stage-units"') :]
    done_row = table[table.index('class="stage-done"') :]
    missing_row = table[table.index('class="stage-missing"') :]
    assert org.div_a.display_name in done_row[: done_row.index("</tr>")]
    assert org.div_b.display_name in missing_row[: missing_row.index("</tr>")]
    assert "1/2" in html
    plan_page = client_as("leader").get(reverse("planning:plan_detail", args=[plan.pk]), **en)
    assert "Objectives: 1/2 submitted" in plan_page.content.decode()
    # The objectives page of 2022-2023 names the missing unit too.
    home = client_as("leader").get(reverse("objectives:home") + "?year=2022", **en).content.decode()
    assert "waiting for" in home and org.div_b.display_name in home


def test_only_the_iso_committee_links_a_task(
    org: Any, personas: Any, plan: Plan, client_as: Any
) -> None:
    url = reverse("objectives:stage_link", args=[task(plan, 3).pk])
    assert client_as("head_a").post(url, {"stage": "agency", "year": 2023}).status_code == 403
    response = client_as("iso_office").post(url, {"stage": "agency", "year": 2023})
    assert response.status_code == 302
    link = PlanStage.objects.get(task=task(plan, 3))
    assert link.new_period.label == "2023-2024"
    entry = LogEntry.objects.filter(action="objectives.stage.linked").order_by("-pk").first()
    assert entry is not None and "2023-2024" in str(entry.changes)


def run_days(first: str, last: str, on_day: dict[str, Any] | None = None) -> None:
    """A ``run_periodic`` pass at 08:00 every day; ``on_day`` acts before that day's pass."""
    day, end = DAY.fromisoformat(first), DAY.fromisoformat(last)
    while day <= end:
        now = at(day.isoformat(), 8)
        with time_machine.travel(now, tick=False):
            if on_day and day.isoformat() in on_day:
                on_day[day.isoformat()]()
            run_pass(now)
        day += datetime.timedelta(days=1)


def task_mail(user: Any, plan: Plan, number: int) -> list[tuple[str, str]]:
    pk = str(task(plan, number).pk)
    return [
        (n.created_at.astimezone().date().isoformat(), n.kind)
        for n in emails(user)
        if str(n.object_id) == pk
    ]


def test_reminders_before_25_august_chase_only_the_units_that_have_not_submitted(
    org: Any, personas: Any, plan: Plan
) -> None:
    last_a = evaluated_last_year(org, personas, org.div_a, "head_a")
    Notification.objects.all().delete()
    run_days(
        "2022-08-15",
        "2022-08-31",
        # Division A submits its 2022-2023 objectives on Friday 19/8.
        on_day={"2022-08-19": lambda: submit_new_year(org, personas, last_a, "head_a")},
    )
    # Both divisions were reminded 7 days before (Thu 18/8); afterwards only division B,
    # which has not submitted: 3 days before (Mon 22/8), 1 day before, the due day, then
    # overdue and escalated to its head.
    assert task_mail(personas["staff_a"], plan, 2) == [("2022-08-18", Kind.TASK_DUE_SOON)]
    b = task_mail(personas["head_b"], plan, 2)
    assert b[:4] == [
        ("2022-08-18", Kind.TASK_DUE_SOON),
        ("2022-08-22", Kind.TASK_DUE_SOON),
        ("2022-08-24", Kind.TASK_DUE_SOON),
        ("2022-08-25", Kind.TASK_DUE_TODAY),
    ]
    assert Kind.TASK_OVERDUE in {kind for _d, kind in b[4:]}
    assert task_mail(personas["head_a"], plan, 2) == []  # division A's head: no escalation


def test_no_reminder_once_every_unit_has_submitted(org: Any, personas: Any, plan: Plan) -> None:
    for unit, head in ((org.div_a, "head_a"), (org.div_b, "head_b")):
        submit_new_year(org, personas, evaluated_last_year(org, personas, unit, head), head)
    Notification.objects.all().delete()
    run_days("2022-08-15", "2022-08-31")
    assert not Notification.objects.filter(object_id=str(task(plan, 2).pk)).exists()


def test_lead_units_done_for_the_agency_stage(org: Any, personas: Any, plan: Plan) -> None:
    t3 = task(plan, 3)
    assert selectors.lead_units_done([t3.pk]) == {t3.pk: set()}
    period = services.period_for(agency=org.agency, year=2022)
    agency_set = services.set_create(actor=personas["iso_office"], unit=org.agency, period=period)
    services.objective_save(
        actor=personas["iso_office"],
        objective_set=agency_set,
        data=ObjectiveInput(statement="M", indicator="%", owner_unit=org.agency, target=D(1)),
    )
    services.set_submit(actor=personas["iso_office"], objective_set=agency_set)
    assert selectors.lead_units_done([t3.pk]) == {t3.pk: {org.iso.pk}}
