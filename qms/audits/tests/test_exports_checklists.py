"""The checklist as DOCX (NĐ 30 header, Bảng kiểm tra, two signatures) and the findings as
XLSX, re-opened."""

from __future__ import annotations

import io
from typing import Any

import docx
import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from conftest import build_personas, close_response, shared_org
from qms.audits import exports_checklists
from qms.audits import services_checklists as svc
from qms.audits.models import ChecklistItem, Finding
from qms.audits.tests.checklist_support import (
    add_lead,
    audit_make,
    png_upload,
    procedure_in_force,
)


@pytest.fixture(scope="module")
def module_personas(module_org: Any, django_db_blocker: Any) -> dict[str, Any]:
    with django_db_blocker.unblock():
        personas = build_personas(module_org)
        add_lead(module_org, personas)
        return personas


org, personas = shared_org()


@pytest.fixture
def audit(org: Any, personas: Any) -> Any:
    procedure_in_force(org, personas)
    audit = audit_make(org, personas, clauses=["7.5"])
    audit.auditees.set([personas["head_a"]])
    svc.generate_checklist(audit=audit, actor=personas["lead"])
    items = list(ChecklistItem.objects.filter(audit=audit).order_by("position"))
    svc.answer_item(
        actor=personas["lead"], item=items[0], answer="conform", note="Có danh mục", version=1
    )
    svc.answer_item(
        actor=personas["lead"],
        item=items[2],
        answer="nonconform",
        note="Thiếu chữ ký",
        version=1,
        files=[png_upload()],
    )
    return audit


def _text(document: Any) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts += [c.text for c in row.cells]
    return "\n".join(parts)


def test_checklist_docx_has_the_header_the_table_and_two_signatures(
    audit: Any, org: Any, personas: Any
) -> None:
    data = exports_checklists.checklist_docx(audit, unit=org.div_a)
    document = docx.Document(io.BytesIO(data))
    text = _text(document)
    assert "UBND TỈNH HƯNG YÊN" in text
    assert "SỞ GIÁO DỤC VÀ ĐÀO TẠO" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "PHIẾU KIỂM TRA ĐÁNH GIÁ NỘI BỘ" in text
    assert "Hưng Yên, ngày 01 tháng 6 năm 2026" in text
    assert "Số:" not in text  # a working record, not a numbered document
    assert "Đơn vị được đánh giá: Phòng Giáo dục Trung học" in text
    assert "7.5 Thông tin dạng văn bản" in text
    header, table, signature = document.tables[0], document.tables[1], document.tables[2]
    assert "CỘNG HÒA" in header.rows[0].cells[-1].text
    assert [c.text for c in table.rows[0].cells] == [
        "TT",
        "Điều khoản",
        "Nội dung kiểm tra",
        "Kết quả",
        "Bằng chứng / ghi chú",
    ]
    rows = [[c.text for c in r.cells] for r in table.rows[1:]]
    assert len(rows) == 4  # the clause question and the three steps
    assert rows[0][:2] == ["1", "7.5"] and rows[0][3] == "Phù hợp" and rows[0][4] == "Có danh mục"
    assert rows[2][2].startswith("[QT-GDTRH-01] Bước 2 — Thẩm định hồ sơ")
    assert rows[2][3] == "Không phù hợp"
    assert "Thiếu chữ ký" in rows[2][4] and "anh-bang-chung.png" in rows[2][4]
    sig = [c.text for c in signature.rows[0].cells]
    assert "ĐƠN VỊ ĐƯỢC ĐÁNH GIÁ" in sig[0] and "Head_A Nguyễn" in sig[0]
    assert "TRƯỞNG ĐOÀN ĐÁNH GIÁ" in sig[1] and "Lead Nguyễn" in sig[1]
    assert "Nơi nhận" not in text
    # The signatures come after the table.
    body = list(document.element.body.iterchildren())
    assert body.index(signature._tbl) > body.index(table._tbl)


def test_checklist_docx_of_every_unit_names_the_unit_on_each_row(org: Any, personas: Any) -> None:
    audit = audit_make(org, personas, units=[org.div_a, org.div_b], clauses=["9.2"])
    svc.generate_checklist(audit=audit, actor=personas["lead"])
    document = docx.Document(io.BytesIO(exports_checklists.checklist_docx(audit)))
    rows = [[c.text for c in r.cells] for r in document.tables[1].rows[1:]]
    assert [r[2].split(":")[0] for r in rows] == ["Phòng GDTrH", "Phòng TCCB"]


def test_checklist_download(audit: Any, personas: Any, org: Any) -> None:
    client = Client()
    client.force_login(personas["lead"])
    response = client.get(
        reverse("audits:checklist_export", args=[audit.pk, "docx"]), {"unit": org.div_a.pk}
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert docx.Document(io.BytesIO(response.content)).tables
    close_response(response)
    # a unit not audited by this audit
    assert (
        client.get(
            reverse("audits:checklist_export", args=[audit.pk, "docx"]), {"unit": org.div_b.pk}
        ).status_code
        == 404
    )


def test_findings_xlsx(audit: Any, personas: Any, org: Any) -> None:
    data = svc.FindingData(
        unit=org.div_a,
        kind=Finding.Kind.NONCONFORMITY,
        severity="major",
        clause="7.5",
        description='=HYPERLINK("x")',
        evidence="Không có sổ",
    )
    f = svc.record_finding(actor=personas["lead"], audit=audit, data=data)
    svc.finding_issue(actor=personas["lead"], finding=f)
    svc.finding_acknowledge(actor=personas["head_a"], finding=f, comment="Thống nhất")
    svc.record_finding(
        actor=personas["lead"],
        audit=audit,
        data=svc.FindingData(
            unit=org.div_a, kind=Finding.Kind.IMPROVEMENT, description="Nên số hóa sổ"
        ),
    )
    client = Client()
    client.force_login(personas["lead"])
    response = client.get(reverse("audits:findings_xlsx", args=[audit.pk]))
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.content))
    ws = wb.active
    assert ws["A1"].value.startswith("PHÁT HIỆN ĐÁNH GIÁ NỘI BỘ")
    assert [c.value for c in ws[4]][:5] == [
        "TT",
        "Đơn vị được đánh giá",
        "Loại phát hiện",
        "Mức độ",
        "Điều khoản",
    ]
    first = [c.value for c in ws[5]]
    assert first[:5] == [
        1,
        "Phòng Giáo dục Trung học",
        "Không phù hợp",
        "Nặng",
        "7.5 Thông tin dạng văn bản",
    ]
    assert first[6] == '=HYPERLINK("x")' and ws["G5"].data_type == "s"  # text, never a formula
    assert first[8] == "Đơn vị đã xác nhận" and first[9] == "Thống nhất"
    assert [c.value for c in ws[6]][2] == "Cơ hội cải tiến"
    # The audited unit's head gets only the findings issued to the unit.
    head = Client()
    head.force_login(personas["head_a"])
    ws = load_workbook(
        io.BytesIO(head.get(reverse("audits:findings_xlsx", args=[audit.pk])).content)
    ).active
    assert ws.max_row == 5


def test_checklist_pdf(audit: Any, personas: Any) -> None:
    from qms.reports.pdf import soffice_available

    if not soffice_available():
        pytest.skip("LibreOffice is not installed")
    client = Client()
    client.force_login(personas["lead"])
    response = client.get(reverse("audits:checklist_export", args=[audit.pk, "pdf"]))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    close_response(response)
