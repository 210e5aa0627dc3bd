"""The programme, the audit plan and the report as DOCX in NĐ 30 layout, reopened."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from docx import Document

from conftest import close_response, shared_org
from qms.audits import exports_programme as exports
from qms.audits import services_programme as svc
from qms.audits.models import Finding
from qms.audits.tests.test_programme_factories import (
    english,  # noqa: F401
    ready_audit,
)

org, personas = shared_org()
pytestmark = pytest.mark.django_db


def _text(doc) -> str:
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.extend(c.text for c in row.cells)
    return "\n".join(parts)


def _reported(org, personas):
    audit = ready_audit(org, personas)
    svc.settings_save(actor=personas["iso_office"], agency=org.agency, independence="warn")
    svc.team_member_add(
        actor=personas["iso_office"],
        audit=audit,
        user=personas["head_a"],
        role="observer",
        reason="Quan sát để học hỏi",
    )
    audit = svc.audit_send(actor=personas["iso_office"], audit=audit)
    audit = svc.audit_start(actor=personas["auditor"], audit=audit)
    for kind, sev, clause in [
        ("nonconformity", "minor", "7.5"),
        ("observation", "", "8.5"),
        ("conformity", "", "8.5"),
    ]:
        Finding.objects.create(
            audit=audit,
            agency=org.agency,
            unit=org.div_a,
            kind=kind,
            severity=sev,
            clause=clause,
            description="x",
            status="issued",
        )
    audit = svc.audit_finish(actor=personas["auditor"], audit=audit)
    svc.report_save(
        actor=personas["auditor"],
        audit=audit,
        data=svc.ReportInput(
            "Họp khai mạc lúc 8h00", "Họp kết thúc lúc 16h30", "Hệ thống phù hợp và được duy trì."
        ),
        loaded_version=None,
    )
    audit = svc.report_approve(actor=personas["auditor"], audit=audit)
    return svc.report_send(actor=personas["auditor"], audit=audit)


def test_programme_docx(org, personas, client_as):
    audit = ready_audit(org, personas)
    response = client_as("staff_a").get(
        reverse("audits:programme_export", args=[audit.programme_id, "docx"])
    )
    assert response.status_code == 200
    doc = Document(io.BytesIO(response.content))
    text = _text(doc)
    close_response(response)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text or "Độc lập – Tự do – Hạnh phúc" in text
    assert "SỞ GIÁO DỤC VÀ ĐÀO TẠO" in text
    assert "CHƯƠNG TRÌNH" in text and "năm 2026" in text
    assert "Đánh giá Phòng GDTrH" in text and "Phòng GDTrH" in text
    assert "Nơi nhận" in text
    rows = [[c.text for c in r.cells] for t in doc.tables for r in t.rows]
    assert any(r[0] == "1" and "Đánh giá Phòng GDTrH" in r[1] for r in rows)


def test_plan_docx_has_kh_number_team_slots_and_signature(org, personas):
    audit = _reported(org, personas)
    doc = Document(io.BytesIO(exports.build_official_docx(data=exports.plan_data(audit))))
    text = _text(doc)
    assert f"Số: {audit.issued_number.symbol}" in text
    assert "/KH-SGDĐT" in text
    assert "KẾ HOẠCH" in text
    assert "Trưởng đoàn" in text and "Quan sát để học hỏi" in text
    assert "08:00–11:30" in text
    assert "TRƯỞNG ĐOÀN ĐÁNH GIÁ" in text and personas["auditor"].display_name in text


def test_report_docx_tables_by_unit_and_clause(org, personas):
    audit = _reported(org, personas)
    doc = Document(io.BytesIO(exports.report_docx(audit)))
    text = _text(doc)
    assert "BÁO CÁO" in text
    assert "Họp khai mạc lúc 8h00" in text and "Hệ thống phù hợp và được duy trì." in text
    assert "Tổng số phát hiện: 3" in text
    by_unit = [[c.text for c in r.cells] for r in doc.tables[-2].rows]
    assert ["1", "Phòng GDTrH", "1", "1", "3"] in by_unit
    by_clause = [[c.text for c in r.cells] for r in doc.tables[-1].rows]
    assert by_clause[0][0] == "Điều khoản"
    assert any(r[0].startswith("8.5") and r[3] == "1" and r[5] == "1" for r in by_clause)
    assert personas["auditor"].display_name in text


def test_unknown_format_is_404(org, personas, client_as):
    audit = ready_audit(org, personas)
    assert (
        client_as("iso_office")
        .get(reverse("audits:plan_export", args=[audit.pk, "xlsx"]))
        .status_code
        == 404
    )


def test_pdf_falls_back_without_libreoffice(org, personas, client_as, monkeypatch):
    from qms.reports import responses

    monkeypatch.setattr(responses, "soffice_available", lambda: False)
    audit = ready_audit(org, personas)
    response = client_as("iso_office").get(reverse("audits:report_export", args=[audit.pk, "pdf"]))
    assert response.status_code == 302


@pytest.mark.skipif(
    not __import__("qms.reports.pdf", fromlist=["x"]).soffice_available(),
    reason="LibreOffice absent",
)
def test_report_as_pdf(org, personas, client_as):
    audit = _reported(org, personas)
    response = client_as("leader").get(reverse("audits:report_export", args=[audit.pk, "pdf"]))
    assert response.status_code == 200
    assert response.content[:5] == b"%PDF-"
    close_response(response)
