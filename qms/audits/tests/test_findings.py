"""Findings: recorded as the team's drafts (from an answer or directly), issued by the
lead auditor (a nonconformity raises its NC record), seen by their own unit only once
issued, acknowledged by the unit's head."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from conftest import build_personas, shared_org
from qms.audits import checklist_panels
from qms.audits import services_checklists as svc
from qms.audits.models import ChecklistItem, Evidence, Finding
from qms.audits.tests.checklist_support import (
    add_lead,
    add_other_auditor,
    audit_make,
    png_upload,
    procedure_in_force,
)
from qms.audittrail.models import LogEntry
from qms.nonconformities.models import Nonconformity
from qms.nonconformities.selectors import ncs_for_sources

K = Finding.Kind


@pytest.fixture(scope="module")
def module_personas(module_org: Any, django_db_blocker: Any) -> dict[str, Any]:
    with django_db_blocker.unblock():
        personas = build_personas(module_org)
        add_lead(module_org, personas)
        add_other_auditor(module_org, personas)
        return personas


org, personas = shared_org()


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def audit(org: Any, personas: Any) -> Any:
    audit = audit_make(org, personas, units=[org.div_a, org.div_b], clauses=["7.5"])
    svc.generate_checklist(audit=audit, actor=personas["lead"])
    return audit


def nc_data(org: Any, **kw: Any) -> svc.FindingData:
    data: dict[str, Any] = {
        "unit": org.div_a,
        "kind": K.NONCONFORMITY,
        "severity": "minor",
        "clause": "7.5",
        "description": "Danh mục tài liệu nội bộ chưa cập nhật QT-GDTRH-01 lần ban hành 02",
        "evidence": "Danh mục ngày 02/01/2026 còn ghi lần ban hành 01",
    }
    data.update(kw)
    return svc.FindingData(**data)


def test_every_kind_is_recorded_as_a_draft(audit: Any, personas: Any, org: Any) -> None:
    for kind in (K.CONFORMITY, K.OBSERVATION, K.IMPROVEMENT):
        f = svc.record_finding(
            actor=personas["auditor"],
            audit=audit,
            data=svc.FindingData(unit=org.div_b, kind=kind, description="Ghi nhận", clause="7.5"),
        )
        assert (f.status, f.severity, f.agency) == (Finding.Status.DRAFT, "", org.agency)
    major = svc.record_finding(
        actor=personas["auditor"], audit=audit, data=nc_data(org, severity="major")
    )
    assert major.severity == "major"
    assert LogEntry.objects.filter(action="audits.finding.recorded").count() == 4


def test_a_nonconformity_needs_severity_clause_and_evidence(
    audit: Any, personas: Any, org: Any
) -> None:
    for bad in (
        {"severity": ""},
        {"clause": ""},
        {"evidence": ""},
        {"clause": "12.1"},
        {"description": " "},
    ):
        with pytest.raises(svc.ChecklistError):
            svc.record_finding(actor=personas["lead"], audit=audit, data=nc_data(org, **bad))
    # A severity on another kind is dropped, not stored.
    f = svc.record_finding(
        actor=personas["lead"],
        audit=audit,
        data=svc.FindingData(unit=org.div_a, kind=K.OBSERVATION, severity="major", description="x"),
    )
    assert f.severity == ""


def test_finding_form_from_a_checklist_answer_is_prefilled(
    audit: Any, personas: Any, org: Any
) -> None:
    doc = procedure_in_force(org, personas)
    item = svc.item_add(
        actor=personas["lead"],
        audit=audit,
        unit=org.div_a,
        clause="8.5",
        question="Có sổ?",
        document=doc,
    )
    svc.answer_item(
        actor=personas["lead"], item=item, answer="nonconform", note="Không có sổ", version=1
    )
    client = client_for(personas["lead"])
    url = reverse("audits:finding_create", args=[audit.pk])
    page = client.get(url, {"item": item.pk}).content.decode()
    assert "Không có sổ" in page and 'value="8.5" selected' in page
    response = client.post(
        url,
        {
            "item": item.pk,
            "unit": org.div_a.pk,
            "kind": "nonconformity",
            "severity": "minor",
            "clause": "8.5",
            "document": doc.pk,
            "description": "Không có sổ theo dõi",
            "evidence": "Không có sổ",
            "attachments": [png_upload()],
        },
    )
    assert response.status_code == 302
    finding = Finding.objects.get()
    assert (finding.checklist_item, finding.document, finding.unit) == (item, doc, org.div_a)
    assert Evidence.objects.get().finding == finding
    # Invalid: the input is kept.
    again = client.post(
        url, {"unit": org.div_a.pk, "kind": "nonconformity", "description": "Giữ lại"}
    )
    assert again.status_code == 200
    assert "Giữ lại" in again.content.decode()


def test_issuing_a_nonconformity_raises_its_nc_record(audit: Any, personas: Any, org: Any) -> None:
    finding = svc.record_finding(actor=personas["auditor"], audit=audit, data=nc_data(org))
    assert not ncs_for_sources("audits.finding", [finding.pk]).get(finding.pk)
    with pytest.raises(PermissionDenied):
        svc.finding_issue(actor=personas["auditor"], finding=finding)  # not the lead
    svc.finding_issue(actor=personas["lead"], finding=finding)
    finding.refresh_from_db()
    assert finding.status == Finding.Status.ISSUED
    nc = Nonconformity.objects.get()
    assert (nc.unit, nc.clause, nc.severity, nc.source_key, nc.source_id) == (
        org.div_a,
        "7.5",
        "minor",
        "audits.finding",
        finding.pk,
    )
    assert nc.source_label.startswith("Phát hiện số 1 — ")
    assert "Bằng chứng khách quan: Danh mục ngày 02/01/2026" in nc.description
    # The finding's page links to it.
    page = client_for(personas["lead"]).get(reverse("audits:finding_detail", args=[finding.pk]))
    assert reverse("nonconformities:detail", args=[nc.pk]) in page.content.decode()
    assert nc.number in page.content.decode()
    with pytest.raises(svc.ChecklistError):
        svc.finding_issue(actor=personas["lead"], finding=finding)


def test_issuing_an_observation_raises_no_nc(audit: Any, personas: Any, org: Any) -> None:
    f = svc.record_finding(
        actor=personas["lead"],
        audit=audit,
        data=svc.FindingData(unit=org.div_a, kind=K.OBSERVATION, description="x"),
    )
    svc.finding_issue(actor=personas["lead"], finding=f)
    assert not Nonconformity.objects.exists()


def test_issue_all_drafts(audit: Any, personas: Any, org: Any) -> None:
    svc.record_finding(actor=personas["lead"], audit=audit, data=nc_data(org))
    svc.record_finding(
        actor=personas["lead"], audit=audit, data=nc_data(org, unit=org.div_b, severity="major")
    )
    response = client_for(personas["lead"]).post(
        reverse("audits:findings_issue_all", args=[audit.pk])
    )
    assert response.status_code == 302
    assert set(Finding.objects.values_list("status", flat=True)) == {Finding.Status.ISSUED}
    assert Nonconformity.objects.count() == 2
    assert set(Nonconformity.objects.values_list("severity", flat=True)) == {"major", "minor"}


def test_the_unit_sees_its_issued_findings_only(audit: Any, personas: Any, org: Any) -> None:
    draft_a = svc.record_finding(
        actor=personas["lead"], audit=audit, data=nc_data(org, description="Nháp A")
    )
    issued_a = svc.record_finding(
        actor=personas["lead"], audit=audit, data=nc_data(org, description="Gửi A")
    )
    issued_b = svc.record_finding(
        actor=personas["lead"], audit=audit, data=nc_data(org, unit=org.div_b, description="Gửi B")
    )
    svc.finding_issue(actor=personas["lead"], finding=issued_a)
    svc.finding_issue(actor=personas["lead"], finding=issued_b)

    head_a = client_for(personas["head_a"])
    page = head_a.get(reverse("audits:finding_list", args=[audit.pk])).content.decode()
    assert "Gửi A" in page and "Nháp A" not in page and "Gửi B" not in page
    assert head_a.get(reverse("audits:finding_detail", args=[issued_a.pk])).status_code == 200
    assert head_a.get(reverse("audits:finding_detail", args=[draft_a.pk])).status_code == 403
    assert head_a.get(reverse("audits:finding_detail", args=[issued_b.pk])).status_code == 403
    assert head_a.get(reverse("audits:checklist", args=[audit.pk])).status_code == 403

    # The audit page's block: the same rule.
    class R:
        user = personas["head_a"]

    block = checklist_panels.audit_block(R(), audit)  # type: ignore[arg-type]
    assert block is not None and not block["papers"]
    shown = [row["f"].description for g in block["by_kind"] for row in g["rows"]]
    assert shown == ["Gửi A"]
    R.user = personas["lead"]
    team = checklist_panels.audit_block(R(), audit)  # type: ignore[arg-type]
    assert (
        team is not None and team["papers"] and team["drafts"] == 1 and team["findings_total"] == 3
    )
    assert team["total"] == 2  # two clause questions (one per unit)
    R.user = personas["school_head"]
    assert checklist_panels.audit_block(R(), audit) is None  # type: ignore[arg-type]


def test_acknowledgement_by_the_unit_head(audit: Any, personas: Any, org: Any) -> None:
    f = svc.record_finding(actor=personas["lead"], audit=audit, data=nc_data(org))
    with pytest.raises(svc.ChecklistError):
        svc.finding_acknowledge(actor=personas["head_a"], finding=f, comment="")  # still a draft
    svc.finding_issue(actor=personas["lead"], finding=f)
    for name in ("head_b", "staff_a", "lead", "school_head", "leader"):
        with pytest.raises(PermissionDenied):
            svc.finding_acknowledge(actor=personas[name], finding=f, comment="")
    client = client_for(personas["head_a"])
    page = client.get(reverse("audits:finding_detail", args=[f.pk])).content.decode()
    assert "btn-acknowledge" in page
    response = client.post(
        reverse("audits:finding_acknowledge", args=[f.pk]), {"comment": "Thống nhất, sẽ khắc phục"}
    )
    assert response.status_code == 302
    f.refresh_from_db()
    assert (f.status, f.acknowledged_by, f.auditee_comment) == (
        Finding.Status.ACKNOWLEDGED,
        personas["head_a"],
        "Thống nhất, sẽ khắc phục",
    )
    assert LogEntry.objects.filter(action="audits.finding.acknowledged").exists()
    from qms.notifications.models import Channel, Notification

    told = Notification.objects.get(kind="audit_finding_acknowledged", channel=Channel.IN_APP)
    assert told.recipient == personas["lead"]


def test_a_draft_is_edited_with_its_version_and_withdrawn(
    audit: Any, personas: Any, org: Any
) -> None:
    f = svc.record_finding(actor=personas["lead"], audit=audit, data=nc_data(org))
    svc.finding_update(
        actor=personas["auditor"], finding=f, data=nc_data(org, severity="major"), version=1
    )
    with pytest.raises(svc.ChecklistError):
        svc.finding_update(actor=personas["lead"], finding=f, data=nc_data(org), version=1)  # stale
    f.refresh_from_db()
    assert f.severity == "major"
    client = client_for(personas["lead"])
    edit = client.get(reverse("audits:finding_edit", args=[f.pk]))
    assert edit.status_code == 200
    client.post(reverse("audits:finding_archive", args=[f.pk]))
    f.refresh_from_db()
    assert f.archived_at is not None
    assert client.get(reverse("audits:finding_detail", args=[f.pk])).status_code == 404


def test_findings_list_query_count_is_flat(
    audit: Any, personas: Any, org: Any, django_assert_max_num_queries: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def add(n: int) -> None:
        for i in range(n):
            f = svc.record_finding(
                actor=personas["lead"], audit=audit, data=nc_data(org, description=f"Phát hiện {i}")
            )
            svc.finding_issue(actor=personas["lead"], finding=f)

    add(3)
    client = client_for(personas["lead"])
    url = reverse("audits:finding_list", args=[audit.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    add(20)
    with django_assert_max_num_queries(len(few)):
        response = client.get(url)
    assert response.content.decode().count("audits/findings/") >= 23
    # and the finding page
    f = Finding.objects.first()
    assert f is not None
    with django_assert_max_num_queries(25):
        assert client.get(reverse("audits:finding_detail", args=[f.pk])).status_code == 200


def test_checklist_item_of_another_audit_is_refused(audit: Any, personas: Any, org: Any) -> None:
    other = audit_make(org, personas, clauses=["7.5"], sequence=2)
    svc.generate_checklist(audit=other, actor=personas["lead"])
    foreign = ChecklistItem.objects.filter(audit=other).first()
    with pytest.raises(svc.ChecklistError):
        svc.record_finding(
            actor=personas["lead"], audit=audit, data=nc_data(org), checklist_item=foreign
        )


def test_the_unit_head_is_told_of_issued_findings_never_of_drafts(
    audit: Any, personas: Any, org: Any
) -> None:
    from qms.notifications.models import Channel, Notification

    f = svc.record_finding(actor=personas["lead"], audit=audit, data=nc_data(org))
    assert not Notification.objects.filter(kind="audit_findings_issued").exists()
    svc.finding_issue(actor=personas["lead"], finding=f)
    told = Notification.objects.filter(kind="audit_findings_issued", channel=Channel.IN_APP)
    assert set(told.values_list("recipient_id", flat=True)) == {personas["head_a"].pk}
    # The batch: one message per unit.
    svc.record_finding(actor=personas["lead"], audit=audit, data=nc_data(org, description="Một"))
    svc.record_finding(actor=personas["lead"], audit=audit, data=nc_data(org, description="Hai"))
    svc.record_finding(
        actor=personas["lead"], audit=audit, data=nc_data(org, unit=org.div_b, description="Ba")
    )
    assert svc.findings_issue(actor=personas["lead"], audit=audit) == 3
    assert told.count() == 3  # the first one, then one for A and one for B
    assert told.filter(recipient=personas["head_b"]).count() == 1
