"""Issue 12, H1: roles held only on a school or a division do not change the Sở's plan.

Each attack is a real request by a persona whose role is held on a unit under the agency
(STYLE §3: read wide, change narrow); the answer is 403 and nothing changed: the plan's
status and tasks, the number register (counters and issued numbers), the audit trail.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conftest import fresh, shared_org
from qms.audittrail.models import LogEntry
from qms.core.models import IssuedNumber, NumberCounter
from qms.planning import services
from qms.planning.models import Plan, PlanTask, ProgressUpdate
from qms.planning.tests.factories import first_task, make_plan
from qms.reports.tests.test_docx_tables import word_appendix

pytestmark = pytest.mark.django_db
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
SUB_UNIT_PERSONAS = ["school_leader", "school_iso", "school_head", "div_iso"]


# One organisation and one set of plans per module; each attack runs in a savepoint.
org, personas = shared_org()


def _build_plans(org: Any, personas: Any) -> dict[str, Plan]:
    iso = personas["iso_office"]
    draft = make_plan(actor=iso, agency=org.agency, year=2024, lead=org.div_b)
    submitted = make_plan(actor=iso, agency=org.agency, year=2025, lead=org.div_b)
    services.plan_submit(actor=iso, plan=submitted)
    issued = make_plan(
        actor=iso,
        agency=org.agency,
        year=2023,
        lead=org.div_b,
        issued=True,
        approver=personas["leader"],
    )
    return {"draft": draft, "submitted": submitted, "issued": issued}


@pytest.fixture(scope="module")
def shared_plans(module_org: Any, module_personas: Any, django_db_blocker: Any) -> dict[str, Plan]:
    with django_db_blocker.unblock():
        return _build_plans(module_org, module_personas)


@pytest.fixture
def plans(db: None, shared_plans: dict[str, Plan]) -> dict[str, Plan]:
    return fresh(shared_plans)


def _state() -> dict[str, Any]:
    """Everything an attack on the plans could change."""
    return {
        "plans": sorted(Plan.objects.values_list("pk", "status", "number", "title", "year")),
        "tasks": sorted(PlanTask.objects.values_list("pk", "status", "content", "plan_id")),
        "counters": sorted(NumberCounter.objects.values_list("pk", "last")),
        "numbers": IssuedNumber.objects.count(),
        "log": LogEntry.objects.count(),
    }


def _url(name: str, plan: Plan) -> str:
    return reverse(name, kwargs={"pk": plan.pk})


def test_school_leader_cannot_approve_the_agency_plan(client_as, plans):
    submitted = plans["submitted"]
    before = _state()
    response = client_as("school_leader").post(
        _url("planning:plan_approve", submitted), {"issued_on": "07/02/2025"}
    )
    assert response.status_code == 403
    assert _state() == before
    submitted.refresh_from_db()
    assert submitted.status == Plan.Status.SUBMITTED
    assert submitted.number == ""


def test_agency_leader_still_approves_and_takes_the_number(client_as, plans):
    """The control: the same request by the Sở's leader issues the plan with a number."""
    before = _state()
    response = client_as("leader").post(
        _url("planning:plan_approve", plans["submitted"]), {"issued_on": "07/02/2025"}
    )
    assert response.status_code == 302
    plans["submitted"].refresh_from_db()
    assert plans["submitted"].status == Plan.Status.ISSUED
    assert IssuedNumber.objects.count() == before["numbers"] + 1


@pytest.mark.parametrize("persona", ["school_iso", "div_iso"])
def test_sub_unit_iso_officer_cannot_open_or_post_the_import(client_as, plans, persona):
    draft = plans["draft"]
    client = client_as(persona)
    before = _state()
    assert client.get(_url("planning:plan_import", draft)).status_code == 403
    upload = SimpleUploadedFile("ke-hoach.docx", word_appendix(), DOCX)
    assert client.post(_url("planning:plan_import", draft), {"file": upload}).status_code == 403
    assert client.post(_url("planning:plan_import_review", draft), {"t": "x"}).status_code == 403
    assert "plan_import" not in client.session
    assert _state() == before


def test_agency_iso_officer_imports_the_same_file(client_as, plans):
    """The control: the file of the attack is a valid import for the Sở's ISO officer."""
    upload = SimpleUploadedFile("ke-hoach.docx", word_appendix(), DOCX)
    response = client_as("iso_office").post(
        _url("planning:plan_import", plans["draft"]), {"file": upload}
    )
    assert response.status_code == 302
    assert "/import/review/?t=" in response["Location"]


TASK_DATA = {"number": "9", "content": "Nhiệm vụ chen ngang", "timing_text": "Trước 30/6/2024"}
ATTACKS = [
    ("planning:plan_edit", "draft", {"title": "Kế hoạch giả", "year": "2024"}),
    ("planning:plan_content_edit", "draft", {"basis": "Căn cứ giả"}),
    ("planning:plan_submit", "draft", {}),
    ("planning:task_create", "draft", TASK_DATA),
    ("planning:plan_return", "submitted", {"reason": "Trả lại"}),
    ("planning:plan_approve", "submitted", {"issued_on": "07/02/2025"}),
    ("planning:plan_close", "issued", {}),
    ("planning:plan_copy", "issued", {"year": "2030"}),
    ("planning:plan_import_cancel", "draft", {}),
]


@pytest.mark.parametrize("persona", SUB_UNIT_PERSONAS)
@pytest.mark.parametrize("name,target,data", ATTACKS, ids=[a[0] for a in ATTACKS])
def test_sub_unit_roles_change_nothing_in_the_agency_plan(
    client_as, plans, persona, name, target, data
):
    before = _state()
    response = client_as(persona).post(_url(name, plans[target]), data)
    assert response.status_code == 403, (persona, name)
    assert _state() == before


def test_task_changes_by_a_division_iso_officer_are_refused_even_where_it_leads(
    client_as, plans, personas
):
    """div_b leads every task: its ISO officer reports progress but does not confirm,
    reject, cancel or edit a task of the Sở's plan."""
    task = first_task(plans["issued"])
    services.task_post_progress(
        actor=personas["head_b"], task=task, percent=100, comment="Xong", report_done=True
    )
    client = client_as("div_iso")
    before = _state()
    for name in ["task_confirm", "task_reject", "task_cancel", "task_edit"]:
        url = reverse(f"planning:{name}", kwargs={"pk": task.pk})
        assert client.post(url, {"reason": "x", "content": "y"}).status_code == 403, name
    assert _state() == before
    progress = reverse("planning:task_progress", kwargs={"pk": task.pk})
    assert client.post(progress, {"percent": "100", "comment": "Đã rà soát"}).status_code == 302
    assert ProgressUpdate.objects.filter(task=task, author__username="div_iso").count() == 1


def test_school_head_cannot_report_progress_on_a_task_its_unit_does_not_lead(client_as, plans):
    task = first_task(plans["issued"])
    before = _state()
    url = reverse("planning:task_progress", kwargs={"pk": task.pk})
    assert client_as("school_head").post(url, {"percent": "50"}).status_code == 403
    assert _state() == before


def test_sub_unit_roles_still_read_the_agency_plan(client_as, plans):
    for persona in SUB_UNIT_PERSONAS:
        client = client_as(persona)
        assert client.get(_url("planning:plan_detail", plans["issued"])).status_code == 200
        assert client.get(_url("planning:task_list", plans["issued"])).status_code == 200


def test_sub_unit_roles_are_not_offered_plan_creation(client_as, plans):
    response = client_as("school_iso").get(reverse("planning:plan_list"))
    assert reverse("planning:plan_create") not in response.content.decode()
    assert client_as("school_iso").get(reverse("planning:plan_create")).status_code == 403


def test_only_those_who_may_approve_are_asked_to(plans, personas):
    """The submitted plan notifies the Sở's leader, not the school's (who would get 403)."""
    from qms.notifications.models import Notification
    from qms.planning.notifications import Kind

    asked = set(
        Notification.objects.filter(
            kind=Kind.PLAN_SUBMITTED, object_id=plans["submitted"].pk
        ).values_list("recipient__username", flat=True)
    )
    assert asked == {"leader"}
