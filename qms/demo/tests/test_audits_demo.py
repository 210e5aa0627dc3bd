"""The demo's internal audits: the 2022 audit of the Sở (programme on tasks 6 and 7 of
Kế hoạch 187, two audits led by danhgia, checklists from QT.ISO.03 and the TTHC procedure,
findings of every kind, three NCs: two closed after an independent verification, one open)
and the running year's, reported, its NCs under way; loading twice changes nothing."""

from __future__ import annotations

import datetime
import zoneinfo
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.db import transaction

from qms.audits.models import Audit, ChecklistItem, Finding, Programme
from qms.core.models import OrgUnit
from qms.demo.loader import load_demo
from qms.nonconformities.models import CorrectiveAction, NCCounter, Nonconformity, Verification

pytestmark = pytest.mark.django_db
HCM = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
TODAY = datetime.date(2026, 12, 4)
S = Nonconformity.Status


def _load() -> None:
    with time_machine.travel(datetime.datetime(2026, 12, 4, 7, tzinfo=HCM)):
        load_demo()


@pytest.fixture(scope="module")
def demo(django_db_setup: Any, django_db_blocker: Any) -> Iterator[dict[str, int]]:
    """The demo loaded twice on 04/12/2026 (rolled back at the end); the row counts after
    the first load."""
    with django_db_blocker.unblock(), transaction.atomic():
        _load()
        counts = {
            "programmes": Programme.objects.count(),
            "audits": Audit.objects.count(),
            "findings": Finding.objects.count(),
            "ncs": Nonconformity.objects.count(),
            "actions": CorrectiveAction.objects.count(),
            "items": ChecklistItem.objects.count(),
        }
        _load()
        yield counts
        transaction.set_rollback(True)


def _agency() -> OrgUnit:
    return OrgUnit.objects.get(code="SGDDT-HY")


def test_loading_twice_changes_nothing(demo: dict[str, int]) -> None:
    assert Programme.objects.count() == demo["programmes"] == 2
    assert Audit.objects.count() == demo["audits"] == 3
    assert Finding.objects.count() == demo["findings"]
    assert Nonconformity.objects.count() == demo["ncs"] == 5
    assert CorrectiveAction.objects.count() == demo["actions"]
    assert ChecklistItem.objects.count() == demo["items"]


def test_2022_programme_on_tasks_6_and_7(demo: Any) -> None:
    p = Programme.objects.get(agency=_agency(), year=2022)
    assert p.plan_task is not None and p.plan_task.number == 6
    assert p.action_task is not None and p.action_task.number == 7
    assert p.plan_task.plan.year == 2022
    audits = list(p.audits.order_by("sequence"))
    assert len(audits) == 2
    for audit in audits:
        assert datetime.date(2022, 6, 1) <= audit.start_date <= audit.end_date
        assert audit.end_date <= datetime.date(2022, 7, 30)
        assert audit.lead_auditor is not None and audit.lead_auditor.username == "danhgia"
        assert audit.team.get(role="lead").user.username == "danhgia"
        assert audit.status == Audit.Status.REPORTED
        assert audit.issued_number is not None and "/KH-" in str(audit.issued_number)
        assert audit.report_approved_by == audit.lead_auditor
    assert p.status == Programme.Status.CLOSED
    assert p.approved_by is not None and p.approved_by.username == "giamdoc"
    codes = {d.code for a in audits for d in a.procedures.all()}
    assert codes == {"QT.ISO.03", "QT-SGD-02"}
    items = ChecklistItem.objects.filter(audit__programme=p)
    # QT.ISO.03's records to keep, the TTHC procedure's steps (5.7 table).
    assert items.filter(origin=ChecklistItem.Origin.RECORD, document__code="QT.ISO.03").exists()
    assert items.filter(origin=ChecklistItem.Origin.STEP, document__code="QT-SGD-02").exists()
    assert not items.filter(answer="").exists()  # every question answered
    kinds = set(Finding.objects.filter(audit__programme=p).values_list("kind", flat=True))
    assert kinds == set(Finding.Kind.values)


def test_2022_three_ncs_two_closed_by_another_person_one_open(demo: Any) -> None:
    ncs = list(Nonconformity.objects.filter(agency=_agency(), year=2022).order_by("serial"))
    assert len(ncs) == 3
    assert [nc.number for nc in ncs] == ["KPH-2022-001", "KPH-2022-002", "KPH-2022-003"]
    assert NCCounter.objects.get(agency=_agency(), year=2022).last == 3
    closed = [nc for nc in ncs if nc.status == S.CLOSED]
    assert len(closed) == 2
    for nc in closed:
        assert nc.verified_by is not None and nc.verified_by != nc.owner
        v = Verification.objects.get(nc=nc)
        assert v.effective and v.verified_by not in {a.owner for a in nc.actions.all()}
        assert nc.closed_at is not None and nc.closed_at.year == 2022
    (still_open,) = [nc for nc in ncs if nc.status != S.CLOSED]
    assert still_open.status == S.IN_PROGRESS
    assert still_open.unit.code == "SGDDT-TCCB"
    assert still_open.actions_open == 1 and still_open.actions_total == 2
    for nc in ncs:
        assert nc.source_key == "audits.finding"
        assert isinstance(nc.source, Finding) and nc.source.kind == Finding.Kind.NONCONFORMITY
        assert nc.raised_on.year == 2022
        assert nc.actions_open == nc.actions.filter(status="open").count()
        assert nc.actions_total == nc.actions.count()


def test_running_year_audit_reported_and_its_ncs_under_way(demo: Any) -> None:
    p = Programme.objects.get(agency=_agency(), year=TODAY.year)
    assert p.plan_task is not None and p.plan_task.plan.year == TODAY.year
    assert p.plan_task.number == 6 and p.action_task is not None
    (audit,) = p.audits.all()
    assert audit.status == Audit.Status.REPORTED
    assert p.plan_task.due_date is None or audit.end_date <= p.plan_task.due_date
    statuses = sorted(
        Nonconformity.objects.filter(agency=_agency(), year=TODAY.year).values_list(
            "status", flat=True
        )
    )
    assert statuses == [S.AWAITING_VERIFICATION, S.IN_PROGRESS]
    late = CorrectiveAction.objects.filter(
        nc__year=TODAY.year, status="open", due__lt=TODAY
    ).select_related("owner")
    assert [a.owner.username for a in late] == ["tp.tccb"]


def test_before_this_years_audit_the_programme_is_approved_and_the_plan_drafted(
    django_db_setup: Any, django_db_blocker: Any
) -> None:
    with django_db_blocker.unblock(), transaction.atomic():
        with time_machine.travel(datetime.datetime(2027, 6, 1, 7, tzinfo=HCM)):
            load_demo()
        p = Programme.objects.get(agency=_agency(), year=2027)
        assert p.status == Programme.Status.APPROVED
        assert p.plan_task is not None and p.plan_task.plan.year == 2027
        (audit,) = p.audits.all()
        assert audit.status == Audit.Status.PLANNED and audit.slots.exists()
        assert not Nonconformity.objects.filter(year=2027).exists()
        # The 2022 history is there whatever the day.
        assert Nonconformity.objects.filter(agency=_agency(), year=2022).count() == 3
        transaction.set_rollback(True)
