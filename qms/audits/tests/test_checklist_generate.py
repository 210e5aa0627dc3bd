"""Checklist generation: clause library and bank, the steps and records of the audited
unit's procedures in force, copying the unit's last checklist; idempotent."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from conftest import build_personas, shared_org
from qms.audits import services_checklists as svc
from qms.audits.models import ChecklistItem, Finding, Question
from qms.audits.tests.checklist_support import (
    STEPS,
    add_lead,
    add_other_auditor,
    audit_make,
    procedure_in_force,
    record_to_keep,
)
from qms.audittrail.models import LogEntry
from qms.documents.models import Document

Origin = ChecklistItem.Origin


@pytest.fixture(scope="module")
def module_personas(module_org: Any, django_db_blocker: Any) -> dict[str, Any]:
    with django_db_blocker.unblock():
        personas = build_personas(module_org)
        add_lead(module_org, personas)
        add_other_auditor(module_org, personas)
        return personas


org, personas = shared_org()


def _questions(audit: Any, origin: str | None = None) -> list[str]:
    qs = ChecklistItem.objects.filter(audit=audit).order_by("position")
    if origin:
        qs = qs.filter(origin=origin)
    return list(qs.values_list("question", flat=True))


def test_procedure_steps_and_records_give_exactly_the_expected_questions(
    org: Any, personas: Any
) -> None:
    doc = procedure_in_force(org, personas)
    record_to_keep(org, doc)
    record_to_keep(org, doc, name="Quyết định chuyển trường", form_code="", retention_years=None)
    record_to_keep(
        org,
        doc,
        name="Phiếu thẩm định",
        form_code="BM.02",
        retention_years=None,
        retention_text="10 năm",
        location="Phòng GDTrH",
    )
    audit = audit_make(org, personas, clauses=[])

    result = svc.generate_checklist(audit=audit, actor=personas["lead"])

    assert _questions(audit, Origin.STEP) == [
        "Bước 1 — Tiếp nhận hồ sơ — Trách nhiệm: Bộ phận Một cửa — Thời gian: 0,5 ngày — "
        "Kết quả: Mẫu 01: có hồ sơ chứng minh?",
        "Bước 2 — Thẩm định hồ sơ — Trách nhiệm: Phòng GDTrH — Thời gian: 2 ngày: "
        "có hồ sơ chứng minh?",
        "Bước 3 — Ký, trả kết quả — Trách nhiệm: Lãnh đạo Sở: có hồ sơ chứng minh?",
    ]
    assert _questions(audit, Origin.RECORD) == [
        "Có lưu hồ sơ «Sổ theo dõi hồ sơ chuyển trường» (mẫu BM.01, lưu 05 năm)?",
        "Có lưu hồ sơ «Quyết định chuyển trường» (lưu vĩnh viễn)?",
        "Có lưu hồ sơ «Phiếu thẩm định» (mẫu BM.02, lưu 10 năm, tại Phòng GDTrH)?",
    ]
    items = list(ChecklistItem.objects.filter(audit=audit).order_by("position"))
    assert [i.position for i in items] == [1, 2, 3, 4, 5, 6]
    assert [i.step_no for i in items] == [1, 2, 3, None, None, None]
    assert {i.document_id for i in items} == {doc.pk}
    assert {i.unit_id for i in items} == {org.div_a.pk}
    assert result.added == 6 and result.kept == 0
    entry = LogEntry.objects.get(action="audits.checklist.generated")
    assert entry.actor == personas["lead"]


def test_clause_questions_come_with_the_banks_questions(org: Any, personas: Any) -> None:
    Question.objects.create(
        agency=org.agency, clause="7.5", text="Danh mục tài liệu nội bộ có cập nhật?"
    )
    Question.objects.create(agency=org.agency, clause="9.1", text="Không thuộc phạm vi")
    Question.objects.create(agency=org.other_agency, clause="7.5", text="Của cơ quan khác")
    gone = Question.objects.create(agency=org.agency, clause="7.5", text="Đã bỏ")
    gone.archived_at = gone.created_at
    gone.save()
    audit = audit_make(org, personas, clauses=["8.5", "7.5"])

    svc.generate_checklist(audit=audit, actor=personas["lead"])

    assert _questions(audit) == [
        "Điều khoản 7.5 «Thông tin dạng văn bản»: đơn vị đáp ứng thế nào, bằng chứng là gì?",
        "Danh mục tài liệu nội bộ có cập nhật?",
        "Điều khoản 8.5 «Sản xuất và cung cấp dịch vụ»: đơn vị đáp ứng thế nào, bằng chứng là gì?",
    ]
    assert list(ChecklistItem.objects.filter(audit=audit).values_list("origin", "clause")) == [
        (Origin.CLAUSE, "7.5"),
        (Origin.BANK, "7.5"),
        (Origin.CLAUSE, "8.5"),
    ]


def test_only_procedures_in_force_of_the_unit_or_named_by_the_audit(
    org: Any, personas: Any
) -> None:
    own = procedure_in_force(org, personas, code="QT-A")
    procedure_in_force(org, personas, code="QT-B", owner=org.div_b)  # another unit's
    draft = procedure_in_force(org, personas, code="QT-DRAFT")
    Document.objects.filter(pk=draft.pk).update(status=Document.Status.WITHDRAWN)
    audit = audit_make(org, personas, clauses=[])
    svc.generate_checklist(audit=audit, actor=personas["lead"])
    assert set(
        ChecklistItem.objects.filter(audit=audit).values_list("document__code", flat=True)
    ) == {"QT-A"}

    # Named procedures: the unit's own and a system procedure of a unit not audited.
    system = procedure_in_force(
        org,
        personas,
        code="QT.ISO.03",
        owner=org.iso,
        kind=Document.Kind.SYSTEM_PROCEDURE,
        steps=STEPS[:1],
    )
    audit2 = audit_make(org, personas, clauses=[], sequence=2)
    audit2.procedures.set([system, own])
    svc.generate_checklist(audit=audit2, actor=personas["lead"])
    codes = list(
        ChecklistItem.objects.filter(audit=audit2).values_list("document__code", flat=True)
    )
    assert codes == ["QT-A", "QT-A", "QT-A", "QT.ISO.03"]


def test_each_audited_unit_gets_its_own_questions(org: Any, personas: Any) -> None:
    procedure_in_force(org, personas, code="QT-A", steps=STEPS[:1])
    procedure_in_force(org, personas, code="QT-B", owner=org.div_b, steps=STEPS[1:2])
    audit = audit_make(org, personas, units=[org.div_a, org.div_b], clauses=["9.2"])
    svc.generate_checklist(audit=audit, actor=personas["lead"])
    rows = list(
        ChecklistItem.objects.filter(audit=audit)
        .order_by("position")
        .values_list("unit_id", "origin")
    )
    assert rows == [
        (org.div_a.pk, Origin.CLAUSE),
        (org.div_a.pk, Origin.STEP),
        (org.div_b.pk, Origin.CLAUSE),
        (org.div_b.pk, Origin.STEP),
    ]


def test_regenerating_does_not_duplicate_and_keeps_answers_and_positions(
    org: Any, personas: Any
) -> None:
    doc = procedure_in_force(org, personas)
    audit = audit_make(org, personas, clauses=["7.5"])
    svc.generate_checklist(audit=audit, actor=personas["lead"])
    first = list(ChecklistItem.objects.filter(audit=audit).order_by("position"))
    answered = first[2]
    svc.answer_item(
        actor=personas["auditor"], item=answered, answer="conform", note="Có sổ", version=1
    )
    custom = svc.item_add(
        actor=personas["lead"], audit=audit, unit=org.div_a, clause="", question="Câu riêng"
    )

    result = svc.generate_checklist(audit=audit, actor=personas["lead"])
    assert result.added == 0 and result.kept == 4 and result.removed == 0
    again = list(ChecklistItem.objects.filter(audit=audit).order_by("position"))
    assert [(i.pk, i.position) for i in again] == [(i.pk, i.position) for i in first] + [
        (custom.pk, 5)
    ]
    stored = ChecklistItem.objects.get(pk=answered.pk)
    assert (stored.answer, stored.note) == ("conform", "Có sổ")

    # The procedure gains a step and loses one: the new one is added after the last, the
    # unanswered gone one removed, the answered one kept.
    version = doc.current_version
    assert version is not None
    version.content = {"steps": [STEPS[0], {"action": "Lưu hồ sơ", "responsible": "Văn thư"}]}
    version.save()
    result = svc.generate_checklist(audit=audit, actor=personas["lead"])
    assert (result.added, result.removed) == (1, 1)
    positions = dict(ChecklistItem.objects.filter(audit=audit).values_list("question", "position"))
    assert positions[answered.question] == 3  # answered step 2, kept in its place
    assert positions["Bước 2 — Lưu hồ sơ — Trách nhiệm: Văn thư: có hồ sơ chứng minh?"] == 6
    assert positions["Câu riêng"] == 5


def test_copy_from_the_last_audit_of_the_unit_clears_answers(org: Any, personas: Any) -> None:
    procedure_in_force(org, personas, steps=STEPS[:2])
    old = audit_make(org, personas, clauses=["7.5"], year=2025, start=datetime.date(2025, 6, 2))
    svc.generate_checklist(audit=old, actor=personas["lead"])
    svc.item_add(
        actor=personas["lead"], audit=old, unit=org.div_a, clause="7.5", question="Câu năm trước"
    )
    for item in ChecklistItem.objects.filter(audit=old):
        svc.answer_item(
            actor=personas["lead"], item=item, answer="conform", note="ok", version=item.version
        )

    new = audit_make(org, personas, clauses=["9.2"], units=[org.div_a, org.div_b])
    result = svc.generate_checklist(audit=new, actor=personas["lead"], copy_last=True)

    assert result.copied_from == {org.div_a.pk: old}
    assert result.units_without_copy == [org.div_b]
    a_items = list(ChecklistItem.objects.filter(audit=new, unit=org.div_a).order_by("position"))
    assert [i.question for i in a_items] == _questions(old)
    assert {i.origin for i in a_items} == {Origin.COPIED}
    assert {(i.answer, i.note, i.answered_by_id) for i in a_items} == {("", "", None)}
    # Division B was never audited: it gets generated questions.
    assert set(
        ChecklistItem.objects.filter(audit=new, unit=org.div_b).values_list("origin", flat=True)
    ) == {Origin.CLAUSE}
    # Copying again adds nothing.
    assert svc.generate_checklist(audit=new, actor=personas["lead"], copy_last=True).added == 0


def test_custom_questions_added_and_edited_by_the_team(org: Any, personas: Any) -> None:
    audit = audit_make(org, personas, clauses=[])
    item = svc.item_add(
        actor=personas["auditor"], audit=audit, unit=org.div_a, clause="8.5", question="Có sổ?"
    )
    assert (item.origin, item.position, item.clause) == (Origin.CUSTOM, 1, "8.5")
    svc.item_update(actor=personas["auditor"], item=item, clause="7.5", question="Có sổ theo dõi?")
    item.refresh_from_db()
    assert (item.clause, item.question) == ("7.5", "Có sổ theo dõi?")
    with pytest.raises(svc.ChecklistError):
        svc.item_add(
            actor=personas["auditor"], audit=audit, unit=org.div_b, clause="", question="x"
        )
    with pytest.raises(svc.ChecklistError):
        svc.item_add(
            actor=personas["auditor"], audit=audit, unit=org.div_a, clause="99.9", question="x"
        )
    with pytest.raises(PermissionDenied):
        svc.item_add(
            actor=personas["auditor2"], audit=audit, unit=org.div_a, clause="", question="x"
        )


def test_generated_question_is_not_edited(org: Any, personas: Any) -> None:
    procedure_in_force(org, personas, steps=STEPS[:1])
    audit = audit_make(org, personas, clauses=[])
    svc.generate_checklist(audit=audit, actor=personas["lead"])
    item = ChecklistItem.objects.get(audit=audit)
    with pytest.raises(svc.ChecklistError):
        svc.item_update(actor=personas["lead"], item=item, clause="", question="Khác")


def test_who_may_generate(org: Any, personas: Any) -> None:
    audit = audit_make(org, personas, clauses=["7.5"])
    for name in ("auditor2", "head_a", "staff_a", "leader", "overseer", "school_iso", "outsider"):
        with pytest.raises(PermissionDenied):
            svc.generate_checklist(audit=audit, actor=personas[name])
    assert svc.generate_checklist(audit=audit, actor=personas["iso_office"]).added == 1


def test_a_reported_audit_is_closed(org: Any, personas: Any) -> None:
    audit = audit_make(org, personas, clauses=["7.5"])
    audit.status = audit.Status.REPORTED
    audit.report_approved_by = personas["lead"]
    audit.save()
    with pytest.raises(svc.ChecklistError):
        svc.generate_checklist(audit=audit, actor=personas["lead"])


def test_answered_or_evidenced_questions_are_never_removed(org: Any, personas: Any) -> None:
    doc = procedure_in_force(org, personas, steps=STEPS[:2])
    audit = audit_make(org, personas, clauses=[])
    svc.generate_checklist(audit=audit, actor=personas["lead"])
    first, second = ChecklistItem.objects.filter(audit=audit).order_by("position")
    svc.record_finding(
        actor=personas["lead"],
        audit=audit,
        checklist_item=first,
        data=svc.FindingData(unit=org.div_a, kind=Finding.Kind.OBSERVATION, description="Ghi nhận"),
    )
    svc.answer_item(actor=personas["lead"], item=second, answer="", note="Đang xem", version=1)
    version = doc.current_version
    assert version is not None
    version.content = {"steps": []}
    version.save()
    result = svc.generate_checklist(audit=audit, actor=personas["lead"])
    assert result.removed == 0
    assert ChecklistItem.objects.filter(audit=audit).count() == 2
