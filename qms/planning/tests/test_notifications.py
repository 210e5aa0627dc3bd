"""What the plan workflow writes into the outbox, and for whom."""

from __future__ import annotations

import datetime

import pytest

from qms.notifications import services
from qms.notifications.models import Channel, Notification
from qms.planning.notifications import Kind

pytestmark = pytest.mark.django_db


def test_events_from_the_plan_workflow(personas, org, make_task):
    from qms.planning import services as planning

    task = make_task("Trước 10/3/2026")
    planning.task_post_progress(
        actor=personas["staff_a"], task=task, percent=40, comment="Đã lập đoàn"
    )
    office = Notification.objects.filter(
        recipient=personas["iso_office"], kind=Kind.PROGRESS_POSTED
    )
    assert [n.channel for n in office] == [Channel.IN_APP]  # e-mail off by default
    planning.task_post_progress(
        actor=personas["staff_a"], task=task, percent=100, comment="Xong", report_done=True
    )
    planning.task_confirm(actor=personas["iso_office"], task=task)
    confirmed = Notification.objects.filter(kind=Kind.TASK_CONFIRMED)
    assert {n.recipient.username for n in confirmed} == {"staff_a", "head_a"}
    assert services.Directory([org.agency.pk]).office(org.agency.pk) == {personas["iso_office"].pk}


def test_plan_workflow_notifies_approvers_authors_and_lead_units(personas, org):
    from qms.planning import services as planning

    office, leader = personas["iso_office"], personas["leader"]
    plan = planning.plan_create(actor=office, agency=org.agency, year=2026, title="Kế hoạch ISO")
    planning.task_create(
        actor=office,
        plan=plan,
        data=planning.TaskInput(
            number=1,
            content="Rà soát quy trình",
            timing_text="Trước 10/3/2026",
            lead_units=[org.div_a],
            partner_units=[],
        ),
    )
    planning.plan_submit(actor=office, plan=plan)
    submitted = Notification.objects.filter(kind=Kind.PLAN_SUBMITTED)
    assert {n.recipient for n in submitted} == {leader}
    assert {n.channel for n in submitted} == {Channel.IN_APP, Channel.EMAIL}
    planning.plan_return(actor=leader, plan=plan, comment="Bổ sung căn cứ")
    returned = Notification.objects.get(kind=Kind.PLAN_RETURNED, channel=Channel.IN_APP)
    assert returned.recipient == office and "Bổ sung căn cứ" in returned.body
    planning.plan_submit(actor=office, plan=plan)
    planning.plan_approve(actor=leader, plan=plan, issued_on=datetime.date(2026, 1, 5))
    approved = Notification.objects.get(kind=Kind.PLAN_APPROVED, channel=Channel.IN_APP)
    assert approved.recipient == office
    assigned = Notification.objects.filter(kind=Kind.TASK_ASSIGNED, channel=Channel.IN_APP)
    assert {n.recipient.username for n in assigned} == {"staff_a", "head_a"}
    task = plan.tasks.get()
    planning.task_update(
        actor=office,
        task=task,
        data=planning.TaskInput(
            number=1,
            content="Rà soát quy trình",
            timing_text="Trước 10/3/2026",
            lead_units=[org.div_a, org.div_b],
            partner_units=[],
        ),
        amendment_reason="Thêm đơn vị chủ trì",
    )
    reassigned = Notification.objects.filter(kind=Kind.TASK_REASSIGNED, channel=Channel.IN_APP)
    assert {n.recipient.username for n in reassigned} == {"head_b"}
