"""Builders shared by the programme part's tests (no tests here)."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import translation

from qms.accounts.models import User
from qms.audits import services_programme as svc
from qms.audits.models import Audit, AuditSlot, Programme
from qms.documents import services as doc_services
from qms.documents.models import Document
from qms.documents.tests.conftest import decision_input, document_make
from qms.planning.models import PlanTask
from qms.planning.tests.factories import make_plan

YEAR = 2026


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """Service messages are asserted in their English source (pages are read in Vietnamese)."""
    with translation.override("en"):
        yield


def make_plan_tasks(
    org: Any, personas: dict[str, User], year: int = YEAR
) -> tuple[PlanTask, PlanTask]:
    """An issued plan whose tasks 6 and 7 are the audit and the corrective-action tasks."""
    plan = make_plan(
        actor=personas["iso_office"],
        agency=org.agency,
        year=year,
        tasks=7,
        lead=org.iso,
        issued=True,
        approver=personas["leader"],
    )
    task6 = plan.tasks.get(number=6)
    task7 = plan.tasks.get(number=7)
    PlanTask.objects.filter(pk=task6.pk).update(
        content="Đánh giá nội bộ",
        start_date=datetime.date(year, 6, 1),
        due_date=datetime.date(year, 7, 30),
    )
    PlanTask.objects.filter(pk=task7.pk).update(
        content="Tiến hành khắc phục sau đánh giá nội bộ",
        start_date=datetime.date(year, 8, 1),
        due_date=datetime.date(year, 9, 15),
    )
    task6.refresh_from_db()
    task7.refresh_from_db()
    return task6, task7


def issued_document(
    org: Any, personas: dict[str, User], *, author: str = "head_a", code: str = "QT-GDTRH-01"
) -> Document:
    """A procedure of division A in force, its version drafted by ``author``."""
    document = document_make(org, personas, author=author, code=code)
    version = document.versions.get()
    doc_services.version_submit(actor=personas[author], version=version)
    doc_services.version_review(actor=personas["iso_office"], version=version, forward=True)
    doc_services.version_approve(actor=personas["leader"], version=version, approve=True)
    doc_services.decision_issue(
        actor=personas["iso_office"],
        agency=org.agency,
        versions=[version],
        data=decision_input(datetime.date(YEAR, 3, 2)),
    )
    document.refresh_from_db()
    return document


def make_programme(
    org: Any, personas: dict[str, User], *, tasks: bool = False, approve: bool = False
) -> Programme:
    task6 = task7 = None
    if tasks:
        task6, task7 = make_plan_tasks(org, personas)
    programme = svc.programme_create(
        actor=personas["iso_office"],
        agency=org.agency,
        data=svc.ProgrammeInput(
            year=YEAR,
            title=f"Chương trình đánh giá nội bộ năm {YEAR}",
            start=datetime.date(YEAR, 6, 1),
            end=datetime.date(YEAR, 7, 30),
            clauses=["7.5", "4.1", "8.5"],
            legal_criteria="Quyết định 19/2014/QĐ-TTg; Thông tư 26/2014/TT-BKHCN",
            plan_task=task6,
            action_task=task7,
        ),
    )
    if approve:
        programme = svc.programme_approve(actor=personas["leader"], programme=programme)
    return programme


def make_audit(
    org: Any,
    personas: dict[str, User],
    programme: Programme,
    *,
    units: list[Any] | None = None,
    procedures: list[Document] | None = None,
    day: datetime.date = datetime.date(YEAR, 6, 10),
) -> Audit:
    return svc.audit_create(
        actor=personas["iso_office"],
        programme=programme,
        data=svc.AuditInput(
            title="Đánh giá Phòng GDTrH",
            units=units or [org.div_a],
            start_date=day,
            end_date=day,
            procedures=procedures or [],
            scope="Các quy trình TTHC của Phòng GDTrH",
            clauses=["8.5", "7.5"],
            criteria="TCVN ISO 9001:2015",
        ),
    )


def add_slot(personas: dict[str, User], audit: Audit) -> AuditSlot:
    return svc.slot_add(
        actor=personas["iso_office"],
        audit=audit,
        data=svc.SlotInput(
            date=audit.start_date,
            start_time=datetime.time(8, 0),
            end_time=datetime.time(11, 30),
            activity="Họp khai mạc; đánh giá quy trình chuyển trường",
            unit=audit.units.first(),
            auditors="Trưởng đoàn",
        ),
    )


def ready_audit(org: Any, personas: dict[str, User], *, tasks: bool = False) -> Audit:
    """An audit of division A in an approved programme, with the auditor as lead and a slot."""
    programme = make_programme(org, personas, tasks=tasks, approve=True)
    audit = make_audit(org, personas, programme)
    svc.team_member_add(
        actor=personas["iso_office"], audit=audit, user=personas["auditor"], role="lead"
    )
    add_slot(personas, audit)
    audit.refresh_from_db()
    return audit
