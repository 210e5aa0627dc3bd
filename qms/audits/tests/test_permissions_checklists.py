"""Persona × route × status for every route of urls_checklists, and change attacks.

The audit audits division A; its team is ``lead`` (lead auditor) and ``auditor``; the
agency's readers (leadership, ISO committee, other auditors, the overseer) read the
working papers; division A's people see only the findings issued to them; roles held
only on a sub-unit (the school) or on another division change nothing here.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, reverse

from conftest import PERSONAS, build_personas, close_response, fresh, make_user, shared_org
from qms.accounts.models import Role
from qms.audits import services_checklists as svc
from qms.audits.models import AuditTeamMember, ChecklistItem, Evidence, Finding, Question
from qms.audits.tests.checklist_support import (
    add_lead,
    add_other_auditor,
    audit_make,
    png_upload,
)
from qms.audits.urls_checklists import urlpatterns

pytestmark = pytest.mark.django_db
ALL = [*PERSONAS, "lead", "auditor2", "anonymous"]
TEAM = ("lead", "auditor")
# Agency-wide readers of the working papers (checklist, drafts).
PAPERS = (
    "lead",
    "auditor",
    "auditor2",
    "leader",
    "iso_office",
    "overseer",
    "agency_admin",
    "sysadmin",
)
UNIT_A = ("head_a", "staff_a")


def table(
    ok: dict[str, int] | tuple[str, ...], code: int = 200, default: int = 403
) -> dict[str, int]:
    out = dict.fromkeys(ALL, default)
    out["outsider"] = 404
    out["anonymous"] = 302
    if isinstance(ok, dict):
        out.update(ok)
    else:
        out.update(dict.fromkeys(ok, code))
    return out


def bank(code: int) -> dict[str, int]:
    out = table({"iso_office": code})
    out["outsider"] = 403  # the bank is the user's own agency's: an outsider has none to manage
    return out


def bank_item(code: int) -> dict[str, int]:
    return table({"iso_office": code})


# (url name, method, target, expected)
MATRIX: list[tuple[str, str, str, dict[str, int]]] = [
    ("question_list", "get", "none", bank(200)),
    ("question_list", "post", "none", bank(302)),
    ("question_edit", "get", "question", bank_item(200)),
    ("question_edit", "post", "question", bank_item(302)),
    ("question_archive", "post", "question", bank_item(302)),
    ("checklist", "get", "audit", table(PAPERS)),
    ("checklist_generate", "post", "audit", table((*TEAM, "iso_office"), 302)),
    ("checklist_item_add", "get", "audit", table(TEAM)),
    ("checklist_item_add", "post", "audit", table(TEAM, 302)),
    ("checklist_export", "get", "audit_docx", table(PAPERS)),
    ("checklist_item_edit", "get", "custom_item", table(TEAM)),
    ("checklist_item_edit", "post", "custom_item", table(TEAM, 302)),
    ("checklist_answer", "post", "item", table(TEAM)),
    ("finding_list", "get", "audit", table((*PAPERS, *UNIT_A))),
    ("finding_create", "get", "audit", table(TEAM)),
    ("finding_create", "post", "audit", table(TEAM, 302)),
    ("findings_issue_all", "post", "audit", table({"lead": 302})),
    ("findings_xlsx", "get", "audit", table((*PAPERS, *UNIT_A))),
    ("finding_detail", "get", "draft", table(PAPERS)),
    ("finding_detail", "get", "issued", table((*PAPERS, *UNIT_A))),
    ("finding_edit", "get", "draft", table(TEAM)),
    ("finding_edit", "post", "draft", table(TEAM, 302)),
    ("finding_issue", "post", "draft", table({"lead": 302})),
    ("finding_acknowledge", "post", "issued", table({"head_a": 302})),
    ("finding_archive", "post", "draft", table(TEAM, 302)),
    ("evidence_download", "get", "item_evidence", table(PAPERS)),
    ("evidence_download", "get", "finding_evidence", table((*PAPERS, *UNIT_A))),
    ("evidence_archive", "post", "item_evidence", table(TEAM, 302)),
]


@pytest.fixture(scope="module")
def module_personas(module_org: Any, django_db_blocker: Any) -> dict[str, Any]:
    with django_db_blocker.unblock():
        personas = build_personas(module_org)
        add_lead(module_org, personas)
        add_other_auditor(module_org, personas)
        return personas


org, personas = shared_org()


def _build(org: Any, personas: dict[str, Any]) -> dict[str, Any]:
    audit = audit_make(org, personas, clauses=["7.5", "8.5"])
    svc.generate_checklist(audit=audit, actor=personas["lead"])
    item = ChecklistItem.objects.filter(audit=audit).order_by("position").first()
    assert item is not None
    svc.answer_item(
        actor=personas["lead"],
        item=item,
        answer="conform",
        note="",
        version=1,
        files=[png_upload()],
    )
    custom = svc.item_add(
        actor=personas["lead"], audit=audit, unit=org.div_a, clause="", question="Câu riêng"
    )
    data = svc.FindingData(
        unit=org.div_a,
        kind=Finding.Kind.NONCONFORMITY,
        severity="minor",
        clause="7.5",
        description="Thiếu sổ",
        evidence="Không xuất trình được sổ",
    )
    draft = svc.record_finding(actor=personas["lead"], audit=audit, data=data)
    issued = svc.record_finding(
        actor=personas["lead"], audit=audit, data=data, files=[png_upload("nc.png")]
    )
    svc.finding_issue(actor=personas["lead"], finding=issued)
    question = Question.objects.create(agency=org.agency, clause="7.5", text="Câu của Ban ISO")
    return {
        "audit": audit,
        "item": item,
        "custom_item": custom,
        "draft": draft,
        "issued": issued,
        "question": question,
        "item_evidence": Evidence.objects.get(checklist_item=item),
        "finding_evidence": Evidence.objects.get(finding=issued),
    }


@pytest.fixture(scope="module")
def shared_objects(module_org: Any, module_personas: Any, django_db_blocker: Any) -> dict[str, Any]:
    with django_db_blocker.unblock():
        return _build(module_org, module_personas)


@pytest.fixture
def objects(db: None, shared_objects: dict[str, Any]) -> dict[str, Any]:
    return fresh(shared_objects)


def _request(
    name: str, target: str, objects: dict[str, Any], org: Any
) -> tuple[str, dict[str, Any]]:
    full = f"audits:{name}"
    if target == "none":
        return reverse(full), {"clause": "7.5", "text": "Câu mới"}
    if target == "audit_docx":
        return reverse(full, args=[objects["audit"].pk, "docx"]), {}
    obj = objects[target]
    url = reverse(full, args=[obj.pk])
    data: dict[str, Any] = {}
    if name == "question_edit":
        data = {"clause": "8.5", "text": "Câu đã sửa"}
    elif name in {"checklist_item_add", "checklist_item_edit"}:
        data = {"unit": org.div_a.pk, "clause": "7.5", "question": "Câu khác"}
    elif name == "checklist_answer":
        data = {"answer": "nonconform", "note": "x", "version": obj.version}
    elif name in {"finding_create", "finding_edit"}:
        data = {
            "unit": org.div_a.pk,
            "kind": "observation",
            "description": "Ghi nhận",
            "version": getattr(obj, "version", ""),
        }
    elif name == "finding_acknowledge":
        data = {"comment": "Thống nhất"}
    return url, data


@pytest.mark.parametrize("persona", ALL)
@pytest.mark.parametrize(
    "name,method,target,expected", MATRIX, ids=[f"{m[0]}-{m[1]}-{m[2]}" for m in MATRIX]
)
def test_permission_matrix(
    personas: Any,
    org: Any,
    objects: Any,
    persona: str,
    name: str,
    method: str,
    target: str,
    expected: dict[str, int],
) -> None:
    client = Client()
    if persona != "anonymous":
        client.force_login(personas[persona])
    url, data = _request(name, target, objects, org)
    headers: dict[str, Any] = {"HTTP_HX_REQUEST": "true"} if name == "checklist_answer" else {}
    response = client.post(url, data, **headers) if method == "post" else client.get(url)
    close_response(response)
    assert response.status_code == expected[persona], (persona, name, target)


def test_every_route_is_in_the_matrix() -> None:
    names = {m[0] for m in MATRIX}
    routes = {p.name for p in urlpatterns if isinstance(p, URLPattern)}
    assert routes == names
    posted = {m[0] for m in MATRIX if m[1] == "post"}
    assert {"checklist_answer", "finding_issue", "finding_acknowledge"} <= posted


# --------------------------------------------------------------------------- attacks


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_an_auditor_holding_the_role_only_on_another_division_cannot_answer(
    objects: Any, org: Any, personas: Any
) -> None:
    """On the team, but an auditor of division B only: division A's questions are not theirs."""
    user = make_user("auditor_b", org.div_b, Role.AUDITOR, org.div_b)
    AuditTeamMember.objects.create(
        audit=objects["audit"], user=user, role=AuditTeamMember.Role.AUDITOR
    )
    item = objects["item"]
    response = client_for(user).post(
        reverse("audits:checklist_answer", args=[item.pk]),
        {"answer": "nonconform", "version": item.version},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 403
    item.refresh_from_db()
    assert item.answer == "conform"


def test_an_observer_on_the_team_reads_but_does_not_answer(
    objects: Any, org: Any, personas: Any
) -> None:
    AuditTeamMember.objects.create(
        audit=objects["audit"], user=personas["head_b"], role=AuditTeamMember.Role.OBSERVER
    )
    client = client_for(personas["head_b"])
    assert client.get(reverse("audits:checklist", args=[objects["audit"].pk])).status_code == 200
    item = objects["item"]
    response = client.post(
        reverse("audits:checklist_answer", args=[item.pk]),
        {"answer": "na", "version": item.version},
    )
    assert response.status_code == 403


def test_a_finding_cannot_name_a_unit_not_audited(objects: Any, org: Any, personas: Any) -> None:
    before = Finding.objects.count()
    response = client_for(personas["lead"]).post(
        reverse("audits:finding_create", args=[objects["audit"].pk]),
        {"unit": org.div_b.pk, "kind": "observation", "description": "x"},
    )
    assert response.status_code == 200  # the form refuses the choice
    assert Finding.objects.count() == before


def test_a_finding_cannot_name_another_agencys_procedure(
    objects: Any, org: Any, personas: Any
) -> None:
    from qms.documents.models import Document

    other = Document.objects.create(
        agency=org.other_agency,
        owner_unit=org.other_div,
        kind="work_procedure",
        code="QT-YT",
        title="x",
    )
    before = Finding.objects.count()
    response = client_for(personas["lead"]).post(
        reverse("audits:finding_create", args=[objects["audit"].pk]),
        {"unit": org.div_a.pk, "kind": "observation", "description": "x", "document": other.pk},
    )
    assert response.status_code == 200
    assert Finding.objects.count() == before


def test_a_checklist_item_of_another_audit_cannot_prefill_a_finding(
    objects: Any, org: Any, personas: Any
) -> None:
    other = audit_make(org, personas, clauses=["9.2"], sequence=2)
    svc.generate_checklist(audit=other, actor=personas["lead"])
    foreign = ChecklistItem.objects.get(audit=other)
    response = client_for(personas["lead"]).get(
        reverse("audits:finding_create", args=[objects["audit"].pk]), {"item": foreign.pk}
    )
    assert response.status_code == 404


def test_an_issued_finding_is_not_edited_by_post(objects: Any, org: Any, personas: Any) -> None:
    issued = objects["issued"]
    response = client_for(personas["lead"]).post(
        reverse("audits:finding_edit", args=[issued.pk]),
        {
            "unit": org.div_a.pk,
            "kind": "observation",
            "description": "Đổi",
            "version": issued.version,
        },
    )
    assert response.status_code == 302
    issued.refresh_from_db()
    assert issued.kind == Finding.Kind.NONCONFORMITY and issued.description == "Thiếu sổ"


def test_a_tampered_version_is_a_conflict(objects: Any, personas: Any) -> None:
    item = objects["item"]
    response = client_for(personas["lead"]).post(
        reverse("audits:checklist_answer", args=[item.pk]),
        {"answer": "nonconform", "version": item.version + 5},
        HTTP_HX_REQUEST="true",
    )
    assert response["X-Checklist-Conflict"] == "1"
    item.refresh_from_db()
    assert item.answer == "conform"


def test_a_reported_audit_takes_no_answer(objects: Any, personas: Any) -> None:
    audit = objects["audit"]
    audit.status = audit.Status.REPORTED
    audit.report_approved_by = personas["lead"]
    audit.save()
    item = objects["item"]
    response = client_for(personas["lead"]).post(
        reverse("audits:checklist_answer", args=[item.pk]),
        {"answer": "nonconform", "version": item.version},
        HTTP_HX_REQUEST="true",
    )
    assert 'data-testid="card-error"' in response.content.decode()
    item.refresh_from_db()
    assert item.answer == "conform"


def test_export_format_other_than_docx_pdf_is_404(objects: Any, personas: Any) -> None:
    response = client_for(personas["lead"]).get(
        reverse("audits:checklist_export", args=[objects["audit"].pk, "xlsx"])
    )
    assert response.status_code == 404


def test_wrong_methods_are_refused(objects: Any, personas: Any) -> None:
    client = client_for(personas["lead"])
    assert (
        client.get(reverse("audits:checklist_answer", args=[objects["item"].pk])).status_code == 405
    )
    assert (
        client.get(reverse("audits:finding_issue", args=[objects["draft"].pk])).status_code == 405
    )
    assert client.post(reverse("audits:checklist", args=[objects["audit"].pk])).status_code == 405
