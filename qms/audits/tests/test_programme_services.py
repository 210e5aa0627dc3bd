"""Programme, audits, sending, report: each service step, refusal, log entry and outbox row."""

from __future__ import annotations

import datetime

import pytest

from conftest import shared_org
from qms.audits import services_programme as svc
from qms.audits.models import Audit, Finding, Programme
from qms.audits.services_programme import AuditError, StaleEdit
from qms.audits.tests.test_programme_factories import (
    YEAR,
    add_slot,
    english,  # noqa: F401
    make_audit,
    make_plan_tasks,
    make_programme,
    ready_audit,
)
from qms.audittrail.models import LogEntry
from qms.notifications.models import Notification

org, personas = shared_org()
pytestmark = pytest.mark.django_db


def _logged(action: str) -> LogEntry:
    entry = LogEntry.objects.filter(action=action).order_by("-pk").first()
    assert entry is not None, action
    return entry


def test_guess_plan_tasks_picks_tasks_6_and_7(org, personas):
    task6, task7 = make_plan_tasks(org, personas)
    tasks = svc.plan_tasks_for(org.agency, YEAR)
    assert svc.guess_plan_tasks(tasks) == (task6, task7)
    assert svc.default_dates(YEAR, task6) == (datetime.date(YEAR, 6, 1), datetime.date(YEAR, 7, 30))
    assert svc.default_dates(YEAR, None) == (datetime.date(YEAR, 1, 1), datetime.date(YEAR, 12, 31))


def test_programme_create_links_tasks_and_logs(org, personas):
    programme = make_programme(org, personas, tasks=True)
    assert programme.status == Programme.Status.DRAFT
    assert programme.plan_task.number == 6 and programme.action_task.number == 7
    assert programme.clauses == ["4.1", "7.5", "8.5"]
    entry = _logged("audits.programme.created")
    assert entry.actor == personas["iso_office"]


def test_programme_one_per_year(org, personas):
    make_programme(org, personas)
    with pytest.raises(AuditError, match="already has"):
        make_programme(org, personas)


def test_programme_create_refused_without_role_on_agency(org, personas):
    for name in ("head_a", "school_iso", "div_iso", "leader", "outsider"):
        with pytest.raises(AuditError):
            svc.programme_create(
                actor=personas[name],
                agency=org.agency,
                data=svc.ProgrammeInput(
                    year=YEAR,
                    title="X",
                    start=datetime.date(YEAR, 1, 1),
                    end=datetime.date(YEAR, 2, 1),
                ),
            )


def test_programme_update_stale_edit_refused(org, personas):
    programme = make_programme(org, personas)
    data = svc.ProgrammeInput(
        year=YEAR, title="Mới", start=programme.start, end=programme.end, clauses=["9.2"]
    )
    svc.programme_update(
        actor=personas["iso_office"], programme=programme, data=data, loaded_version=1
    )
    with pytest.raises(StaleEdit):
        svc.programme_update(
            actor=personas["iso_office"], programme=programme, data=data, loaded_version=1
        )
    entry = _logged("audits.programme.updated")
    assert entry.changes["title"] == [f"Chương trình đánh giá nội bộ năm {YEAR}", "Mới"]


def test_programme_approve_by_leader_only_and_notifies_office(org, personas):
    programme = make_programme(org, personas)
    with pytest.raises(AuditError):
        svc.programme_approve(actor=personas["school_leader"], programme=programme)
    programme = svc.programme_approve(actor=personas["leader"], programme=programme)
    assert (
        programme.status == Programme.Status.APPROVED
        and programme.approved_by == personas["leader"]
    )
    assert Notification.objects.filter(
        kind="audit_programme_approved", recipient=personas["iso_office"]
    ).exists()
    with pytest.raises(AuditError):
        svc.programme_approve(actor=personas["leader"], programme=programme)


def test_audit_dates_within_programme(org, personas):
    programme = make_programme(org, personas)
    with pytest.raises(AuditError, match="within the programme"):
        make_audit(org, personas, programme, day=datetime.date(YEAR, 9, 1))


def test_audit_units_of_the_agency_only(org, personas):
    programme = make_programme(org, personas)
    with pytest.raises(AuditError, match="another agency"):
        make_audit(org, personas, programme, units=[org.other_div])


def test_audits_numbered_in_sequence(org, personas):
    programme = make_programme(org, personas)
    a1 = make_audit(org, personas, programme)
    a2 = make_audit(org, personas, programme, units=[org.div_b])
    assert (a1.sequence, a2.sequence) == (1, 2)


def test_one_lead_auditor(org, personas):
    programme = make_programme(org, personas)
    audit = make_audit(org, personas, programme, units=[org.div_a])
    svc.team_member_add(
        actor=personas["iso_office"], audit=audit, user=personas["auditor"], role="lead"
    )
    with pytest.raises(AuditError, match="one lead"):
        svc.team_member_add(
            actor=personas["iso_office"], audit=audit, user=personas["leader"], role="lead"
        )
    audit.refresh_from_db()
    assert audit.lead_auditor == personas["auditor"]


def test_slot_within_audit_dates(org, personas):
    programme = make_programme(org, personas)
    audit = make_audit(org, personas, programme)
    with pytest.raises(AuditError, match="within the audit"):
        svc.slot_add(
            actor=personas["iso_office"],
            audit=audit,
            data=svc.SlotInput(
                date=datetime.date(YEAR, 6, 11),
                start_time=datetime.time(8),
                end_time=datetime.time(9),
                activity="X",
            ),
        )
    slot = add_slot(personas, audit)
    svc.slot_remove(actor=personas["iso_office"], slot=slot)
    assert not audit.slots.exists()
    assert _logged("audits.slot.removed").changes["activity"][0].startswith("Họp khai mạc")


def test_send_plan_takes_kh_number_and_notifies(org, personas):
    audit = ready_audit(org, personas)
    audit = svc.audit_send(actor=personas["iso_office"], audit=audit, on=datetime.date(YEAR, 6, 1))
    assert audit.status == Audit.Status.NOTIFIED
    assert audit.issued_number.symbol.endswith("/KH-SGDĐT")
    assert audit.issued_number.doc_type == "KH"
    assert Notification.objects.filter(
        kind="audit_plan_team", recipient=personas["auditor"]
    ).exists()
    assert Notification.objects.filter(
        kind="audit_plan_unit", recipient=personas["head_a"]
    ).exists()
    assert not Notification.objects.filter(
        kind="audit_plan_unit", recipient=personas["head_b"]
    ).exists()
    with pytest.raises(AuditError, match="already sent"):
        svc.audit_send(actor=personas["iso_office"], audit=audit)


def test_send_plan_needs_approved_programme_lead_and_slots(org, personas):
    programme = make_programme(org, personas)
    audit = make_audit(org, personas, programme)
    with pytest.raises(AuditError, match="approved by leadership"):
        svc.audit_send(actor=personas["iso_office"], audit=audit)
    svc.programme_approve(actor=personas["leader"], programme=programme)
    with pytest.raises(AuditError, match="lead auditor"):
        svc.audit_send(actor=personas["iso_office"], audit=audit)
    svc.team_member_add(
        actor=personas["iso_office"], audit=audit, user=personas["auditor"], role="lead"
    )
    with pytest.raises(AuditError, match="time slots"):
        svc.audit_send(actor=personas["iso_office"], audit=audit)


def _to_done(org, personas) -> Audit:
    audit = ready_audit(org, personas)
    audit = svc.audit_send(actor=personas["iso_office"], audit=audit)
    audit = svc.audit_start(actor=personas["auditor"], audit=audit)
    return svc.audit_finish(actor=personas["auditor"], audit=audit)


def test_report_approved_by_lead_only_then_sent_to_leadership(org, personas):
    audit = _to_done(org, personas)
    svc.report_save(
        actor=personas["auditor"],
        audit=audit,
        data=svc.ReportInput("Khai mạc 8h", "Kết thúc 16h", "Hệ thống phù hợp, có hiệu lực."),
        loaded_version=audit.version,
    )
    audit.refresh_from_db()
    with pytest.raises(AuditError, match="lead auditor"):
        svc.report_approve(actor=personas["iso_office"], audit=audit)
    with pytest.raises(AuditError, match="approves the report before"):
        svc.report_send(actor=personas["auditor"], audit=audit)
    audit = svc.report_approve(actor=personas["auditor"], audit=audit)
    audit = svc.report_send(actor=personas["auditor"], audit=audit)
    assert audit.status == Audit.Status.REPORTED and audit.report_sent_at
    assert Notification.objects.filter(
        kind="audit_report_sent", recipient=personas["leader"]
    ).exists()
    assert _logged("audits.report.sent").actor == personas["auditor"]


def test_report_needs_conclusions(org, personas):
    audit = _to_done(org, personas)
    with pytest.raises(AuditError, match="conclusions"):
        svc.report_approve(actor=personas["auditor"], audit=audit)


def test_report_written_by_team_only(org, personas):
    audit = _to_done(org, personas)
    with pytest.raises(AuditError, match="audit team"):
        svc.report_save(
            actor=personas["iso_office"],
            audit=audit,
            data=svc.ReportInput("", "", "x"),
            loaded_version=None,
        )


def test_programme_closes_once_every_audit_reported(org, personas):
    audit = _to_done(org, personas)
    programme = audit.programme
    with pytest.raises(AuditError, match="not reported"):
        svc.programme_close(actor=personas["iso_office"], programme=programme)
    Audit.objects.filter(pk=audit.pk).update(
        status="reported", report_approved_by=personas["auditor"]
    )
    programme = svc.programme_close(actor=personas["iso_office"], programme=programme)
    assert programme.status == Programme.Status.CLOSED


def test_findings_summary_by_unit_and_clause(org, personas):
    audit = _to_done(org, personas)
    for kind, severity, clause, unit in [
        ("nonconformity", "major", "7.5", org.div_a),
        ("nonconformity", "minor", "7.5", org.div_a),
        ("observation", "", "8.5", org.div_a),
        ("improvement", "", "", org.div_a),
    ]:
        Finding.objects.create(
            audit=audit,
            agency=org.agency,
            unit=unit,
            kind=kind,
            severity=severity,
            clause=clause,
            description="x",
            status="issued",
        )
    from qms.audits import selectors_programme as sel

    s = sel.findings_summary([audit.pk])
    assert s.total == 4
    assert s.by_unit[0][0] == "Phòng GDTrH" and s.by_unit[0][1]["nc_major"] == 1
    clause_rows = {label.split(" ")[0]: counts for label, counts, _t in s.by_clause}
    assert clause_rows["7.5"] == {"nc_major": 1, "nc_minor": 1}


def test_archive_not_delete(org, personas):
    programme = make_programme(org, personas)
    audit = make_audit(org, personas, programme)
    svc.audit_archive(actor=personas["iso_office"], audit=audit)
    svc.programme_archive(actor=personas["iso_office"], programme=programme)
    assert Programme.objects.filter(pk=programme.pk, archived_at__isnull=False).exists()
    assert Audit.objects.filter(pk=audit.pk, archived_at__isnull=False).exists()
    # archived: a new programme of the same year may be made
    make_programme(org, personas)


def test_plan_notification_reads_in_vietnamese(org, personas):
    audit = ready_audit(org, personas)
    svc.audit_send(actor=personas["iso_office"], audit=audit, on=datetime.date(YEAR, 6, 1))
    note = Notification.objects.get(
        kind="audit_plan_team", recipient=personas["auditor"], channel="in_app"
    )
    assert "Bạn là thành viên đoàn đánh giá" in note.subject
    assert "Trưởng đoàn" in note.body and "/KH-SGDĐT" in note.body
    assert "10/06/2026" in note.body
    unit = Notification.objects.filter(kind="audit_plan_unit", recipient=personas["head_a"]).first()
    assert unit is not None and "Đơn vị của bạn sẽ được đánh giá" in unit.subject


def test_only_the_team_starts_and_finishes(org, personas):
    audit = ready_audit(org, personas)
    audit = svc.audit_send(actor=personas["iso_office"], audit=audit)
    for name in ("iso_office", "head_a", "leader"):
        with pytest.raises(AuditError, match="audit team"):
            svc.audit_start(actor=personas[name], audit=audit)
    audit = svc.audit_start(actor=personas["auditor"], audit=audit)
    with pytest.raises(AuditError):
        svc.audit_start(actor=personas["auditor"], audit=audit)
    assert _logged("audits.audit.started").actor == personas["auditor"]
