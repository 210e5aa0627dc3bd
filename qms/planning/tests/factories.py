"""Plans and tasks for tests, built through the services where the workflow matters."""

from __future__ import annotations

import datetime

from qms.accounts.models import User
from qms.core.models import OrgUnit
from qms.planning import services
from qms.planning.models import Plan, PlanTask


def make_plan(
    *,
    actor: User,
    agency: OrgUnit,
    year: int = 2022,
    tasks: int = 3,
    lead: OrgUnit | None = None,
    issued: bool = False,
    approver: User | None = None,
) -> Plan:
    plan = services.plan_create(
        actor=actor,
        agency=agency,
        year=year,
        title=f"Duy trì, cải tiến HTQLCL năm {year}",
        signer_prefix="KT.",
        signer_authority="GIÁM ĐỐC",
        signer_position="PHÓ GIÁM ĐỐC",
        signer_name="Đỗ Văn Khải",
    )
    for n in range(1, tasks + 1):
        services.task_create(
            actor=actor,
            plan=plan,
            data=services.TaskInput(
                number=n,
                content=f"Nhiệm vụ {n} năm học {year - 1}-{year}",
                timing_text=f"Trước {min(n, 28):02d}/0{1 + n % 9}/{year}",
                lead_units=[lead] if lead else [],
                partner_units=[],
            ),
        )
    if issued:
        services.plan_submit(actor=actor, plan=plan)
        plan = services.plan_approve(
            actor=approver or actor, plan=plan, issued_on=datetime.date(year, 2, 7)
        )
    plan.refresh_from_db()
    return plan


def first_task(plan: Plan) -> PlanTask:
    task = plan.tasks.order_by("number").first()
    assert task is not None
    return task
