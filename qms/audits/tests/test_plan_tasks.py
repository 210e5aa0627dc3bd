"""Tasks 6 and 7 of the yearly plan: live audit progress, live NC counts, and reminders of
task 7 only to lead units with open NCs (under a controlled clock)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import shared_org
from qms.audits import panels_programme
from qms.audits import selectors_programme as sel
from qms.audits.models import Audit, Finding
from qms.audits.tests.test_programme_factories import (
    YEAR,
    english,  # noqa: F401
    make_audit,
    make_programme,
)
from qms.nonconformities.models import Nonconformity
from qms.notifications.models import Notification
from qms.planning.reminders import compute_task_reminders, leads_done
from qms.planning.tests.conftest import at

org, personas = shared_org()
pytestmark = pytest.mark.django_db


def _finding(audit: Audit, unit: Any, n: int) -> Finding:
    return Finding.objects.create(
        audit=audit,
        agency=audit.agency,
        unit=unit,
        kind="nonconformity",
        severity="minor",
        clause="7.5",
        description=f"Phát hiện {n}",
        status="issued",
    )


def _nc(finding: Finding, status: str, n: int) -> Nonconformity:
    extra: dict[str, Any] = {}
    if status != "open":
        extra = {"root_cause": "Chưa cập nhật", "actions_total": 1, "actions_open": 0}
    if status == "closed":
        extra |= {"verified_by": personas_cache["leader"], "closed_at": timezone.now()}
    return Nonconformity.objects.create(
        agency=finding.agency,
        year=YEAR,
        serial=n,
        number=f"{n:02d}/NC",
        source_key="audits.finding",
        source_id=finding.pk,
        title=finding.description,
        description=finding.description,
        unit=finding.unit,
        status=status,
        raised_on=datetime.date(YEAR, 6, 20),
        **extra,
    )


personas_cache: dict[str, Any] = {}


@pytest.fixture
def programme(org, personas):
    personas_cache.update(personas)
    programme = make_programme(org, personas, tasks=True, approve=True)
    programme.action_task.lead_units.set([org.div_a, org.div_b])
    return programme


def test_task_6_shows_audits_planned_done_reported(org, personas, programme, client_as):
    a1 = make_audit(org, personas, programme)
    a2 = make_audit(org, personas, programme, units=[org.div_b])
    make_audit(org, personas, programme, units=[org.office])
    Audit.objects.filter(pk=a1.pk).update(status="done")
    Audit.objects.filter(pk=a2.pk).update(status="reported", report_approved_by=personas["auditor"])
    progress = sel.task_progress([programme.plan_task_id])[programme.plan_task_id]
    assert (progress.planned, progress.done, progress.reported, progress.total) == (1, 1, 1, 3)
    page = client_as("head_a").get(reverse("planning:task_detail", args=[programme.plan_task_id]))
    html = page.content.decode()
    assert 'id="audit-task-panel"' in html
    assert '<strong class="n-reported">1</strong>' in html


def test_task_7_counts_ncs_open_awaiting_closed(org, personas, programme, client_as):
    audit = make_audit(org, personas, programme)
    statuses = ["open", "in_progress", "awaiting_verification", "closed", "closed"]
    for n, status in enumerate(statuses, 1):
        _nc(_finding(audit, org.div_a, n), status, n)
    # An NC from another source with the same id does not count.
    Nonconformity.objects.create(
        agency=org.agency,
        year=YEAR,
        serial=99,
        number="99/NC",
        source_key="planning.task",
        source_id=Finding.objects.first().pk,
        title="x",
        description="x",
        unit=org.div_a,
        raised_on=datetime.date(YEAR, 6, 1),
    )
    counts = sel.action_task_counts([programme.action_task_id])[programme.action_task_id]
    assert (counts.open, counts.awaiting, counts.closed) == (2, 1, 2)
    page = client_as("iso_office").get(
        reverse("planning:task_detail", args=[programme.action_task_id])
    )
    html = page.content.decode()
    assert '<strong class="n-open">2</strong>' in html
    assert '<strong class="n-awaiting">1</strong>' in html
    assert '<strong class="n-closed">2</strong>' in html


def test_task_rows_read_in_fixed_queries(org, personas, programme, rf):
    audit = make_audit(org, personas, programme)
    _nc(_finding(audit, org.div_a, 1), "open", 1)
    tasks = list(programme.plan_task.plan.tasks.all())
    request = rf.get("/")
    request.user = personas["iso_office"]
    with CaptureQueriesContext(connection) as ctx:
        rows = panels_programme.task_rows(request, programme.plan_task.plan, tasks)
    assert rows[programme.plan_task_id]["progress"].planned == 1
    assert rows[programme.action_task_id]["ncs"].open == 1
    assert len(ctx.captured_queries) <= 6  # two for task 6, four for task 7


def test_leads_done_only_units_without_open_ncs(org, personas, programme):
    audit = make_audit(org, personas, programme)
    _nc(_finding(audit, org.div_a, 1), "open", 1)
    _nc(_finding(audit, org.div_b, 2), "awaiting_verification", 2)
    assert sel.action_task_leads_done([programme.action_task_id]) == {
        programme.action_task_id: {org.div_b.pk}
    }
    # Registered with planning: the plan's reminders see it.
    assert leads_done([programme.action_task_id])[programme.action_task_id] == {org.div_b.pk}


def test_reminders_of_task_7_chase_only_units_with_open_ncs(org, personas, programme):
    """Controlled clock: task 7 is due 15/9; on 8/9 (7 days before) only division A, which
    has an open NC, is reminded; division B, whose NC awaits verification, is not."""
    audit = make_audit(org, personas, programme)
    _nc(_finding(audit, org.div_a, 1), "open", 1)
    _nc(_finding(audit, org.div_b, 2), "awaiting_verification", 2)
    Notification.objects.all().delete()
    now = at(f"{YEAR}-09-08")
    with time_machine.travel(now, tick=False):
        compute_task_reminders(now)
    task_id = str(programme.action_task_id)
    reminded = set(
        Notification.objects.filter(object_id=task_id).values_list("recipient__username", flat=True)
    )
    assert "staff_a" in reminded
    assert "staff_b" not in reminded and "head_b" not in reminded


def test_no_reminder_of_task_7_once_no_nc_is_open(org, personas, programme):
    audit = make_audit(org, personas, programme)
    _nc(_finding(audit, org.div_a, 1), "closed", 1)
    Notification.objects.all().delete()
    now = at(f"{YEAR}-09-08")
    with time_machine.travel(now, tick=False):
        compute_task_reminders(now)
    assert not Notification.objects.filter(object_id=str(programme.action_task_id)).exists()


def test_unit_owning_an_open_action_is_chased_too(org, personas, programme):
    from qms.nonconformities.models import CorrectiveAction

    audit = make_audit(org, personas, programme)
    nc = _nc(_finding(audit, org.div_a, 1), "in_progress", 1)
    Nonconformity.objects.filter(pk=nc.pk).update(actions_open=1)
    CorrectiveAction.objects.create(
        nc=nc,
        description="Cập nhật sổ theo dõi",
        owner=personas["head_b"],
        unit=org.div_b,
        due=datetime.date(YEAR, 9, 1),
    )
    assert sel.action_task_leads_done([programme.action_task_id]) == {
        programme.action_task_id: set()
    }


def test_programme_page_summarises_findings(org, personas, programme, client_as):
    audit = make_audit(org, personas, programme)
    _finding(audit, org.div_a, 1)
    html = client_as("iso_office").get(reverse("audits:programme_detail", args=[programme.pk]))
    assert 'id="programme-summary"' in html.content.decode()
    assert "Phòng GDTrH" in html.content.decode()
